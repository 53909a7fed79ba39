package dev.likeness.onnx.tools.extract;

import java.util.Arrays;

/**
 * A per-channel affine map from the toolkit's image convention (RGB, 0..255, NCHW) to what a network was
 * trained on, built into extractor graphs as a 1x1 Conv so callers (and gradients) work in plain pixels:
 * output channel c is {@code image[source[c]] * scale[c] + offset[c]}.
 */
public record ImagePreprocessing(String name, int[] source, float[] scale, float[] offset) {

    public ImagePreprocessing {
        if (source.length != 3 || scale.length != 3 || offset.length != 3) {
            throw new IllegalArgumentException("Preprocessing maps three channels to three");
        }
        source = source.clone();
        scale = scale.clone();
        offset = offset.clone();
    }

    /** Keras "caffe" (VGG, ResNet50 in keras.applications): BGR, minus the ImageNet means, no scaling. */
    public static ImagePreprocessing caffe() {
        return new ImagePreprocessing(
                "caffe", new int[] {2, 1, 0}, new float[] {1, 1, 1}, new float[] {-103.939f, -116.779f, -123.68f});
    }

    /** torchvision's ImageNet models: RGB / 255, minus mean, over std per channel. */
    public static ImagePreprocessing torchvision() {
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        float[] scale = new float[3];
        float[] offset = new float[3];
        for (int channel = 0; channel < 3; channel++) {
            scale[channel] = 1 / (255 * std[channel]);
            offset[channel] = -mean[channel] / std[channel];
        }
        return new ImagePreprocessing("torchvision", new int[] {0, 1, 2}, scale, offset);
    }

    /** Pixels as they are: for networks that take RGB 0..255. */
    public static ImagePreprocessing none() {
        return new ImagePreprocessing("none", new int[] {0, 1, 2}, new float[] {1, 1, 1}, new float[] {0, 0, 0});
    }

    public static ImagePreprocessing named(String name) {
        return switch (name) {
            case "caffe" -> caffe();
            case "torchvision" -> torchvision();
            case "none" -> none();
            default ->
                throw new IllegalArgumentException("Unknown preprocessing '" + name + "' (caffe, torchvision, none)");
        };
    }

    public boolean isIdentity() {
        return Arrays.equals(source, new int[] {0, 1, 2})
                && Arrays.equals(scale, new float[] {1, 1, 1})
                && Arrays.equals(offset, new float[] {0, 0, 0});
    }

    /** The 1x1 Conv weights [3, 3, 1, 1]. */
    float[] weights() {
        float[] weights = new float[9];
        for (int channel = 0; channel < 3; channel++) {
            weights[channel * 3 + source[channel]] = scale[channel];
        }
        return weights;
    }

    @Override
    public int[] source() {
        return source.clone();
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public float[] offset() {
        return offset.clone();
    }
}
