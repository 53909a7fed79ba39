package dev.likeness.insight;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.likeness.core.image.DecodeOptions;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.onnx.FloatInput;

/**
 * A picture as the networks see it: RGB 0..255, NCHW, batch 1. Patches and heat maps are drawn from these pixels,
 * so what is shown is exactly what was measured.
 */
public record InsightImage(String name, float[] pixels, int width, int height) {

    /** Fills what a receptive field reads outside the picture (the networks' zero padding, shown as grey). */
    static final Color OUTSIDE = new Color(128, 128, 128);

    /** Decodes a photo (upright, within the decoder's limits) and scales it so its longer side is {@code longSide}. */
    public static InsightImage load(Path file, ImageDecoder decoder, int longSide) throws IOException {
        try {
            BufferedImage image = decoder.decode(Files.readAllBytes(file), DecodeOptions.reducedTo(longSide))
                    .image();
            return scaled(file.getFileName().toString(), image, longSide);
        } catch (ImageRejectedException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The image scaled so its longer side is {@code longSide} (bilinear, aspect kept). */
    public static InsightImage scaled(String name, BufferedImage image, int longSide) {
        double scale = (double) longSide / Math.max(image.getWidth(), image.getHeight());
        int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        FloatBuffer buffer = FloatInput.allocate(1, 3, height, width);
        ImageTensors.resize(image, width, height, TensorEncoding.rgb(0, 1), buffer);
        float[] pixels = new float[3 * width * height];
        buffer.flip().get(pixels);
        return new InsightImage(name, pixels, width, height);
    }

    public FloatInput input() {
        return FloatInput.of(FloatBuffer.wrap(pixels), 1, 3, height, width);
    }

    public BufferedImage toImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = width * height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int index = y * width + x;
                image.setRGB(x, y, rgb(pixels[index], pixels[plane + index], pixels[2 * plane + index]));
            }
        }
        return image;
    }

    /**
     * The pixels rows {@code top..bottom}, columns {@code left..right} (inclusive; may lie outside the picture, which
     * shows as {@link #OUTSIDE}).
     */
    public BufferedImage crop(long top, long left, long bottom, long right) {
        int cropHeight = (int) (bottom - top + 1), cropWidth = (int) (right - left + 1);
        BufferedImage crop = new BufferedImage(cropWidth, cropHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = crop.createGraphics();
        graphics.setColor(OUTSIDE);
        graphics.fillRect(0, 0, cropWidth, cropHeight);
        graphics.dispose();
        int plane = width * height;
        for (long y = Math.max(0, top); y <= Math.min(height - 1, bottom); y++) {
            for (long x = Math.max(0, left); x <= Math.min(width - 1, right); x++) {
                int index = (int) (y * width + x);
                crop.setRGB(
                        (int) (x - left),
                        (int) (y - top),
                        rgb(pixels[index], pixels[plane + index], pixels[2 * plane + index]));
            }
        }
        return crop;
    }

    private static int rgb(float red, float green, float blue) {
        return channel(red) << 16 | channel(green) << 8 | channel(blue);
    }

    private static int channel(float value) {
        return Math.max(0, Math.min(255, Math.round(value)));
    }
}
