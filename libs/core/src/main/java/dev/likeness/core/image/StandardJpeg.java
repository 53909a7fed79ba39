package dev.likeness.core.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.ColorConvertOp;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recognises, from the segments before the scan, the JPEGs that the JDK's native (libjpeg) reader decodes
 * to exactly the pixels the TwelveMonkeys reader gives: 8-bit Huffman-coded (baseline, extended or
 * progressive) grey or YCbCr, with no colour profile or one that is sRGB in all but name. Cameras and
 * editors embed such sRGB profiles, and for any embedded profile TwelveMonkeys converts colours in Java and
 * builds a colour transform per image, several times the decode itself. Everything else (CMYK/YCCK, RGB,
 * other profiles, lossless or arithmetic coding, malformed segments) is not standard and goes to TwelveMonkeys.
 */
final class StandardJpeg {

    /** 1 (grey) or 3 (YCbCr). */
    final int components;
    /** Start and end offsets of the ICC profile's APP2 segments, which the JDK reader must not see. */
    private final int[] profileSegments;

    /** Largest difference, in 0..255 levels, an embedded profile may make against sRGB to count as sRGB. */
    static final int SRGB_TOLERANCE = 1;

    /** Profiles already judged, by content; bounded so that a stream of distinct profiles cannot grow it. */
    private static final Map<ByteBuffer, Boolean> SRGB_PROFILES = new ConcurrentHashMap<>();

    private static final int MAX_REMEMBERED_PROFILES = 64;

    private static final byte[] JFIF = "JFIF\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ICC = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ADOBE = "Adobe".getBytes(StandardCharsets.US_ASCII);

    private StandardJpeg(int components, int[] profileSegments) {
        this.components = components;
        this.profileSegments = profileSegments;
    }

    /**
     * The file without its ICC profile segments. The JDK reader would apply an embedded profile itself, through
     * a colour transform it builds for every image and every row; for a profile judged sRGB that is a
     * (costly) identity.
     */
    byte[] withoutProfile(byte[] jpeg) {
        if (profileSegments.length == 0) {
            return jpeg;
        }
        int removed = 0;
        for (int i = 0; i < profileSegments.length; i += 2) {
            removed += profileSegments[i + 1] - profileSegments[i];
        }
        byte[] stripped = new byte[jpeg.length - removed];
        int from = 0;
        int to = 0;
        for (int i = 0; i < profileSegments.length; i += 2) {
            int length = profileSegments[i] - from;
            System.arraycopy(jpeg, from, stripped, to, length);
            to += length;
            from = profileSegments[i + 1];
        }
        System.arraycopy(jpeg, from, stripped, to, jpeg.length - from);
        return stripped;
    }

