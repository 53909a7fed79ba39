package dev.likeness.core.image;

/**
 * Bounds an input image must respect before any pixel is decoded.
 *
 * @param maxBytes  size of the encoded file
 * @param maxPixels width x height read from the header: a 100 KB PNG can claim 30000 x 30000 pixels and
 *                  need gigabytes once decoded (a decompression bomb)
 * @param maxSide   longest side in pixels, which also bounds degenerate strips that pass the pixel limit
 */
public record ImageLimits(long maxBytes, long maxPixels, int maxSide) {

    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final int DEFAULT_MAX_SIDE = 16_384;

    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0 || maxSide <= 0) {
            throw new IllegalArgumentException("Image limits must be positive: " + maxBytes + " bytes, " + maxPixels
                    + " pixels, " + maxSide + " px side");
        }
    }

    /** 16 MiB, 40 megapixels, 16384 px per side. */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE);
    }

    public ImageLimits withMaxBytes(long maxBytes) {
        return new ImageLimits(maxBytes, maxPixels, maxSide);
    }

    public ImageLimits withMaxPixels(long maxPixels) {
        return new ImageLimits(maxBytes, maxPixels, maxSide);
    }

    public ImageLimits withMaxSide(int maxSide) {
        return new ImageLimits(maxBytes, maxPixels, maxSide);
    }
}
