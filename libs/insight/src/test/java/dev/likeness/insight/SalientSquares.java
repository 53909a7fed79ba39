package dev.likeness.insight;

/** The masking criterion's salient square, shared by {@link MatchSaliencyTest} and {@link FusionSaliencyTest}. */
final class SalientSquares {

    private SalientSquares() {}

    /** Top-left corner {row, column} of the mask x mask square with the largest total saliency (summed-area table). */
    static int[] strongest(float[] map, int width, int height, int mask) {
        double[] table = new double[(width + 1) * (height + 1)];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                table[(y + 1) * (width + 1) + x + 1] = map[y * width + x]
                        + table[y * (width + 1) + x + 1]
                        + table[(y + 1) * (width + 1) + x]
                        - table[y * (width + 1) + x];
            }
        }
        double best = -1;
        int[] corner = {0, 0};
        for (int top = 0; top + mask <= height; top++) {
            for (int left = 0; left + mask <= width; left++) {
                int bottom = top + mask, right = left + mask;
                double sum = table[bottom * (width + 1) + right]
                        - table[top * (width + 1) + right]
                        - table[bottom * (width + 1) + left]
                        + table[top * (width + 1) + left];
                if (sum > best) {
                    best = sum;
                    corner = new int[] {top, left};
                }
            }
        }
        return corner;
    }
}
