package dev.likeness.stylising.engine;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.image.ImageRejectedException.Reason;

/**
 * Clips: animated GIF in and out (javax.imageio's GIF codec), and animated WebP in (TwelveMonkeys' WebP reader
 * decodes each frame; the container's frame headers are read here). Reading composes each frame onto the
 * screen as a player shows it: a frame may cover only part of the screen at an offset, and its disposal method
 * says what the next frame is drawn over (left in place, cleared, or, for a GIF, the screen before it).
 */
public final class Clips {

    private static final String GIF_IMAGE_METADATA = "javax_imageio_gif_image_1.0";
    private static final String GIF_STREAM_METADATA = "javax_imageio_gif_stream_1.0";
    private static final byte GIF_TRAILER = 0x3B;
    private static final int WEBP_ANIMATION_FLAG = 0x02;
    /** Frames without a delay play at 10 frames per second, as browsers do. */
    private static final int DEFAULT_DELAY_MS = 100;

    /** The frames as shown, and the delay of the first frame (the clip's frame time). */
    public record Clip(List<BufferedImage> frames, int delayMs) {}

    private Clips() {}

    /** Whether the content is a clip: a GIF (one frame or more) or an animated WebP. */
    public static boolean isClip(byte[] bytes) {
        return isGif(bytes) || isAnimatedWebp(bytes);
    }

    /** The frames of a GIF or an animated WebP, as {@link #readGif} and {@link #readWebp}. */
    public static Clip read(byte[] bytes, int maxFrames, long maxPixels) throws ImageRejectedException {
        return isGif(bytes) ? readGif(bytes, maxFrames, maxPixels) : readWebp(bytes, maxFrames, maxPixels);
    }

    /** A clip's frame count and canvas size (every decoded frame is the canvas), read from its headers. */
    public record Shape(int frames, int width, int height) {}

    /**
     * The shape of a GIF or an animated WebP, from the headers alone: what decoding it would hold in memory, to be
     * checked before decoding.
     */
    public static Shape shape(byte[] bytes) throws ImageRejectedException {
        return isGif(bytes)
                ? gifShape(bytes)
                : new Shape(webpFrames(bytes).size(), webpCanvasWidth(bytes), webpCanvasHeight(bytes));
    }

    /** The canvas of an animated WebP, from its VP8X chunk: width and height less one, 24 bits each. */
    private static int webpCanvasWidth(byte[] bytes) {
        return 1 + uint24(bytes, 24);
    }

    private static int webpCanvasHeight(byte[] bytes) {
        return 1 + uint24(bytes, 27);
    }

    /** Whether the bytes are a WebP in the extended format with the animation flag set (RIFF, WEBP, VP8X). */
    public static boolean isAnimatedWebp(byte[] bytes) {
        return bytes.length >= 30
                && fourCc(bytes, 0).equals("RIFF")
                && fourCc(bytes, 8).equals("WEBP")
                && fourCc(bytes, 12).equals("VP8X")
                && (bytes[20] & WEBP_ANIMATION_FLAG) != 0;
    }

