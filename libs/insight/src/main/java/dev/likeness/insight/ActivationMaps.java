package dev.likeness.insight;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.onnx.tools.receptive.ReceptiveField;

/** One image through the layers: per layer, its strongest channels as heat maps over the picture. */
public final class ActivationMaps {

    /** A channel of a layer and its peak activation on the image. */
    public record Channel(String layer, int channel, float peak) {}

    private ActivationMaps() {}

    /** The {@code count} channels of a layer with the highest peak activation, strongest first. */
    public static List<Channel> strongest(FloatTensor map, String layer, int count) {
        int channels = map.dimension(1), plane = map.dimension(2) * map.dimension(3);
        List<Channel> all = new ArrayList<>();
        for (int channel = 0; channel < channels; channel++) {
            float peak = Float.NEGATIVE_INFINITY;
            for (int position = 0; position < plane; position++) {
                peak = Math.max(peak, map.data()[channel * plane + position]);
            }
            all.add(new Channel(layer, channel, peak));
        }
        all.sort(Comparator.comparingDouble(Channel::peak).reversed());
        return all.subList(0, Math.min(count, channels));
    }

    /**
     * Writes {@code <layer>.png} per layer into {@code folder}: the picture, then one panel per strongest channel
     * (each map scaled by its own peak, placed by the receptive fields' centres).
     *
     * @return the channels shown, layer by layer
     */
    public static List<Channel> write(LayerExtractor extractor, InsightImage image, int count, Path folder)
            throws IOException {
        Files.createDirectories(folder);
        Map<String, FloatTensor> maps = extractor.run(image);
        BufferedImage picture = image.toImage();
        List<Channel> shown = new ArrayList<>();
        for (String layer : extractor.layers()) {
            List<Channel> channels = strongest(maps.get(layer), layer, count);
            BufferedImage row = new BufferedImage(
                    (channels.size() + 1) * image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
            Graphics2D graphics = row.createGraphics();
            graphics.drawImage(picture, 0, 0, null);
            for (int panel = 0; panel < channels.size(); panel++) {
                float[] heat = HeatMaps.normalised(
                        overPicture(maps.get(layer), channels.get(panel).channel(), extractor.field(layer), image));
                graphics.drawImage(HeatMaps.overlay(picture, heat), (panel + 1) * image.width(), 0, null);
            }
            graphics.dispose();
            ImageIO.write(row, "png", folder.resolve(layer + ".png").toFile());
            shown.addAll(channels);
        }
        return shown;
    }

    /**
     * A channel's map resampled to the picture's pixels: position (r, c) sits at the centre of its receptive field,
     * bilinear in between, clamped at the borders.
     */
    static float[] overPicture(FloatTensor map, int channel, ReceptiveField field, InsightImage image) {
        int rows = map.dimension(2), columns = map.dimension(3), plane = rows * columns;
        float[] out = new float[image.width() * image.height()];
        for (int y = 0; y < image.height(); y++) {
            double r = position(y, field.rows(), rows);
            int r0 = (int) Math.floor(r), r1 = Math.min(rows - 1, r0 + 1);
            double fr = r - r0;
            for (int x = 0; x < image.width(); x++) {
                double c = position(x, field.columns(), columns);
                int c0 = (int) Math.floor(c), c1 = Math.min(columns - 1, c0 + 1);
                double fc = c - c0;
                int base = channel * plane;
                double top =
                        (1 - fc) * map.data()[base + r0 * columns + c0] + fc * map.data()[base + r0 * columns + c1];
                double bottom =
                        (1 - fc) * map.data()[base + r1 * columns + c0] + fc * map.data()[base + r1 * columns + c1];
                out[y * image.width() + x] = (float) ((1 - fr) * top + fr * bottom);
            }
        }
        return out;
    }

    private static double position(int pixel, ReceptiveField.Axis axis, int positions) {
        double centre = axis.start() + (axis.size() - 1) / 2.0;
        return Math.max(0, Math.min(positions - 1, (pixel - centre) / axis.stride()));
    }
}
