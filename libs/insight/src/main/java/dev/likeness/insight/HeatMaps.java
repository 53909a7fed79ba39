package dev.likeness.insight;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Heat maps drawn over pictures: the picture dimmed to grey, the map's strength as a black-red-yellow ramp over it. */
final class HeatMaps {

    private HeatMaps() {}

    /**
     * @param heat one value per picture pixel (row-major, the picture's size), 0..1
     */
    static BufferedImage overlay(BufferedImage picture, float[] heat) {
        int width = picture.getWidth(), height = picture.getHeight();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = picture.getRGB(x, y);
                float grey = (0.299f * (rgb >> 16 & 0xff) + 0.587f * (rgb >> 8 & 0xff) + 0.114f * (rgb & 0xff)) / 255;
                float h = Math.max(0, Math.min(1, heat[y * width + x]));
                // The ramp: black, red at 0.5, yellow at 1; the dimmed picture shows through where the map is weak.
                float red = Math.min(1, 2 * h), green = Math.max(0, 2 * h - 1);
                float base = 0.35f * grey * (1 - h);
                out.setRGB(x, y, pack(base + red * h, base + green * h, base));
            }
        }
        return out;
    }

    /**
     * A saliency map over its picture: box-blurred over {@code blur} px (the raw gradient is speckled, regions are what
     * should show), scaled by its own peak, drawn as heat.
     */
    static BufferedImage saliency(BufferedImage picture, float[] saliency, int blur) {
        return overlay(picture, normalised(boxBlurred(saliency, picture.getWidth(), picture.getHeight(), blur)));
    }

    /** Writes the panels side by side, top-aligned, as one PNG as high as the tallest (folders created). */
    static void writeRow(List<BufferedImage> panels, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        int width = panels.stream().mapToInt(BufferedImage::getWidth).sum();
        int height = panels.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        BufferedImage row = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = row.createGraphics();
        int x = 0;
        for (BufferedImage panel : panels) {
            graphics.drawImage(panel, x, 0, null);
            x += panel.getWidth();
        }
        graphics.dispose();
        ImageIO.write(row, "png", file.toFile());
    }

    /** Values scaled into 0..1 by their maximum (all zero stays zero). */
    static float[] normalised(float[] values) {
        float max = 0;
        for (float value : values) {
            max = Math.max(max, value);
        }
        float[] out = new float[values.length];
        for (int i = 0; i < values.length && max > 0; i++) {
            out[i] = Math.max(0, values[i]) / max;
        }
        return out;
    }

    /** The mean over a {@code size} x {@code size} square around each pixel (clipped at the borders). */
    static float[] boxBlurred(float[] map, int width, int height, int size) {
        int radius = size / 2;
        float[] out = new float[map.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double sum = 0;
                int count = 0;
                for (int v = Math.max(0, y - radius); v <= Math.min(height - 1, y + radius); v++) {
                    for (int u = Math.max(0, x - radius); u <= Math.min(width - 1, x + radius); u++) {
                        sum += map[v * width + u];
                        count++;
                    }
                }
                out[y * width + x] = (float) (sum / count);
            }
        }
        return out;
    }

    private static int pack(float red, float green, float blue) {
        return channel(red) << 16 | channel(green) << 8 | channel(blue);
    }

    private static int channel(float value) {
        return Math.max(0, Math.min(255, Math.round(value * 255)));
    }
}
