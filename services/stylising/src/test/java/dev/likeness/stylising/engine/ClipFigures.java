package dev.likeness.stylising.engine;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** The pictures of docs/stylising.md's clip section: a frame strip and the per-pair frame differences. */
final class ClipFigures {

    private static final int LABEL_WIDTH = 90;
    private static final Color[] LINE_COLOURS = {Color.GRAY, new Color(0xD0, 0x40, 0x30), new Color(0x20, 0x60, 0xC0)};

    private ClipFigures() {}

    /** One row of frames per clip, labelled on the left. */
    static BufferedImage strip(List<String> labels, List<List<Raster>> rows) {
        Raster first = rows.get(0).get(0);
        int columns = rows.get(0).size();
        BufferedImage image = new BufferedImage(
                LABEL_WIDTH + columns * (first.width() + 2),
                rows.size() * (first.height() + 2),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = canvas(image);
        for (int row = 0; row < rows.size(); row++) {
            int top = row * (first.height() + 2);
            graphics.setColor(Color.BLACK);
            graphics.drawString(labels.get(row), 4, top + first.height() / 2 + 4);
            for (int column = 0; column < columns; column++) {
                graphics.drawImage(
                        rows.get(row).get(column).toImage(), LABEL_WIDTH + column * (first.width() + 2), top, null);
            }
        }
        graphics.dispose();
        return image;
    }

    /** Mean |frame t - frame t-1| for each pair of consecutive frames, one line per clip. */
    static BufferedImage differences(List<String> labels, List<List<Raster>> clips) {
        int width = 560;
        int height = 300;
        int left = 60;
        int bottom = 40;
        int top = 20;
        int right = 170;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = canvas(image);
        int pairs = clips.get(0).size() - 1;
        double[][] values = new double[clips.size()][pairs];
        double max = 0;
        for (int clip = 0; clip < clips.size(); clip++) {
            for (int pair = 0; pair < pairs; pair++) {
                values[clip][pair] =
                        ClipPainter.meanFrameDifference(clips.get(clip).subList(pair, pair + 2));
                max = Math.max(max, values[clip][pair]);
            }
        }
        double yMax = Math.ceil(max / 5) * 5;
        int plotWidth = width - left - right;
        int plotHeight = height - top - bottom;
        graphics.setColor(Color.BLACK);
        graphics.drawLine(left, top, left, top + plotHeight);
        graphics.drawLine(left, top + plotHeight, left + plotWidth, top + plotHeight);
        for (double tick = 0; tick <= yMax; tick += 5) {
            int y = top + plotHeight - (int) (tick / yMax * plotHeight);
            graphics.drawString(String.format("%.0f", tick), left - 25, y + 4);
        }
        for (int pair = 0; pair < pairs; pair++) {
            int x = left + (int) ((pair + 0.5) * plotWidth / pairs);
            graphics.drawString((pair + 1) + "-" + (pair + 2), x - 10, top + plotHeight + 16);
        }
        graphics.drawString("frames", left + plotWidth / 2 - 15, height - 6);
        graphics.drawString("mean |frame difference|", 4, 14);
        graphics.setStroke(new BasicStroke(2));
        for (int clip = 0; clip < clips.size(); clip++) {
            graphics.setColor(LINE_COLOURS[clip % LINE_COLOURS.length]);
            for (int pair = 0; pair + 1 < pairs; pair++) {
                graphics.drawLine(
                        left + (int) ((pair + 0.5) * plotWidth / pairs),
                        top + plotHeight - (int) (values[clip][pair] / yMax * plotHeight),
                        left + (int) ((pair + 1.5) * plotWidth / pairs),
                        top + plotHeight - (int) (values[clip][pair + 1] / yMax * plotHeight));
            }
            graphics.drawString(labels.get(clip), left + plotWidth + 10, top + 20 + 18 * clip);
        }
        graphics.dispose();
        return image;
    }

    private static Graphics2D canvas(BufferedImage image) {
        Graphics2D graphics = image.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, image.getWidth(), image.getHeight());
        graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return graphics;
    }
}
