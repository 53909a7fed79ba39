package dev.likeness.insight;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.DetectedFace;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FacePipeline;

/** The faces of a photo cut the way a recognition network was trained (its alignment), as plain RGB pictures. */
public final class AlignedFaces {

    private AlignedFaces() {}

    /** Every face the pipeline finds in the photo, in its order, aligned for {@code network}. */
    public static List<InsightImage> of(FacePipeline pipeline, Path photo, EmbeddingSpec.Network network)
            throws IOException {
        try {
            return of(pipeline, Files.readAllBytes(photo), photo.getFileName().toString(), network);
        } catch (ImageRejectedException e) {
            throw new IOException(photo + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes every face of a photo, aligned for {@code network}, as a PNG into {@code folder}: {@code name} without
     * its extension, then {@code _face0.png}, {@code _face1.png}, ... (subfolders of {@code name} kept). A folder of
     * these is the corpus of a face network's atlas: its faces at the network's input size, named after their photos.
     *
     * @return the files written, none for a photo without a face
     */
    public static List<Path> write(
            FacePipeline pipeline, Path photo, String name, EmbeddingSpec.Network network, Path folder)
            throws IOException {
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        List<Path> files = new ArrayList<>();
        List<InsightImage> faces = of(pipeline, photo, network);
        for (int index = 0; index < faces.size(); index++) {
            Path file = folder.resolve(stem + "_face" + index + ".png");
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(faces.get(index).toImage(), "png", file.toFile());
            files.add(file);
        }
        return files;
    }

    /**
     * As {@link #of(FacePipeline, Path, EmbeddingSpec.Network)} for an encoded photo; each face is named
     * {@code name#index}.
     *
     * @throws ImageRejectedException where the pipeline's decoder refuses the photo
     */
    public static List<InsightImage> of(FacePipeline pipeline, byte[] bytes, String name, EmbeddingSpec.Network network)
            throws ImageRejectedException {
        BufferedImage image = pipeline.decoder().decode(bytes).image();
        int width = network.model().inputWidth(), height = network.model().inputHeight();
        List<InsightImage> faces = new ArrayList<>();
        for (AnalysedFace face : pipeline.analyse(bytes).faces()) {
            DetectedFace box = face.box();
            double[] toInput = network.alignment()
                    .imageToInput(
                            face.landmarks68(),
                            face.landmarks5(),
                            new Rectangle2D.Float(box.x1(), box.y1(), box.width(), box.height()),
                            width,
                            height);
            faces.add(aligned(name + "#" + faces.size(), image, toInput, width, height));
        }
        return faces;
    }

    /** The image warped by {@code toInput} (image to input pixels) into a {@code width} x {@code height} face. */
    static InsightImage aligned(String name, BufferedImage image, double[] toInput, int width, int height) {
        FloatBuffer pixels = FloatInput.allocate(1, 3, height, width);
        ImageTensors.warpAffine(image, toInput, width, height, TensorEncoding.rgb(0, 1), pixels);
        float[] values = new float[3 * width * height];
        pixels.flip().get(values);
        return new InsightImage(name, values, width, height);
    }
}
