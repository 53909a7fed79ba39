package dev.likeness.matching.calibration;

import dev.likeness.matching.search.VectorMath;

/** Two unit embeddings and whether they show the same person. */
public record LabelledPair(float[] first, float[] second, boolean same) {

    public float distance() {
        return VectorMath.squaredDistanceOfUnitVectors(VectorMath.dot(first, second));
    }
}
