package dev.likeness.learning;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.RescaleOp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.DetectedFace;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;

/**
 * A labelled folder built from the face-api sample photos: one identity per face, each in several
 * perturbed crops (mirror images, small rotations, brightness, shifted and rescaled framing), like a
 * user's own photos of the same people. The woman of sample1 (face 2) also appears in sample3 (face 1):
 * her folder holds crops of both photos. One photo without a face is added to one folder.
 */
public final class SampleFolder {

    public static final String NO_FACE_PHOTO = "s2f0/no-face.jpg";

    private SampleFolder() {}

    public static Path build(Path root, int cropsPerFace) throws IOException {
        SplittableRandom random = new SplittableRandom(2024);
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(ModelsDirectory.locate()))) {
            for (int sample = 1; sample <= 6; sample++) {
                byte[] bytes = Files.readAllBytes(ModelsDirectory.resolve("samples/sample" + sample + ".jpg"));
                BufferedImage photo = ImageIO.read(new ByteArrayInputStream(bytes));
                FaceAnalysis analysis = pipeline.analyse(bytes);
                for (int face = 0; face < analysis.faces().size(); face++) {
                    String identity = sample == 3 && face == 1 ? "s1f2" : "s" + sample + "f" + face;
                    Path folder = Files.createDirectories(root.resolve(identity));
                    for (int crop = 0; crop < cropsPerFace; crop++) {
                        BufferedImage image = crop(
                                photo,
                                analysis.faces().get(face).box(),
                                crop % 2 == 1,
                                random.nextDouble(-10, 10),
                                (float) random.nextDouble(0.7, 1.3),
                                random.nextDouble(-0.05, 0.05),
                                random.nextDouble(0.9, 1.15));
                        ImageIO.write(
                                image,
                                "jpg",
                                folder.resolve("s" + sample + "-" + crop + ".jpg")
                                        .toFile());
                    }
                }
            }
        } catch (ImageRejectedException e) {
            throw new IOException(e);
        }
        BufferedImage blank = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = blank.createGraphics();
        g.setColor(new Color(120, 140, 160));
        g.fillRect(0, 0, 200, 200);
        g.dispose();
        ImageIO.write(blank, "jpg", root.resolve(NO_FACE_PHOTO).toFile());
        return root;
    }

    /** A square crop around the face with room for the detector, perturbed. */
    private static BufferedImage crop(
            BufferedImage photo,
            DetectedFace face,
            boolean mirror,
            double degrees,
            float brightness,
            double shift,
            double scale) {
        double side = Math.max(face.width(), face.height()) * 2.2 * scale;
        double cx = (face.x1() + face.x2()) / 2 + shift * side;
        double cy = (face.y1() + face.y2()) / 2 + shift * side;
        int size = (int) Math.round(side);
        BufferedImage crop = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = crop.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        AffineTransform transform = new AffineTransform();
        if (mirror) {
            transform.translate(size, 0);
            transform.scale(-1, 1);
        }
        transform.rotate(Math.toRadians(degrees), size / 2.0, size / 2.0);
        transform.translate(size / 2.0 - cx, size / 2.0 - cy);
        g.drawImage(photo, transform, null);
        g.dispose();
        return new RescaleOp(brightness, 0, null).filter(crop, null);
    }
}
