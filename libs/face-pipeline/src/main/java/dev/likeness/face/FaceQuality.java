package dev.likeness.face;

import java.nio.FloatBuffer;

/** Quality hints computed from the aligned face. */
final class FaceQuality {

    private FaceQuality() {}

    /**
     * Variance of the 4-neighbour Laplacian of the aligned face's mean channel, in the tensor's normalised
     * units: a blurred face has little high-frequency energy. Comparable between faces of one model.
     */
    static float sharpness(FloatBuffer tensor, int offset, int width, int height, int channels) {
        float[] grey = new float[width * height];
        int plane = width * height;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                grey[i] += tensor.get(offset + c * plane + i) / channels;
            }
        }
        double sum = 0, sumSquares = 0;
        int count = 0;
        for (int y = 1; y < height - 1; y++) {
            for (int x = 1; x < width - 1; x++) {
                int i = y * width + x;
                double laplacian = grey[i - 1] + grey[i + 1] + grey[i - width] + grey[i + width] - 4 * grey[i];
                sum += laplacian;
                sumSquares += laplacian * laplacian;
                count++;
            }
        }
        double mean = sum / count;
        return (float) (sumSquares / count - mean * mean);
    }
}
