package dev.likeness.face;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Draws boxes, scores and landmarks over an image, for people to check what the pipeline saw. */
public final class FaceOverlay {

    private FaceOverlay() {}

    /** Returns a copy of {@code image} (upright, original size) with every face drawn on it. */
    public static BufferedImage draw(BufferedImage image, List<AnalysedFace> faces) {
        BufferedImage canvas = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.drawImage(image, 0, 0, null);
            float stroke = Math.max(2f, image.getWidth() / 500f);
            g.setStroke(new BasicStroke(stroke));
            g.setFont(g.getFont().deriveFont(stroke * 8));
            for (AnalysedFace face : faces) {
                DetectedFace box = face.box();
                g.setColor(Color.GREEN);
                g.drawRect(
                        Math.round(box.x1()), Math.round(box.y1()), Math.round(box.width()), Math.round(box.height()));
                g.drawString(String.format("%.2f", box.score()), box.x1(), box.y1() - stroke * 2);
                g.setColor(Color.YELLOW);
                dots(g, face.landmarks68(), stroke);
                g.setColor(Color.RED);
                dots(g, face.landmarks5(), stroke * 2);
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    private static void dots(Graphics2D g, float[] points, float radius) {
        for (int p = 0; p + 1 < points.length; p += 2) {
            g.fillOval(
                    Math.round(points[p] - radius),
                    Math.round(points[p + 1] - radius),
                    Math.round(2 * radius),
                    Math.round(2 * radius));
        }
    }
}
