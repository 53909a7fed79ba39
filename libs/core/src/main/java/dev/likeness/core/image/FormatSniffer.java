package dev.likeness.core.image;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Tells the format from the first bytes, so the right reader is chosen and others are refused by name. */
final class FormatSniffer {

    private FormatSniffer() {}

    static ImageFormat sniff(byte[] bytes) throws ImageRejectedException {
        if (startsWith(bytes, 0, 0xFF, 0xD8, 0xFF)) {
            return ImageFormat.JPEG;
        }
        if (startsWith(bytes, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return ImageFormat.PNG;
        }
        if (startsWith(bytes, 0, 'R', 'I', 'F', 'F') && startsWith(bytes, 8, 'W', 'E', 'B', 'P')) {
            return ImageFormat.WEBP;
        }
        throw new ImageRejectedException(
                ImageRejectedException.Reason.UNSUPPORTED_FORMAT,
                "Unsupported image format: " + describeUnsupported(bytes)
                        + "; accepted formats are JPEG, PNG and WebP");
    }

    private static String describeUnsupported(byte[] bytes) {
        if (startsWith(bytes, 0, 'G', 'I', 'F', '8')) {
            return "GIF";
        }
        if (startsWith(bytes, 0, 'I', 'I', 0x2A, 0x00) || startsWith(bytes, 0, 'M', 'M', 0x00, 0x2A)) {
            return "TIFF";
        }
        if (startsWith(bytes, 0, 'B', 'M')) {
            return "BMP";
        }
        if (startsWith(bytes, 4, 'f', 't', 'y', 'p') && bytes.length >= 12) {
            // ISO base media: the brand says HEIC, AVIF, or a video container.
            return "ISO media (brand '" + new String(bytes, 8, 4, StandardCharsets.US_ASCII).strip()
                    + "', e.g. HEIC/AVIF)";
        }
        if (startsWith(bytes, 0, '%', 'P', 'D', 'F')) {
            return "PDF";
        }
        if (startsWith(bytes, 0, 'R', 'I', 'F', 'F')) {
            return "RIFF container that is not WebP";
        }
        int shown = Math.min(bytes.length, 8);
        return "unknown magic bytes " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, shown);
    }

    private static boolean startsWith(byte[] bytes, int offset, int... expected) {
        if (bytes.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((bytes[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
