package dev.likeness.testing;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Builds the awkward and hostile images of the bad-input corpus in memory, from a real photo or from
 * nothing: with the JDK's ImageIO writers where they can write what a test needs, byte by byte where an
 * encoder would refuse to (a header that lies, a CMYK JPEG, an EXIF block with absurd counts).
 */
public final class ImageCorpus {

    private ImageCorpus() {}

    /** Encodes with the JDK writer of {@code format} (png, jpeg, gif, bmp, tiff). */
    public static byte[] encode(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("No ImageIO writer for " + format + " and " + image);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes with the JDK readers (a test's own view of an image it built). */
    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("ImageIO cannot read these " + bytes.length + " bytes");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The image as 8-bit RGB at {@code scale} of its size (bilinear). */
    public static BufferedImage scaled(BufferedImage image, double scale) {
        int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage result = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = result.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.drawImage(image, 0, 0, width, height, null);
        } finally {
            graphics.dispose();
        }
        return result;
    }

    /** Reproducible noise. */
    public static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The pixels turned 90 degrees counter-clockwise: EXIF orientation 6 turns them back upright. */
    public static BufferedImage rotatedCounterClockwise(BufferedImage image) {
        BufferedImage rotated = new BufferedImage(image.getHeight(), image.getWidth(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                rotated.setRGB(y, image.getWidth() - 1 - x, image.getRGB(x, y));
            }
        }
        return rotated;
    }

    /** The JPEG with an EXIF APP1 segment holding only the orientation tag, inserted after SOI. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26); // big-endian ("MM") by default
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8); // header, IFD0 at offset 8
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1); // Orientation, SHORT, count 1
        tiff.putShort((short) orientation).putShort((short) 0); // value, padding
        tiff.putInt(0); // no next IFD
        return withApp1Exif(jpeg, tiff.array(), 1);
    }

    /**
     * The JPEG with {@code segments} maximal (64 KiB) EXIF segments after SOI, each an IFD of thousands of
     * entries whose counts claim about a billion values each (what a parser that trusts counts allocates),
     * plus a valid orientation tag (NORMAL) first.
     */
    public static byte[] withHugeExif(byte[] jpeg, int segments) {
        int entries = (65_533 - 6 - 8 - 2 - 4) / 12;
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 * entries + 4);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        tiff.putShort((short) entries);
        tiff.putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) 1)
                .putShort((short) 0);
        for (int i = 1; i < entries; i++) {
            // Private tags, type LONG, ~1e9 values "at" an offset far beyond the segment.
            tiff.putShort((short) (0xC000 + i))
                    .putShort((short) 4)
                    .putInt(0x3FFF_FFFF)
                    .putInt(0x7FFF_0000);
        }
        tiff.putInt(0);
        return withApp1Exif(jpeg, tiff.array(), segments);
    }

    private static byte[] withApp1Exif(byte[] jpeg, byte[] tiff, int copies) {
        byte[] identifier = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int segmentLength = 2 + identifier.length + tiff.length;
        if (segmentLength > 0xFFFF) {
            throw new IllegalArgumentException("an APP1 segment holds at most 65533 bytes");
        }
        ByteBuffer result = ByteBuffer.allocate(jpeg.length + copies * (2 + segmentLength));
        result.put(jpeg, 0, 2); // SOI
        for (int i = 0; i < copies; i++) {
            result.put((byte) 0xFF)
                    .put((byte) 0xE1)
                    .putShort((short) segmentLength)
                    .put(identifier)
                    .put(tiff);
        }
        result.put(jpeg, 2, jpeg.length - 2);
        return result.array();
    }

    /**
     * A CMYK JPEG as Photoshop writes them: four components with an Adobe APP14 segment, values stored
     * inverted, from the RGB image by the naive conversion (K = 1 - max(R, G, B)).
     */
    public static byte[] cmykJpeg(BufferedImage rgb) {
        int width = rgb.getWidth();
        int height = rgb.getHeight();
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        int[] inverted = new int[4];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int pixel = rgb.getRGB(x, y);
                int red = pixel >> 16 & 0xFF;
                int green = pixel >> 8 & 0xFF;
                int blue = pixel & 0xFF;
                int max = Math.max(red, Math.max(green, blue));
                // Inverted CMYK: 255 - C = 255 * R / max (for max > 0), 255 - K = max.
                inverted[0] = max == 0 ? 255 : 255 * red / max;
                inverted[1] = max == 0 ? 255 : 255 * green / max;
                inverted[2] = max == 0 ? 255 : 255 * blue / max;
                inverted[3] = max;
                raster.setPixel(x, y, inverted);
            }
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(plain)) {
            writer.setOutput(output);
            writer.write(null, new IIOImage(raster, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = plain.toByteArray();
        // APP14 "Adobe": version 100, no flags, transform 0 (CMYK, no YCC conversion).
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        ByteBuffer result = ByteBuffer.allocate(jpeg.length + adobe.length);
        result.put(jpeg, 0, 2).put(adobe).put(jpeg, 2, jpeg.length - 2);
        return result.array();
    }

    /** A 16-bit-per-channel RGB PNG: each 8-bit value v becomes v * 257 (v in the high and low byte). */
    public static byte[] sixteenBitPng(BufferedImage rgb) {
        ComponentColorModel model = new ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(rgb.getWidth(), rgb.getHeight());
        int[] deep = new int[3];
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int pixel = rgb.getRGB(x, y);
                deep[0] = (pixel >> 16 & 0xFF) * 257;
                deep[1] = (pixel >> 8 & 0xFF) * 257;
                deep[2] = (pixel & 0xFF) * 257;
                raster.setPixel(x, y, deep);
            }
        }
        return encode(new BufferedImage(model, raster, false, null), "png");
    }

    /** A palette PNG: 256 colours (a 6x7x6 colour cube plus greys), nearest colour per pixel, no dithering. */
    public static byte[] palettePng(BufferedImage rgb) {
        byte[] reds = new byte[256];
        byte[] greens = new byte[256];
        byte[] blues = new byte[256];
        int index = 0;
        for (int r = 0; r < 6; r++) {
            for (int g = 0; g < 7; g++) {
                for (int b = 0; b < 6; b++, index++) {
                    reds[index] = (byte) (r * 255 / 5);
                    greens[index] = (byte) (g * 255 / 6);
                    blues[index] = (byte) (b * 255 / 5);
                }
            }
        }
        for (int grey = 0; index < 256; index++, grey++) {
            byte value = (byte) (grey * 255 / 3); // the 4 entries left: 0, 85, 170, 255
            reds[index] = value;
            greens[index] = value;
            blues[index] = value;
        }
        IndexColorModel palette = new IndexColorModel(8, 256, reds, greens, blues);
        BufferedImage indexed =
                new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, palette);
        Graphics2D graphics = indexed.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_DITHERING, RenderingHints.VALUE_DITHER_DISABLE);
            graphics.drawImage(rgb, 0, 0, null);
        } finally {
            graphics.dispose();
        }
        return encode(indexed, "png");
    }

    /** An animated GIF (looping) of the frames, 100 ms each. */
    public static byte[] animatedGif(BufferedImage... frames) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(output);
            writer.prepareWriteSequence(null);
            for (int i = 0; i < frames.length; i++) {
                BufferedImage frame = frames[i];
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata metadata =
                        writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
                String format = metadata.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
                IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", "10");
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                if (i == 0) {
                    IIOMetadataNode applications = new IIOMetadataNode("ApplicationExtensions");
                    IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
                    loop.setAttribute("applicationID", "NETSCAPE");
                    loop.setAttribute("authenticationCode", "2.0");
                    loop.setUserObject(new byte[] {1, 0, 0}); // loop forever
                    applications.appendChild(loop);
                    root.appendChild(applications);
                }
                metadata.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(frame, null, metadata), param);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * A valid PNG whose header claims {@code width} x {@code height} RGB pixels, with a token IDAT: a
     * decompression bomb's header (a real one would inflate to width x height x 3 bytes).
     */
    public static byte[] pngClaiming(int width, int height) {
        ByteBuffer header = ByteBuffer.allocate(13);
        header.putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[64]);
        deflater.finish();
        byte[] compressed = new byte[128];
        int compressedLength = deflater.deflate(compressed);
        deflater.end();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        writeChunk(png, "IHDR", header.array(), 13);
        writeChunk(png, "IDAT", compressed, compressedLength);
        writeChunk(png, "IEND", new byte[0], 0);
        return png.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream png, String type, byte[] data, int length) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data, 0, length);
        png.writeBytes(ByteBuffer.allocate(4).putInt(length).array());
        png.writeBytes(typeBytes);
        png.write(data, 0, length);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
