package dev.likeness.stylising.engine;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Animated WebP files for the tests, written here (no WebP encoder is on Maven Central, and the tests need
 * nothing outside the repository): the RIFF container of the WebP specification (VP8X with the animation flag,
 * ANIM, one ANMF per frame) around lossless VP8L bitstreams of the simplest legal kind: no transforms, no
 * colour cache, no back-references, every green, red and blue value coded with 8 bits by a prefix code whose
 * lengths are all 8, alpha a single-symbol code (255, zero bits). Exact pixels, about 3 bytes each.
 */
public final class TestWebp {

    /** One frame: its pixels, where it goes on the canvas (even offsets), and how long it shows. */
    public record Frame(BufferedImage image, int left, int top, int durationMs) {}

    private TestWebp() {}

    /** Every frame covers the whole canvas. */
    public static byte[] animated(List<BufferedImage> frames, int durationMs) {
        return animated(
                frames.get(0).getWidth(),
                frames.get(0).getHeight(),
                frames.stream().map(image -> new Frame(image, 0, 0, durationMs)).toList());
    }

    public static byte[] animated(int width, int height, List<Frame> frames) {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        ByteArrayOutputStream vp8x = new ByteArrayOutputStream();
        vp8x.write(0x02); // animation
        writeLe(vp8x, 0, 3);
        writeLe(vp8x, width - 1, 3);
        writeLe(vp8x, height - 1, 3);
        chunk(chunks, "VP8X", vp8x.toByteArray());
        ByteArrayOutputStream anim = new ByteArrayOutputStream();
        writeLe(anim, 0xFFFFFFFF, 4); // background: white, opaque
        writeLe(anim, 0, 2); // loop forever
        chunk(chunks, "ANIM", anim.toByteArray());
        for (Frame frame : frames) {
            ByteArrayOutputStream anmf = new ByteArrayOutputStream();
            writeLe(anmf, frame.left() / 2, 3);
            writeLe(anmf, frame.top() / 2, 3);
            writeLe(anmf, frame.image().getWidth() - 1, 3);
            writeLe(anmf, frame.image().getHeight() - 1, 3);
            writeLe(anmf, frame.durationMs(), 3);
            anmf.write(0x02); // do not blend (the frames are opaque), no disposal
            chunk(anmf, "VP8L", lossless(frame.image()));
            chunk(chunks, "ANMF", anmf.toByteArray());
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes("RIFF".getBytes());
        writeLe(file, 4 + chunks.size(), 4);
        file.writeBytes("WEBP".getBytes());
        file.writeBytes(chunks.toByteArray());
        return file.toByteArray();
    }

    /** A VP8L bitstream (the chunk's payload) of an opaque picture. */
    static byte[] lossless(BufferedImage image) {
        Bits bits = new Bits();
        bits.write(0x2f, 8);
        bits.write(image.getWidth() - 1, 14);
        bits.write(image.getHeight() - 1, 14);
        bits.write(0, 1); // alpha unused
        bits.write(0, 3); // version
        bits.write(0, 1); // no transform
        bits.write(0, 1); // no colour cache
        bits.write(0, 1); // one prefix code group
        allEightBits(bits, 256 + 24); // green (and the unused length prefixes)
        allEightBits(bits, 256); // red
        allEightBits(bits, 256); // blue
        // alpha: a simple code of one 8-bit symbol, 255; distance: one symbol, 0 (both read with zero bits)
        bits.write(1, 1);
        bits.write(0, 1);
        bits.write(1, 1);
        bits.write(255, 8);
        bits.write(1, 1);
        bits.write(0, 1);
        bits.write(0, 1);
        bits.write(0, 1);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                bits.code((rgb >> 8) & 0xFF, 8);
                bits.code((rgb >> 16) & 0xFF, 8);
                bits.code(rgb & 0xFF, 8);
            }
        }
        return bits.bytes();
    }

    /**
     * A normal prefix code giving symbols 0..255 length 8 and the rest of the alphabet length 0. Its code lengths
     * are sent with a code-length code of two symbols, 0 and 8, one bit each (0 and 1).
     */
    private static void allEightBits(Bits bits, int alphabet) {
        bits.write(0, 1); // normal code
        // Code-length code lengths in the order 17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8: twelve of them.
        bits.write(12 - 4, 4);
        int[] order = {17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8};
        for (int symbol : order) {
            bits.write(symbol == 0 || symbol == 8 ? 1 : 0, 3);
        }
        bits.write(0, 1); // max_symbol = the alphabet size
        for (int symbol = 0; symbol < alphabet; symbol++) {
            bits.code(symbol < 256 ? 1 : 0, 1);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String fourCc, byte[] payload) {
        out.writeBytes(fourCc.getBytes());
        writeLe(out, payload.length, 4);
        out.writeBytes(payload);
        if (payload.length % 2 == 1) {
            out.write(0);
        }
    }

    private static void writeLe(ByteArrayOutputStream out, int value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((value >>> (8 * i)) & 0xFF);
        }
    }

    /** VP8L's bit writer: values least significant bit first; prefix codes most significant bit first. */
    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int current;
        private int used;

        void write(int value, int count) {
            for (int i = 0; i < count; i++) {
                bit((value >> i) & 1);
            }
        }

        void code(int code, int length) {
            for (int i = length - 1; i >= 0; i--) {
                bit((code >> i) & 1);
            }
        }

        private void bit(int bit) {
            current |= bit << used;
            if (++used == 8) {
                out.write(current);
                current = 0;
                used = 0;
            }
        }

        byte[] bytes() {
            if (used > 0) {
                out.write(current);
                current = 0;
                used = 0;
            }
            return out.toByteArray();
        }
    }
}
