package dev.likeness.onnx.tools.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.tools.MakeStyleModels;
import dev.likeness.onnx.tools.ModelFiles;
import dev.likeness.onnx.tools.OnnxModels;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.tfjs.TfjsImporter;

/** Truncating the imported ResNet-50 into the style extractor. */
@Tag("models")
class FeatureExtractorTest {

    private static final float[] CAFFE_MEAN_BGR = {103.939f, 116.779f, 123.68f};

    private static ModelProto resnet;

    @TempDir
    Path temp;

    @BeforeAll
    static void importResNet() throws Exception {
        resnet = TfjsImporter.importModel(ModelFiles.resnet50ModelJson());
    }

    @Test
    void namedLayersAreTheKerasBlockOutputs() {
        Map<String, String> layers = ResNet50Layers.of(resnet);

        assertThat(layers)
                .containsEntry("conv1_relu", "activation")
                .containsEntry("res2c", "activation_9")
                .containsEntry("res3d", "activation_21")
                .containsEntry("res4f", "activation_39")
                .containsEntry("res5c", "activation_48");
        assertThat(layers.keySet())
                .containsExactly(
                        "conv1_relu",
                        "res2a",
                        "res2b",
                        "res2c",
                        "res3a",
                        "res3b",
                        "res3c",
                        "res3d",
                        "res4a",
                        "res4b",
                        "res4c",
                        "res4d",
                        "res4e",
                        "res4f",
                        "res5a",
                        "res5b",
                        "res5c");
    }

    @Test
    void extractorOnPixelsEqualsTheNetworkOnCaffeInputs() throws Exception {
        ModelProto extractor = MakeStyleModels.extractor(resnet);
        int height = 72;
        int width = 88;
        float[] rgb = new float[3 * height * width];
        Random random = new Random(5);
        for (int index = 0; index < rgb.length; index++) {
            rgb[index] = random.nextInt(256);
        }
        float[] caffe = new float[rgb.length];
        int plane = height * width;
        for (int channel = 0; channel < 3; channel++) {
            for (int index = 0; index < plane; index++) {
                caffe[channel * plane + index] = rgb[(2 - channel) * plane + index] - CAFFE_MEAN_BGR[channel];
            }
        }
        ModelProto network = resnet.toBuilder()
                .setGraph(resnet.getGraph().toBuilder()
                        .setInput(0, Graphs.floatValue("input_1", 1, 3, "H", "W"))
                        .addOutput(Graphs.floatValue("activation_39", 1, 1024, null, null)))
                .build();

        FloatTensor fromExtractor = run(extractor, "image", rgb, height, width).get("res4f");
        FloatTensor fromNetwork = run(network, "input_1", caffe, height, width).get("activation_39");

        assertThat(fromExtractor.shape()).containsExactly(1, 1024, 5, 6);
        assertThat(maxRelativeDifference(fromExtractor.data(), fromNetwork.data()))
                .isLessThan(1e-5);
    }

    @Test
    void averagePoolingReplacesMaxPooling() throws Exception {
        ModelProto extractor =
                FeatureExtractor.extract(resnet, Map.of("res2c", "activation_9"), ImagePreprocessing.caffe(), true);

        assertThat(extractor.getGraph().getNodeList())
                .extracting(NodeProto::getOpType)
                .doesNotContain("MaxPool")
                .contains("AveragePool");
        assertThat(extractor.getGraph().getOutputList())
                .extracting(value -> value.getName())
                .containsExactly("res2c");
        assertThat(run(extractor, "image", new float[3 * 40 * 40], 40, 40)
                        .get("res2c")
                        .shape())
                .containsExactly(1, 256, 10, 10);
    }

    private Map<String, FloatTensor> run(ModelProto model, String input, float[] values, int height, int width)
            throws Exception {
        Path file = temp.resolve("model" + System.nanoTime() + ".onnx");
        OnnxModels.write(model, file);
        try (OnnxModel session =
                OnnxModel.open(file, InferenceOptions.builder().warmUpRuns(0).build())) {
            return session.run(Map.of(input, FloatInput.of(FloatBuffer.wrap(values), 1, 3, height, width)));
        }
    }

    private static double maxRelativeDifference(float[] actual, float[] expected) {
        double largest = 0;
        double difference = 0;
        for (int index = 0; index < expected.length; index++) {
            largest = Math.max(largest, Math.abs(expected[index]));
            difference = Math.max(difference, Math.abs(actual[index] - expected[index]));
        }
        return difference / largest;
    }
}
