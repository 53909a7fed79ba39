package dev.likeness.matching.tools;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.RescaleOp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import dev.likeness.face.DetectedFace;

/** Crops of one face out of a photo, as new JPEG images, optionally perturbed like a second shot would be. */
public final class FaceCrops {

    /**
     * How a crop differs from a plain one.
     *
     * @param shift      offset of the crop centre, as a fraction of the crop side (x and y alike)
     * @param scale      crop side relative to the plain crop (below 1 = tighter)
     * @param brightness multiplier of every channel
     * @param degrees    rotation about the crop centre
     * @param detail     resolution kept, 0..1: the crop is shrunk by this factor and enlarged back (a smaller,
     *                   blurrier face)
     * @param quality    JPEG quality, 0..1
     */
    public record Perturbation(
            double shift, double scale, float brightness, double degrees, double detail, float quality) {
        public static final Perturbation NONE = new Perturbation(0, 1, 1, 0, 1, 0.95f);
    }

    /** Room around the face box on each side, as a fraction of the box: the detector needs context. */
    private static final double MARGIN = 0.6;

    private FaceCrops() {}

    public static BufferedImage read(byte[] photo) {
        try {
            return ImageIO.read(new ByteArrayInputStream(photo));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] crop(BufferedImage photo, DetectedFace face, Perturbation perturbation) {
        double side = Math.max(face.width(), face.height()) * (1 + 2 * MARGIN) * perturbation.scale();
        double cx = (face.x1() + face.x2()) / 2 + perturbation.shift() * side;
        double cy = (face.y1() + face.y2()) / 2 + perturbation.shift() * side;
        int size = (int) Math.round(side);
        BufferedImage crop = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = crop.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        AffineTransform transform = new AffineTransform();
        transform.rotate(Math.toRadians(perturbation.degrees()), size / 2.0, size / 2.0);
        transform.translate(size / 2.0 - cx, size / 2.0 - cy);
        g.drawImage(photo, transform, null);
        g.dispose();
        if (perturbation.detail() < 1) {
            crop = resized(resized(crop, Math.max(8, (int) Math.round(size * perturbation.detail()))), size);
        }
        if (perturbation.brightness() != 1) {
            crop = new RescaleOp(perturbation.brightness(), 0, null).filter(crop, null);
        }
        return jpeg(crop, perturbation.quality());
    }

    private static BufferedImage resized(BufferedImage image, int size) {
        BufferedImage resized = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, size, size, null);
        g.dispose();
        return resized;
    }

    private static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam params = writer.getDefaultWriteParam();
            params.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            params.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), params);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
