package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.likeness.common.onnx.ModelsDirectory;

/**
 * The fused model on real faces: its vector is each network's own embedding (as that network alone gives it) scaled
 * by sqrt(weight) and concatenated, it is unit length, and its squared distance is the weighted sum of the networks'
 * squared distances. Its version follows its networks and weights.
 */
class FusedEmbeddingTest {

    @Test
    void squaredDistanceIsTheWeightedSumOfTheNetworks() throws Exception {
        Path models = ModelsDirectory.locate();
        byte[] photo = Files.readAllBytes(models.resolve("samples/sample2.jpg"));
        EmbeddingSpec fusion = FaceNetworks.embedding(FaceNetworks.FUSION, models);
        double frWeight = fusion.networks().get(0).weight(), dlibWeight = fusion.networks().get(1).weight();
        List<AnalysedFace> fused, frFeature, dlib;
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, FaceNetworks.FUSION))) {
            fused = pipeline.analyse(photo).faces();
            assertThat(pipeline.embeddingModel().id()).isEqualTo(FaceNetworks.FUSION);
            assertThat(pipeline.embeddingDimension()).isEqualTo(512 + 128);
            assertThat(pipeline.networkDimensions()).containsExactly(512, 128);
        }
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, FaceNetworks.FR_FEATURE))) {
            frFeature = pipeline.analyse(photo).faces();
        }
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, FaceNetworks.DLIB))) {
            dlib = pipeline.analyse(photo).faces();
            assertThat(pipeline.embeddingModel().id()).isEqualTo(FaceNetworks.DLIB);
        }
        assertThat(fused).hasSize(3).hasSameSizeAs(frFeature).hasSameSizeAs(dlib);

        for (int i = 0; i < fused.size(); i++) {
            float[] vector = fused.get(i).embedding();
            assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
            for (int k = 0; k < 512; k++) {
                assertThat(vector[k]).isCloseTo((float) (Math.sqrt(frWeight) * frFeature.get(i).embedding()[k]), within(1e-5f));
            }
            for (int k = 0; k < 128; k++) {
                assertThat(vector[512 + k]).isCloseTo((float) (Math.sqrt(dlibWeight) * dlib.get(i).embedding()[k]), within(1e-5f));
            }
        }
        for (int i = 0; i < fused.size(); i++) {
            for (int j = i + 1; j < fused.size(); j++) {
                double weightedSum = frWeight * squaredDistance(frFeature.get(i), frFeature.get(j))
                        + dlibWeight * squaredDistance(dlib.get(i), dlib.get(j));
                assertThat(squaredDistance(fused.get(i), fused.get(j))).as("faces %d and %d", i, j)
                        .isCloseTo(weightedSum, within(1e-5));
            }
        }
    }

    @Test
    void theFusionsVersionChangesWithItsWeights() {
        Path models = ModelsDirectory.locate();
        EmbeddingSpec shipped = FaceNetworks.embedding(FaceNetworks.FUSION, models);
        double dlibWeight = shipped.networks().get(1).weight() / 2;
        EmbeddingSpec reweighted = new EmbeddingSpec(FaceNetworks.FUSION, "", List.of(
                new EmbeddingSpec.Network(FaceNetworks.frFeature(models), Alignment.ARCFACE, 1 - dlibWeight),
                new EmbeddingSpec.Network(FaceNetworks.dlib(models), Alignment.DLIB_CHIP, dlibWeight)));
        assertThat(FacePipeline.identify(shipped).version()).hasSize(12)
                .isNotEqualTo(FacePipeline.identify(reweighted).version())
                .isEqualTo(FacePipeline.identify(FaceNetworks.embedding(FaceNetworks.FUSION, models)).version());
    }

    private static double squaredDistance(AnalysedFace a, AnalysedFace b) {
        double sum = 0;
        for (int k = 0; k < a.embedding().length; k++) {
            double d = a.embedding()[k] - b.embedding()[k];
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
