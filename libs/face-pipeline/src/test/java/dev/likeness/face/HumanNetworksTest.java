package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.testing.Mirror;

/**
 * The human-models descriptors run as face networks of the pipeline: unit-length embeddings of their dimension;
 * with faceres, each face of a group photo is nearer its own mirror image than any other person in the photo.
 * MobileFaceNet, even with its PReLUs restored, does not manage that on this photo (67 % on LFW: docs/matching.md).
 */
@Tag("models")
class HumanNetworksTest {

    @ParameterizedTest
    @CsvSource({FaceNetworks.MOBILEFACENET + ", 192, false", FaceNetworks.FACERES + ", 1024, true"})
    void embedsEveryFaceAndTellsPeopleApart(String id, int dimension, boolean tellsPeopleApart) throws Exception {
        Path models = ModelsDirectory.locate();
        byte[] bytes = Files.readAllBytes(models.resolve("samples/sample6.jpg"));
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, id))) {
            assertThat(pipeline.embeddingModel().id()).isEqualTo(id);
            BufferedImage photo = pipeline.decoder().decode(bytes).image();
            List<AnalysedFace> faces = pipeline.analyse(bytes).faces();
            List<AnalysedFace> mirrored = pipeline.analyse(Mirror.png(photo)).faces();
            assertThat(faces).hasSize(4);
            assertThat(mirrored).hasSize(4);
            for (AnalysedFace face : faces) {
                assertThat(face.embedding()).hasSize(dimension);
                assertThat(dot(face.embedding(), face.embedding())).isCloseTo(1, within(1e-4));
                float mirroredCentre =
                        photo.getWidth() - (face.box().x1() + face.box().x2()) / 2;
                AnalysedFace self = mirrored.stream()
                        .min(Comparator.comparingDouble(other ->
                                Math.abs((other.box().x1() + other.box().x2()) / 2 - mirroredCentre)))
                        .orElseThrow();
                double own = dot(face.embedding(), self.embedding());
                for (AnalysedFace other : mirrored) {
                    if (tellsPeopleApart && other != self) {
                        assertThat(own)
                                .as("%s: own mirror vs another person", id)
                                .isGreaterThan(dot(face.embedding(), other.embedding()));
                    }
                }
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
