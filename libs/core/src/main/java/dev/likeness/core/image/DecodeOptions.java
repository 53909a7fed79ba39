package dev.likeness.core.image;

import java.awt.Rectangle;

/**
 * What part of an image to decode and at what resolution.
 *
 * @param region       the part to decode in upright, full-resolution coordinates (after EXIF
 *                     orientation); null for the whole image. Clipped to the image.
 * @param subsampling  keep every n-th pixel in both directions (1 = full resolution)
 * @param minLongSide  when positive, choose the largest subsampling that keeps the long side of the decoded
 *                     region at or above this many pixels (overrides {@code subsampling})
 */
public record DecodeOptions(Rectangle region, int subsampling, int minLongSide) {

    public DecodeOptions {
        if (subsampling < 1) {
            throw new IllegalArgumentException("subsampling must be >= 1, was " + subsampling);
        }
        if (minLongSide < 0) {
            throw new IllegalArgumentException("minLongSide must be >= 0, was " + minLongSide);
        }
        if (region != null && (region.width <= 0 || region.height <= 0)) {
            throw new IllegalArgumentException("region must not be empty: " + region);
        }
        region = region == null ? null : new Rectangle(region);
    }

    /** The whole image at full resolution. */
    public static DecodeOptions full() {
        return new DecodeOptions(null, 1, 0);
    }

    /** The whole image, keeping every {@code factor}-th pixel: memory shrinks by factor² (the JDK's reader still decodes all). */
    public static DecodeOptions subsampledBy(int factor) {
        return new DecodeOptions(null, factor, 0);
    }

    /**
     * The whole image, reduced by an integer factor but with its long side still at least {@code minLongSide}
     * (e.g. 640: a 1920 px photo decodes at 640 px, a 1900 px one at 950 px, a 1279 px one at full size).
     */
    public static DecodeOptions reducedTo(int minLongSide) {
        return new DecodeOptions(null, 1, minLongSide);
    }

    /** The same options restricted to {@code uprightRegion}, e.g. a face box for a full-resolution crop. */
    public DecodeOptions withRegion(Rectangle uprightRegion) {
        return new DecodeOptions(uprightRegion, subsampling, minLongSide);
    }

    @Override
    public Rectangle region() {
        return region == null ? null : new Rectangle(region);
    }

    int subsamplingFor(int regionWidth, int regionHeight) {
        if (minLongSide == 0) {
            return subsampling;
        }
        return Math.max(1, Math.max(regionWidth, regionHeight) / minLongSide);
    }
}