    /** The file's layout when {@code jpeg} (starting with SOI) is standard in the sense above, else null. */
    static StandardJpeg of(byte[] jpeg) {
        int[] segments = new int[8];
        boolean jfif = false;
        int adobeTransform = -1;
        int frameMarker = -1;
        int[] componentIds = null;
        ByteArrayOutputStream profile = null;
        int profileChunks = 0;
        int pos = 2;
        while (true) {
            if (pos + 4 > jpeg.length || (jpeg[pos] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = jpeg[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xDA) {
                break;
            }
            if (marker == 0xD8 || marker == 0xD9 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                return null; // no pixels follow, or a marker that has no place before the scan
            }
            int length = (jpeg[pos + 2] & 0xFF) << 8 | jpeg[pos + 3] & 0xFF;
            int start = pos + 4;
            int end = pos + 2 + length;
            if (length < 2 || end > jpeg.length) {
                return null;
            }
            if (marker == 0xE0 && startsWith(jpeg, start, end, JFIF)) {
                jfif = true;
            } else if (marker == 0xE2 && startsWith(jpeg, start, end, ICC) && end - start > ICC.length + 2) {
                // Chunks carry their 1-based sequence number; the profile is the chunks in order.
                if ((jpeg[start + ICC.length] & 0xFF) != profileChunks + 1) {
                    return null;
                }
                if (2 * profileChunks + 2 > segments.length) {
                    segments = Arrays.copyOf(segments, 2 * segments.length);
                }
                segments[2 * profileChunks] = pos;
                segments[2 * profileChunks + 1] = end;
                profileChunks++;
                profile = profile == null ? new ByteArrayOutputStream() : profile;
                profile.write(jpeg, start + ICC.length + 2, end - start - ICC.length - 2);
            } else if (marker == 0xEE && startsWith(jpeg, start, end, ADOBE) && end - start >= 12) {
                adobeTransform = jpeg[start + 11] & 0xFF;
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (frameMarker != -1 || end - start < 6) {
                    return null;
                }
                frameMarker = marker;
                int components = jpeg[start + 5] & 0xFF;
                if (jpeg[start] != 8 || end - start < 6 + 3 * components) {
                    return null;
                }
                componentIds = new int[components];
                for (int c = 0; c < components; c++) {
                    componentIds[c] = jpeg[start + 6 + 3 * c] & 0xFF;
                }
            }
            pos = end;
        }
        // SOF0, SOF1, SOF2: Huffman-coded sequential or progressive, all the JDK's libjpeg decodes.
        if (frameMarker < 0xC0 || frameMarker > 0xC2) {
            return null;
        }
        if (componentIds.length == 1) {
            return profile == null ? new StandardJpeg(1, new int[0]) : null;
        }
        boolean standard = componentIds.length == 3
                && isYCbCr(jfif, adobeTransform, componentIds)
                && (profile == null || isSrgb(profile.toByteArray()));
        return standard ? new StandardJpeg(3, Arrays.copyOf(segments, 2 * profileChunks)) : null;
    }

    /** libjpeg's and TwelveMonkeys' common reading of three components; RGB-coded files are left out. */
    private static boolean isYCbCr(boolean jfif, int adobeTransform, int[] ids) {
        if (jfif) {
            return adobeTransform == -1 || adobeTransform == 1;
        }
        if (adobeTransform != -1) {
            return adobeTransform == 1;
        }
        return ids[0] == 1 && ids[1] == 2 && ids[2] == 3;
    }

    private static boolean startsWith(byte[] data, int start, int end, byte[] prefix) {
        if (end - start < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[start + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether converting from the profile to the JDK's sRGB, as TwelveMonkeys would, moves no colour of a
     * 16-level grid (and no grey, red, green or blue ramp value) by more than {@link #SRGB_TOLERANCE}.
     */
    static boolean isSrgb(byte[] profileData) {
        ByteBuffer key = ByteBuffer.wrap(profileData);
        Boolean known = SRGB_PROFILES.get(key);
        if (known != null) {
            return known;
        }
        boolean srgb = convertsToSrgbUnchanged(profileData);
        if (SRGB_PROFILES.size() < MAX_REMEMBERED_PROFILES) {
            SRGB_PROFILES.put(key, srgb);
        }
        return srgb;
    }

    private static boolean convertsToSrgbUnchanged(byte[] profileData) {
        try {
            ICC_Profile profile = ICC_Profile.getInstance(profileData);
            if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) {
                return false;
            }
            byte[] colours = probeColours();
            int pixels = colours.length / 3;
            WritableRaster source = Raster.createInterleavedRaster(
                    new DataBufferByte(colours, colours.length), pixels, 1, pixels * 3, 3, new int[] {0, 1, 2}, null);
            WritableRaster target = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, pixels, 1, 3, null);
            new ColorConvertOp(new ICC_ColorSpace(profile), ColorSpace.getInstance(ColorSpace.CS_sRGB), null)
                    .filter(source, target);
            byte[] converted = ((DataBufferByte) target.getDataBuffer()).getData();
            int[] offsets = ((ComponentSampleModel) target.getSampleModel()).getBandOffsets();
            for (int p = 0; p < pixels; p++) {
                for (int c = 0; c < 3; c++) {
                    int expected = colours[3 * p + c] & 0xFF;
                    int actual = converted[3 * p + offsets[c]] & 0xFF;
                    if (Math.abs(actual - expected) > SRGB_TOLERANCE) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false; // unreadable or unusable profile: TwelveMonkeys decides what to do with it
        }
    }

    /** RGB triples: a 16-level cube (0, 17, .., 255) and every level of grey, red, green and blue. */
    private static byte[] probeColours() {
        ByteArrayOutputStream colours = new ByteArrayOutputStream();
        for (int r = 0; r < 256; r += 17) {
            for (int g = 0; g < 256; g += 17) {
                for (int b = 0; b < 256; b += 17) {
                    colours.write(r);
                    colours.write(g);
                    colours.write(b);
                }
            }
        }
        for (int v = 0; v < 256; v++) {
            colours.writeBytes(
                    new byte[] {(byte) v, (byte) v, (byte) v, (byte) v, 0, 0, 0, (byte) v, 0, 0, 0, (byte) v});
        }
        return colours.toByteArray();
    }
}
