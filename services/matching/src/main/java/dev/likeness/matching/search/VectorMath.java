package dev.likeness.matching.search;

/** The inner loops of every comparison, written so the JIT keeps several multiply-adds in flight. */
public final class VectorMath {

    private VectorMath() {}

    /** Dot product of {@code a} with {@code a.length} floats of {@code b} starting at {@code bOffset}. */
    public static float dot(float[] a, float[] b, int bOffset) {
        int length = a.length;
        // Eight independent sums: a single running sum would make every addition wait for the previous one.
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (int upper = length & ~7; i < upper; i += 8) {
            int j = bOffset + i;
            s0 += a[i] * b[j];
            s1 += a[i + 1] * b[j + 1];
            s2 += a[i + 2] * b[j + 2];
            s3 += a[i + 3] * b[j + 3];
            s4 += a[i + 4] * b[j + 4];
            s5 += a[i + 5] * b[j + 5];
            s6 += a[i + 6] * b[j + 6];
            s7 += a[i + 7] * b[j + 7];
        }
        for (; i < length; i++) {
            s0 += a[i] * b[bOffset + i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    public static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
        }
        return dot(a, b, 0);
    }

    /** ||a - b||^2 of two unit vectors, from their dot product: 2 - 2 a.b, in [0, 4]. */
    public static float squaredDistanceOfUnitVectors(float dot) {
        return Math.min(4f, Math.max(0f, 2f - 2f * dot));
    }

    /** How far from 1 a squared norm may be for a vector to count as unit length already. */
    private static final double UNIT_TOLERANCE = 1e-5;

    /**
     * A unit-length copy of {@code vector}; an already normalised vector is copied unchanged, so that a
     * stored embedding reads back bit for bit.
     *
     * @throws IllegalArgumentException for a zero vector or one with NaN or infinite components
     */
    public static float[] normalised(float[] vector) {
        double sum = 0;
        for (float value : vector) {
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException("the vector has a NaN or infinite component");
            }
            sum += (double) value * value;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("the vector is all zeros");
        }
        if (Math.abs(sum - 1) < UNIT_TOLERANCE) {
            return vector.clone();
        }
        float scale = (float) (1 / Math.sqrt(sum));
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = vector[i] * scale;
        }
        return unit;
    }
}
