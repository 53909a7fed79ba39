package dev.likeness.testing;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** A photo mirrored left to right, as lossless PNG bytes: what a network should answer alike for. */
public final class Mirror {

    private Mirror() {}

    public static byte[] png(BufferedImage photo) {
        int width = photo.getWidth(), height = photo.getHeight();
        BufferedImage mirrored = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = mirrored.createGraphics();
        graphics.drawImage(photo, width, 0, -width, height, null);
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(mirrored, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }
}
