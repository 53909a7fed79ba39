package dev.likeness.common.image;

import dev.likeness.common.onnx.ModelsDirectory;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Builds test images in memory, byte by byte where a real encoder cannot produce what a test needs. */
final class TestImages {

    private TestImages() {
    }

    /** A photo from `make models`. */
    static byte[] sample(String name) {
        Path path = ModelsDirectory.resolve("samples/" + name);
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Sample photo missing: " + path + " (run `make models`)", e);
        }
    }

    /** Smooth colour ramps plus a bright block at the top-left, so orientation and position are visible. */
    static BufferedImage pattern(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int red = 255 * x / Math.max(1, width - 1);
                int green = 255 * y / Math.max(1, height - 1);
                int blue = (x < width / 4 && y < height / 4) ? 255 : 40;
                image.setRGB(x, y, 0xFF000000 | red << 16 | green << 8 | blue);
            }
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("No ImageIO writer for " + format + " and " + image);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JPEG with an EXIF APP1 segment holding only the orientation tag, inserted after SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26); // big-endian ("MM") by default
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8); // header, IFD0 at offset 8
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1); // Orientation, SHORT, count 1
        tiff.putShort((short) orientation).putShort((short) 0); // value, padding
        tiff.putInt(0); // no next IFD
        byte[] identifier = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int segmentLength = 2 + identifier.length + tiff.capacity();
        ByteBuffer result = ByteBuffer.allocate(jpeg.length + 2 + segmentLength);
        result.put(jpeg, 0, 2); // SOI
        result.put((byte) 0xFF).put((byte) 0xE1).putShort((short) segmentLength).put(identifier).put(tiff.array());
        result.put(jpeg, 2, jpeg.length - 2);
        return result.array();
    }

    /**
     * A CMYK JPEG as Photoshop writes them: four components with an Adobe APP14 segment, values stored
     * inverted. Left half pure cyan, right half pure yellow.
     */
    static byte[] cmykJpeg(int width, int height) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        int[] invertedCyan = {0, 255, 255, 255};
        int[] invertedYellow = {255, 255, 0, 255};
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, x < width / 2 ? invertedCyan : invertedYellow);
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

    /** A valid PNG whose header claims {@code width} x {@code height} RGB pixels, with a token IDAT. */
    static byte[] pngClaiming(int width, int height) {
        ByteBuffer header = ByteBuffer.allocate(13);
        header.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
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

    /**
     * A lossless WebP (VP8L) written by hand: red and blue fixed, green 0 or 255 per pixel as
     * {@code brightGreen} says, alpha 255. Uses "simple" prefix codes (one or two symbols each), so
     * every pixel costs a single bit and no Huffman tables need building.
     */
    static byte[] losslessWebp(int red, int blue, boolean[][] brightGreen) {
        int height = brightGreen.length;
        int width = brightGreen[0].length;
        BitWriter bits = new BitWriter();
        bits.write(width - 1, 14).write(height - 1, 14).write(0, 1).write(0, 3); // size, no alpha, version 0
        bits.write(0, 1); // no transforms
        bits.write(0, 1); // no colour cache
        bits.write(0, 1); // no meta prefix codes
        bits.write(1, 1).write(1, 1).write(1, 1).write(0, 8).write(255, 8); // green: symbols 0 and 255
        writeSingleSymbolCode(bits, red);
        writeSingleSymbolCode(bits, blue);
        writeSingleSymbolCode(bits, 255); // alpha
        bits.write(1, 1).write(0, 1).write(0, 1).write(0, 1); // distance: one 1-bit symbol, 0 (unused)
        for (boolean[] row : brightGreen) {
            for (boolean bright : row) {
                bits.write(bright ? 1 : 0, 1); // canonical code: the smaller symbol (0) is '0'
            }
        }
        byte[] stream = bits.toByteArray();
        int chunkLength = 1 + stream.length;
        int padding = chunkLength % 2;
        ByteBuffer riff = ByteBuffer.allocate(20 + chunkLength + padding).order(ByteOrder.LITTLE_ENDIAN);
        riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(12 + chunkLength + padding);
        riff.put("WEBP".getBytes(StandardCharsets.US_ASCII));
        riff.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(chunkLength);
        riff.put((byte) 0x2F).put(stream);
        return riff.array();
    }

    private static void writeSingleSymbolCode(BitWriter bits, int symbol) {
        bits.write(1, 1).write(0, 1).write(1, 1).write(symbol, 8); // simple, one symbol, 8-bit symbol
    }

    /** VP8L packs values least significant bit first. */
    private static final class BitWriter {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private int current;
        private int used;

        BitWriter write(int value, int count) {
            for (int bit = 0; bit < count; bit++) {
                current |= ((value >> bit) & 1) << used;
                if (++used == 8) {
                    bytes.write(current);
                    current = 0;
                    used = 0;
                }
            }
            return this;
        }

        byte[] toByteArray() {
            if (used > 0) {
                bytes.write(current);
                current = 0;
                used = 0;
            }
            return bytes.toByteArray();
        }
    }
}
