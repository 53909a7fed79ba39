package dev.likeness.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A re-capture of a photo, the presentation attack a liveness check is for: the photo shown on a screen, small inside
 * another photo, and photographed again. Steps (docs/analysis.md#re-captures):
 *
 * <ol>
 *   <li>the scene: a {@value #WIDTH} x {@value #HEIGHT} wall, a vertical grey-beige gradient with sensor noise
 *       (Gaussian, sigma {@value #NOISE});
 *   <li>the screen: a near-black bezel, the photo inside it scaled to {@link #SCREEN_SHARE} of the scene's width,
 *       with a screen's tone (contrast x0.85, +18, a blue cast);
 *   <li>moire: the screen multiplied by two crossed sine gratings (periods 2.7 and 3.1 pixels, 9 and -14 degrees,
 *       depth {@value #MOIRE_DEPTH}), whose beats are the moire of a camera sampling a pixel grid;
 *   <li>glare: a reflection added over the screen, a Gaussian spot of white (peak {@value #GLARE_PEAK}, sigma a
 *       quarter of the screen's width) in its upper right;
 *   <li>JPEG at quality 0.85.
 * </ol>
 *
 * Deterministic for a seed (the noise); the photo's faces stay detectable (about half their original size).
 */
public final class Recapture {

    public static final int WIDTH = 1920;
    public static final int HEIGHT = 1280;
    public static final double SCREEN_SHARE = 0.55;
    private static final double NOISE = 5;
    private static final double MOIRE_DEPTH = 0.18;
    private static final double GLARE_PEAK = 150;

    private Recapture() {}

    /** The re-capture of {@code photo} as a JPEG. */
    public static byte[] of(BufferedImage photo, long seed) {
        return jpeg(image(photo, seed));
    }

    /** The re-capture of {@code photo} as pixels. */
    public static BufferedImage image(BufferedImage photo, long seed) {
        int screenWidth = (int) (WIDTH * SCREEN_SHARE);
        int screenHeight = (int) Math.round((double) photo.getHeight() * screenWidth / photo.getWidth());
        int left = (WIDTH - screenWidth) / 2, top = (HEIGHT - screenHeight) / 2;
        int bezel = 24;

        BufferedImage scene = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = scene.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            for (int y = 0; y < HEIGHT; y++) {
                double t = (double) y / HEIGHT;
                graphics.setColor(new Color((int) (200 - 70 * t), (int) (190 - 70 * t), (int) (170 - 70 * t)));
                graphics.drawLine(0, y, WIDTH, y);
            }
            graphics.setColor(new Color(18, 18, 20));
            graphics.fillRoundRect(
                    left - bezel, top - bezel, screenWidth + 2 * bezel, screenHeight + 2 * bezel, 30, 30);
            graphics.drawImage(photo, left, top, screenWidth, screenHeight, null);
        } finally {
            graphics.dispose();
        }

        Random random = new Random(seed);
        double a1 = Math.toRadians(9), a2 = Math.toRadians(-14);
        double glareX = left + 0.75 * screenWidth, glareY = top + 0.25 * screenHeight;
        double glareSigma = 0.25 * screenWidth;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int rgb = scene.getRGB(x, y);
                double[] c = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                boolean onScreen = x >= left && x < left + screenWidth && y >= top && y < top + screenHeight;
                if (onScreen) {
                    double moire = 1
                            + MOIRE_DEPTH
                                    * 0.5
                                    * (Math.sin(2 * Math.PI * (x * Math.cos(a1) + y * Math.sin(a1)) / 2.7)
                                            + Math.sin(2 * Math.PI * (x * Math.cos(a2) + y * Math.sin(a2)) / 3.1));
                    double dx = x - glareX, dy = y - glareY;
                    double glare = GLARE_PEAK * Math.exp(-(dx * dx + dy * dy) / (2 * glareSigma * glareSigma));
                    double[] tint = {0.96, 1.0, 1.08};
                    for (int k = 0; k < 3; k++) {
                        c[k] = ((c[k] * 0.85 + 18) * tint[k]) * moire + glare;
                    }
                }
                double noise = random.nextGaussian() * NOISE;
                scene.setRGB(x, y, (clamp(c[0] + noise) << 16) | (clamp(c[1] + noise) << 8) | clamp(c[2] + noise));
            }
        }
        return scene;
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }

    private static byte[] jpeg(BufferedImage image) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
