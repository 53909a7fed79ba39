package dev.likeness.face;

import java.util.Set;

import dev.likeness.core.image.DecodedImage;

/**
 * An image that passed every limit, decoded for detection (reduced, or whole when small); the encoded bytes
 * are kept for the full-resolution decode of the face regions when that decode was reduced.
 *
 * @param maxFaces  this request's cap on faces (0 = the pipeline's)
 * @param minFacePx this request's minimum face size (0 = the pipeline's)
 * @param analyses  the face analyses this request asked for (none by default)
 */
public record PreparedImage(
        byte[] bytes, DecodedImage forDetection, int maxFaces, int minFacePx, Set<Analysis> analyses) {

    public PreparedImage {
        analyses = Set.copyOf(analyses);
    }

    public int width() {
        return forDetection.originalWidth();
    }

    public int height() {
        return forDetection.originalHeight();
    }
}