    /**
     * Decodes every frame of an animated WebP: each frame's pixels by TwelveMonkeys' reader (which yields the
     * frame's own rectangle), composed here onto the canvas by the ANMF header's offset, blending (alpha over
     * the canvas, or replacing it) and disposal (the rectangle cleared afterwards). Limits as for a GIF.
     */
    public static Clip readWebp(byte[] bytes, int maxFrames, long maxPixels) throws ImageRejectedException {
        List<WebpFrame> headers = webpFrames(bytes);
        if (headers.size() > maxFrames) {
            throw new ImageRejectedException(
                    Reason.TOO_MANY_PIXELS,
                    "the clip has " + headers.size() + " frames; at most " + maxFrames + " are accepted");
        }
        int width = webpCanvasWidth(bytes);
        int height = webpCanvasHeight(bytes);
        if ((long) width * height > maxPixels) {
            throw new ImageRejectedException(
                    Reason.TOO_MANY_PIXELS,
                    "the clip's frames are " + width + "x" + height + " px, over " + maxPixels + " pixels");
        }
        ImageReader reader = ImageIO.getImageReadersByFormatName("webp").next();
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, false, false);
            BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
            List<BufferedImage> frames = new ArrayList<>();
            for (int index = 0; index < headers.size(); index++) {
                WebpFrame header = headers.get(index);
                BufferedImage part;
                try {
                    part = reader.read(index);
                } catch (IOException | RuntimeException e) {
                    throw new ImageRejectedException(
                            Reason.UNDECODABLE,
                            "the WebP is corrupt: frame " + (index + 1) + " of " + headers.size()
                                    + " cannot be decoded (" + e.getMessage() + ")",
                            e);
                }
                if (!header.blend()) {
                    clear(canvas, header.left(), header.top(), header.width(), header.height());
                }
                Graphics2D graphics = canvas.createGraphics();
                graphics.drawImage(part, header.left(), header.top(), null);
                graphics.dispose();
                frames.add(opaque(canvas));
                if (header.dispose()) {
                    clear(canvas, header.left(), header.top(), header.width(), header.height());
                }
            }
            int delay = headers.get(0).durationMs() > 0 ? headers.get(0).durationMs() : DEFAULT_DELAY_MS;
            return new Clip(frames, delay);
        } catch (IOException e) {
            throw new ImageRejectedException(Reason.UNDECODABLE, "the WebP cannot be read: " + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    /** One ANMF chunk's header: the frame's rectangle on the canvas, its duration, blending and disposal. */
    private record WebpFrame(
            int left, int top, int width, int height, int durationMs, boolean blend, boolean dispose) {}

    /**
     * The ANMF headers of an animated WebP, in order. The RIFF size and every chunk's size must fit in the bytes
     * (a cut file is refused here: the decoder would otherwise fail on, or skip, the missing frames).
     */
    private static List<WebpFrame> webpFrames(byte[] bytes) throws ImageRejectedException {
        long declared = 8 + uint32(bytes, 4);
        if (declared > bytes.length) {
            throw new ImageRejectedException(
                    Reason.UNDECODABLE,
                    "the WebP is truncated: its RIFF header declares " + declared + " bytes, " + bytes.length
                            + " arrived");
        }
        List<WebpFrame> frames = new ArrayList<>();
        int at = 12;
        while (at + 8 <= declared) {
            String name = fourCc(bytes, at);
            long size = uint32(bytes, at + 4);
            if (at + 8 + size > declared) {
                throw new ImageRejectedException(
                        Reason.UNDECODABLE,
                        "the WebP is corrupt: its " + name + " chunk at byte " + at + " runs past the file's end");
            }
            if (name.equals("ANMF") && size >= 16) {
                int header = at + 8;
                int flags = bytes[header + 15];
                frames.add(new WebpFrame(
                        2 * uint24(bytes, header),
                        2 * uint24(bytes, header + 3),
                        1 + uint24(bytes, header + 6),
                        1 + uint24(bytes, header + 9),
                        uint24(bytes, header + 12),
                        (flags & 0x02) == 0,
                        (flags & 0x01) != 0));
            }
            at += 8 + (int) size + (int) (size & 1);
        }
        if (frames.isEmpty()) {
            throw new ImageRejectedException(Reason.UNDECODABLE, "the animated WebP has no frames (no ANMF chunk)");
        }
        return frames;
    }

    private static String fourCc(byte[] bytes, int at) {
        return new String(bytes, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static int uint24(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16;
    }

    private static long uint32(byte[] bytes, int at) {
        return uint24(bytes, at) | (long) (bytes[at + 3] & 0xFF) << 24;
    }

    /** Whether the bytes start with a GIF signature. */
    public static boolean isGif(byte[] bytes) {
        return bytes.length >= 6 && bytes[0] == 'G' && bytes[1] == 'I' && bytes[2] == 'F' && bytes[3] == '8';
    }

    /**
     * Decodes every frame of a GIF. More than {@code maxFrames} frames, or a screen of more than
     * {@code maxPixels} pixels, is refused before the frames are decoded.
     */
    public static Clip readGif(byte[] bytes, int maxFrames, long maxPixels) throws ImageRejectedException {
        requireTrailer(bytes);
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, false, false);
            int count = frameCount(reader);
            if (count > maxFrames) {
                throw new ImageRejectedException(
                        Reason.TOO_MANY_PIXELS,
                        "the clip has " + count + " frames; at most " + maxFrames + " are accepted");
            }
            int[] screen = logicalScreen(reader.getStreamMetadata(), reader);
            if ((long) screen[0] * screen[1] > maxPixels) {
                throw new ImageRejectedException(
                        Reason.TOO_MANY_PIXELS,
                        "the clip's frames are " + screen[0] + "x" + screen[1] + " px, over " + maxPixels + " pixels");
            }
            BufferedImage canvas = new BufferedImage(screen[0], screen[1], BufferedImage.TYPE_INT_ARGB);
            List<BufferedImage> frames = new ArrayList<>();
            int delay = DEFAULT_DELAY_MS;
            for (int index = 0; index < count; index++) {
                BufferedImage part;
                IIOMetadataNode metadata;
                try {
                    part = reader.read(index);
                    metadata = (IIOMetadataNode) reader.getImageMetadata(index).getAsTree(GIF_IMAGE_METADATA);
                } catch (IOException | RuntimeException e) {
                    throw new ImageRejectedException(
                            Reason.UNDECODABLE,
                            "the GIF is truncated or corrupt: frame " + (index + 1) + " of " + count
                                    + " cannot be read (" + e.getMessage() + ")",
                            e);
                }
                IIOMetadataNode descriptor = child(metadata, "ImageDescriptor");
                int left = intAttribute(descriptor, "imageLeftPosition", 0);
                int top = intAttribute(descriptor, "imageTopPosition", 0);
                IIOMetadataNode control = child(metadata, "GraphicControlExtension");
                String disposal = control == null ? "none" : control.getAttribute("disposalMethod");
                if (index == 0 && control != null) {
                    int hundredths = intAttribute(control, "delayTime", 0);
                    delay = hundredths > 0 ? 10 * hundredths : DEFAULT_DELAY_MS;
                }
                BufferedImage before = disposal.equals("restoreToPrevious") ? copy(canvas) : null;
                Graphics2D graphics = canvas.createGraphics();
                graphics.drawImage(part, left, top, null);
                graphics.dispose();
                frames.add(opaque(canvas));
                if (disposal.equals("restoreToBackgroundColor")) {
                    clear(canvas, left, top, part.getWidth(), part.getHeight());
                } else if (before != null) {
                    canvas = before;
                }
            }
            return new Clip(frames, delay);
        } catch (IOException e) {
            throw new ImageRejectedException(Reason.UNDECODABLE, "the GIF cannot be read: " + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    /** The frame count and logical screen of a GIF, from its headers (without decoding the frames). */
    private static Shape gifShape(byte[] bytes) throws ImageRejectedException {
        requireTrailer(bytes);
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, false, false);
            int frames = frameCount(reader);
            int[] screen = logicalScreen(reader.getStreamMetadata(), reader);
            return new Shape(frames, screen[0], screen[1]);
        } catch (IOException e) {
            throw new ImageRejectedException(Reason.UNDECODABLE, "the GIF cannot be read: " + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    /** The codec decodes a cut frame as far as it goes and pads it without a word: check the end instead. */
    private static void requireTrailer(byte[] bytes) throws ImageRejectedException {
        if (bytes.length == 0 || bytes[bytes.length - 1] != GIF_TRAILER) {
            throw new ImageRejectedException(
                    Reason.UNDECODABLE,
                    "the GIF is truncated: it does not end with the GIF trailer (0x3B) after its " + bytes.length
                            + " bytes");
        }
    }

    /** The frame count, which a truncated file cannot tell: it scans every frame's header. */
    private static int frameCount(ImageReader reader) throws ImageRejectedException {
        try {
            int count = reader.getNumImages(true);
            if (count < 1) {
                throw new ImageRejectedException(Reason.UNDECODABLE, "the GIF has no frames");
            }
            return count;
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(
                    Reason.UNDECODABLE, "the GIF is truncated or corrupt: its frames cannot be counted", e);
        }
    }

    private static int[] logicalScreen(IIOMetadata stream, ImageReader reader) throws IOException {
        if (stream != null) {
            IIOMetadataNode root = (IIOMetadataNode) stream.getAsTree(GIF_STREAM_METADATA);
            IIOMetadataNode screen = child(root, "LogicalScreenDescriptor");
            int width = intAttribute(screen, "logicalScreenWidth", 0);
            int height = intAttribute(screen, "logicalScreenHeight", 0);
            if (width > 0 && height > 0) {
                return new int[] {width, height};
            }
        }
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
    }

    /**
     * Encodes frames as an animated GIF that loops forever, {@code delayMs} per frame (GIF counts in
     * hundredths of a second). Colours are reduced to each frame's own 256-colour palette by the codec.
     */
    public static byte[] writeGif(List<Raster> frames, int delayMs) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(output);
            writer.prepareWriteSequence(null);
            for (int index = 0; index < frames.size(); index++) {
                BufferedImage image = frames.get(index).toImage();
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata metadata =
                        writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(GIF_IMAGE_METADATA);
                IIOMetadataNode control = childOrNew(root, "GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("transparentColorIndex", "0");
                control.setAttribute("delayTime", Integer.toString(Math.max(1, Math.round(delayMs / 10f))));
                if (index == 0) {
                    IIOMetadataNode extensions = childOrNew(root, "ApplicationExtensions");
                    IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
                    loop.setAttribute("applicationID", "NETSCAPE");
                    loop.setAttribute("authenticationCode", "2.0");
                    loop.setUserObject(new byte[] {1, 0, 0});
                    extensions.appendChild(loop);
                }
                metadata.setFromTree(GIF_IMAGE_METADATA, root);
                writer.writeToSequence(new IIOImage(image, null, metadata), param);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        NodeList children = parent.getChildNodes();
        for (int index = 0; index < children.getLength(); index++) {
            Node node = children.item(index);
            if (node.getNodeName().equals(name)) {
                return (IIOMetadataNode) node;
            }
        }
        return null;
    }

    private static IIOMetadataNode childOrNew(IIOMetadataNode parent, String name) {
        IIOMetadataNode found = child(parent, name);
        if (found == null) {
            found = new IIOMetadataNode(name);
            parent.appendChild(found);
        }
        return found;
    }

    private static int intAttribute(IIOMetadataNode node, String name, int fallback) {
        if (node == null || node.getAttribute(name).isEmpty()) {
            return fallback;
        }
        return Integer.parseInt(node.getAttribute(name));
    }

    private static BufferedImage copy(BufferedImage image) {
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D graphics = copy.createGraphics();
        graphics.drawImage(image, 0, 0, null);
        graphics.dispose();
        return copy;
    }

    /** The frame over white, as the networks see pictures (transparent areas of a GIF show the page). */
    private static BufferedImage opaque(BufferedImage canvas) {
        BufferedImage frame = new BufferedImage(canvas.getWidth(), canvas.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = frame.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, frame.getWidth(), frame.getHeight());
        graphics.drawImage(canvas, 0, 0, null);
        graphics.dispose();
        return frame;
    }

    private static void clear(BufferedImage canvas, int left, int top, int width, int height) {
        Graphics2D graphics = canvas.createGraphics();
        graphics.setComposite(AlphaComposite.Clear);
        graphics.fillRect(left, top, width, height);
        graphics.dispose();
    }
}
