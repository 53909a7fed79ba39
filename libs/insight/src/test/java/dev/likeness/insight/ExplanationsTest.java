package dev.likeness.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;

/**
 * The explain entry point of the CLI and the embedding service on two sample photos: the fusion's d is the weighted
 * sum of its networks' (each as explained alone), and a photo without a face or that cannot be decoded is named.
 */
@Tag("models")
class ExplanationsTest {

    @TempDir
    Path temp;

    @Test
    void theFusionsDistanceIsItsNetworksWeightedAndAPhotoWithoutAFaceIsNamed() throws Exception {
        Path models = ModelsDirectory.locate();
        byte[] a = Files.readAllBytes(models.resolve("samples/sample1.jpg"));
        byte[] b = Files.readAllBytes(models.resolve("samples/sample6.jpg"));
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, FaceNetworks.FUSION))) {
            EmbeddingSpec fusion = pipeline.embedding();
            Explanations.Explained fused =
                    Explanations.explain(pipeline, fusion, a, b, temp, temp.resolve("fusion/saliency.png"));
            assertThat(fused.networks())
                    .extracting(Explanations.NetworkDistance::id)
                    .containsExactly(FaceNetworks.DLIB, FaceNetworks.FR_FEATURE);
            double weighted = fused.networks().stream()
                    .mapToDouble(network -> network.weight() * network.distance())
                    .sum();
            assertThat(fused.distance()).isCloseTo((float) weighted, within(1e-5f));
            assertThat(temp.resolve("fusion/saliency.png")).isNotEmptyFile();

            // dlib alone, over its chips aligned from the decoded photo: about the d of its share of the fusion (whose
            // pixels are the pipeline's reduced decode of the face regions).
            Explanations.Explained dlib = Explanations.explain(
                    pipeline,
                    FaceNetworks.embedding(FaceNetworks.DLIB, models),
                    a,
                    b,
                    temp,
                    temp.resolve("dlib/saliency.png"));
            assertThat(dlib.networks()).hasSize(1);
            assertThat(dlib.networks().get(0).weight()).isEqualTo(1);
            assertThat(dlib.distance())
                    .isEqualTo(dlib.networks().get(0).distance())
                    .isCloseTo(fused.networks().get(0).distance(), within(0.01f));

            BufferedImage grey = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
            grey.getGraphics().fillRect(0, 0, 200, 200);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(grey, "png", png);
            assertThatThrownBy(() -> Explanations.explain(
                            pipeline, fusion, a, png.toByteArray(), temp, temp.resolve("none.png")))
                    .isInstanceOfSatisfying(Explanations.UnusablePhotoException.class, e -> {
                        assertThat(e.photo()).isEqualTo("b");
                        assertThat(e.rejection()).isNull();
                        assertThat(e).hasMessage("no face found in image b");
                    });
            assertThatThrownBy(() -> Explanations.explain(
                            pipeline,
                            fusion,
                            "not a photo".getBytes(StandardCharsets.UTF_8),
                            b,
                            temp,
                            temp.resolve("none.png")))
                    .isInstanceOfSatisfying(Explanations.UnusablePhotoException.class, e -> {
                        assertThat(e.photo()).isEqualTo("a");
                        assertThat(e.rejection().reason()).isEqualTo(ImageRejectedException.Reason.UNSUPPORTED_FORMAT);
                    });
            assertThat(temp.resolve("none.png")).doesNotExist();
        }
    }
}
