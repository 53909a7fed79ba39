package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.likeness.core.onnx.ModelsDirectory;

/**
 * The embedding of a real face stays close under the edits a photo goes through (resize, mild crop,
 * mirror, JPEG re-encode), while different people in the same photo stay apart.
 */
@Tag("models")
class EmbeddingInvarianceTest {

    /** Same-person pairs of this model sit around cosine 0.4 and above (../shared/models.md). */
    static final double SAME_PERSON_COSINE = 0.42;

    static FacePipeline pipeline;
    static BufferedImage photo;
    static List<AnalysedFace> faces;

    @BeforeAll
    static void open() throws Exception {
        Path models = ModelsDirectory.locate();
        pipeline = FacePipeline.open(FacePipelineConfig.defaults(models));
        byte[] bytes = Files.readAllBytes(models.resolve("samples/sample6.jpg"));
        photo = pipeline.decoder().decode(bytes).image();
        faces = pipeline.analyse(bytes).faces();
        assertThat(faces).hasSize(4);
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"half-size", "crop", "mirror", "jpeg-q40"})
    void sameFaceStaysClose(String edit) throws Exception {
        BufferedImage edited = edits(edit).apply(photo);
        List<AnalysedFace> editedFaces = pipeline.analyse(jpeg(edited, 0.95f)).faces();
        for (AnalysedFace original : faces) {
            // Find the same face in the edited photo by where it now is, then compare embeddings.
            float[] centre = expectedCentre(edit, original, photo.getWidth());
            AnalysedFace match = editedFaces.stream()
                    .min(Comparator.comparingDouble(f -> distanceToCentre(f, centre)))
                    .orElseThrow();
            double cosine = cosine(original.embedding(), match.embedding());
            System.out.printf(
                    "%s: face at %.0f,%.0f cosine %.3f%n",
                    edit, original.box().x1(), original.box().y1(), cosine);
            assertThat(cosine).as("cosine of the same face after %s", edit).isGreaterThan(SAME_PERSON_COSINE + 0.2);
        }
    }

    @Test
    void differentPeopleStayApart() {
        for (int i = 0; i < faces.size(); i++) {
            for (int j = i + 1; j < faces.size(); j++) {
                double cosine = cosine(faces.get(i).embedding(), faces.get(j).embedding());
                System.out.printf("people %d and %d: cosine %.3f%n", i, j, cosine);
                assertThat(cosine).isLessThan(SAME_PERSON_COSINE);
            }
        }
    }

    @Test
    void embeddingsAreUnitLength() {
        for (AnalysedFace face : faces) {
            assertThat(face.embedding()).hasSize(pipeline.embeddingDimension());
            assertThat(cosine(face.embedding(), face.embedding()))
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private static UnaryOperator<BufferedImage> edits(String edit) {
        return switch (edit) {
            case "half-size" -> image -> scaled(image, 0.5);
            case "crop" ->
                image -> image.getSubimage(
                        image.getWidth() / 20,
                        image.getHeight() / 20,
                        image.getWidth() * 9 / 10,
                        image.getHeight() * 9 / 10);
            case "mirror" -> EmbeddingInvarianceTest::mirrored;
            case "jpeg-q40" ->
                image -> {
                    try {
                        return ImageIO.read(new java.io.ByteArrayInputStream(jpeg(image, 0.4f)));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                };
            default -> throw new IllegalArgumentException(edit);
        };
    }

    private static float[] expectedCentre(String edit, AnalysedFace face, int width) {
        float cx = (face.box().x1() + face.box().x2()) / 2,
                cy = (face.box().y1() + face.box().y2()) / 2;
        return switch (edit) {
            case "half-size" -> new float[] {cx / 2, cy / 2};
            case "crop" -> new float[] {cx - width / 20f, cy - photo.getHeight() / 20f};
            case "mirror" -> new float[] {width - cx, cy};
            default -> new float[] {cx, cy};
        };
    }

    private static double distanceToCentre(AnalysedFace face, float[] centre) {
        float cx = (face.box().x1() + face.box().x2()) / 2,
                cy = (face.box().y1() + face.box().y2()) / 2;
        return Math.hypot(cx - centre[0], cy - centre[1]);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    private static BufferedImage scaled(BufferedImage image, double factor) {
        int w = (int) (image.getWidth() * factor), h = (int) (image.getHeight() * factor);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image.getScaledInstance(w, h, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage mirrored(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, new AffineTransform(-1, 0, 0, 1, image.getWidth(), 0), null);
        g.dispose();
        return out;
    }

    static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
