package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.onnx.ModelsDirectory;

/**
 * The fused model on real faces: its vector is each network's own embedding (as that network alone gives it) scaled
 * by sqrt(weight) and concatenated, it is unit length, and its squared distance is the weighted sum of the networks'
 * squared distances. Its version follows its networks and weights.
 */
@Tag("models")
class FusedEmbeddingTest {

    @Test
    void squaredDistanceIsTheWeightedSumOfTheNetworks() throws Exception {
        Path models = ModelsDirectory.locate();
        byte[] photo = Files.readAllBytes(models.resolve("samples/sample2.jpg"));
        List<EmbeddingSpec.Network> networks =
                FaceNetworks.embedding(FaceNetworks.FUSION, models).networks();
        assertThat(networks)
                .extracting(network -> network.model().id())
                .as("id order")
                .containsExactly(FaceNetworks.DLIB, FaceNetworks.FR_FEATURE);
        List<AnalysedFace> fused;
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, FaceNetworks.FUSION))) {
            fused = pipeline.analyse(photo).faces();
            assertThat(pipeline.embeddingModel().id()).isEqualTo(FaceNetworks.FUSION);
            assertThat(pipeline.networkDimensions()).containsExactly(128, 512);
            assertThat(pipeline.embeddingDimension()).isEqualTo(128 + 512);
        }
        List<List<AnalysedFace>> alone = new ArrayList<>();
        for (EmbeddingSpec.Network network : networks) {
            try (FacePipeline pipeline = FacePipeline.open(
                    FacePipelineConfig.defaults(models, network.model().id()))) {
                alone.add(pipeline.analyse(photo).faces());
                assertThat(pipeline.embeddingModel().id())
                        .isEqualTo(network.model().id());
            }
        }
        assertThat(fused).hasSize(3).hasSameSizeAs(alone.get(0)).hasSameSizeAs(alone.get(1));

        for (int i = 0; i < fused.size(); i++) {
            float[] vector = fused.get(i).embedding();
            assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
            int offset = 0;
            for (int m = 0; m < networks.size(); m++) {
                float[] own = alone.get(m).get(i).embedding();
                for (int k = 0; k < own.length; k++) {
                    assertThat(vector[offset + k])
                            .isCloseTo((float) (Math.sqrt(networks.get(m).weight()) * own[k]), within(1e-5f));
                }
                offset += own.length;
            }
        }
        for (int i = 0; i < fused.size(); i++) {
            for (int j = i + 1; j < fused.size(); j++) {
                double weightedSum = 0;
                for (int m = 0; m < networks.size(); m++) {
                    weightedSum += networks.get(m).weight()
                            * squaredDistance(
                                    alone.get(m).get(i).embedding(),
                                    alone.get(m).get(j).embedding());
                }
                assertThat(squaredDistance(
                                fused.get(i).embedding(), fused.get(j).embedding()))
                        .as("faces %d and %d", i, j)
                        .isCloseTo(weightedSum, within(1e-5));
            }
        }
    }

    @Test
    void theFusionsVersionChangesWithItsWeights() {
        Path models = ModelsDirectory.locate();
        EmbeddingSpec shipped = FaceNetworks.embedding(FaceNetworks.FUSION, models);
        double dlibWeight = FaceNetworks.FUSION_DLIB_WEIGHT / 2;
        EmbeddingSpec reweighted = new EmbeddingSpec(
                FaceNetworks.FUSION,
                "",
                List.of(
                        new EmbeddingSpec.Network(FaceNetworks.frFeature(models), Alignment.ARCFACE, 1 - dlibWeight),
                        new EmbeddingSpec.Network(FaceNetworks.dlib(models), Alignment.DLIB_CHIP, dlibWeight)));
        assertThat(FacePipeline.identify(shipped).version())
                .hasSize(12)
                .isNotEqualTo(FacePipeline.identify(reweighted).version())
                .isEqualTo(FacePipeline.identify(FaceNetworks.embedding(FaceNetworks.FUSION, models))
                        .version());
    }

    private static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            double d = a[k] - b[k];
            sum += d * d;
        }
        return sum;
    }

    private static double norm(float[] vector) {
        double sum = 0;
        for (float value : vector) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }
}
