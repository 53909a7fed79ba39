package dev.likeness.core.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.testing.ImageCorpus;

/** Builds test images in memory, byte by byte where a real encoder cannot produce what a test needs. */
final class TestImages {

    private TestImages() {}

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

    /**
     * A CMYK JPEG as Photoshop writes them: four components with an Adobe APP14 segment, values stored
     * inverted. Left half pure cyan, right half pure yellow.
     */
    static byte[] cmykJpeg(int width, int height) {
        BufferedImage halves = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                halves.setRGB(x, y, x < width / 2 ? 0x00FFFF : 0xFFFF00);
            }
        }
        return ImageCorpus.cmykJpeg(halves);
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
