package dev.likeness.core.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * How pixels become a network's input floats: channel order, then {@code (value - mean[c]) / std[c]} per
 * channel on 0..255 values, and the pixel value that samples outside the image take.
 *
 * @param channels    RGB, BGR, or one grey channel (ITU-R BT.601 luma: 0.299 R + 0.587 G + 0.114 B)
 * @param mean        one value per output channel, in output channel order
 * @param std         one value per output channel, in output channel order
 * @param borderValue 0..255, used for all channels outside the image (e.g. 127 to letterbox)
 */
public record TensorEncoding(Channels channels, float[] mean, float[] std, int borderValue) {

    public enum Channels {
        RGB(3),
        BGR(3),
        GREY(1);

        private final int count;

        Channels(int count) {
            this.count = count;
        }

        public int count() {
            return count;
        }
    }

    public TensorEncoding {
        Objects.requireNonNull(channels, "channels");
        if (mean.length != channels.count() || std.length != channels.count()) {
            throw new IllegalArgumentException(channels + " needs " + channels.count() + " mean and std values, got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (float deviation : std) {
            if (deviation == 0 || !Float.isFinite(deviation)) {
                throw new IllegalArgumentException("std values must be finite and non-zero: " + Arrays.toString(std));
            }
        }
        if (borderValue < 0 || borderValue > 255) {
            throw new IllegalArgumentException("borderValue must be within 0..255, was " + borderValue);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** RGB with the same mean and std for all channels, e.g. {@code rgb(127, 128)} for the face networks. */
    public static TensorEncoding rgb(float mean, float std) {
        return new TensorEncoding(Channels.RGB, new float[] {mean, mean, mean}, new float[] {std, std, std}, 0);
    }

    /** RGB with per-channel mean and std in R, G, B order. */
    public static TensorEncoding rgb(float[] mean, float[] std) {
        return new TensorEncoding(Channels.RGB, mean, std, 0);
    }

    /** BGR with per-channel mean and std in B, G, R order, e.g. Keras "caffe" preprocessing. */
    public static TensorEncoding bgr(float[] mean, float[] std) {
        return new TensorEncoding(Channels.BGR, mean, std, 0);
    }

    /** One grey channel, e.g. {@code grey(0, 256)} for v/256. */
    public static TensorEncoding grey(float mean, float std) {
        return new TensorEncoding(Channels.GREY, new float[] {mean}, new float[] {std}, 0);
    }

    public TensorEncoding withBorderValue(int borderValue) {
        return new TensorEncoding(channels, mean, std, borderValue);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Floats one image of {@code width} x {@code height} takes in NCHW. */
    public int floatsPerImage(int width, int height) {
        return channels.count() * width * height;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorEncoding that
                && channels == that.channels
                && borderValue == that.borderValue
                && Arrays.equals(mean, that.mean)
                && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, borderValue, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "TensorEncoding[" + channels + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
                + ", border=" + borderValue + ']';
    }
}
