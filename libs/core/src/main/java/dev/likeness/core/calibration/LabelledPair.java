package dev.likeness.core.calibration;

/** Two unit embeddings and whether they show the same person. */
public record LabelledPair(float[] first, float[] second, boolean same) {

    /** ||first - second||^2 = 2 - 2 cos, clamped to [0, 4] against rounding. */
    public float distance() {
        double dot = 0;
        for (int k = 0; k < first.length; k++) {
            dot += first[k] * second[k];
        }
        return (float) Math.min(4, Math.max(0, 2 - 2 * dot));
    }
}
