package dev.likeness.onnx.tools.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.tools.OnnxModels;
import dev.likeness.onnx.tools.tfjs.KerasReference.Map3;

/**
 * A TF.js layers model written by the test, using every supported layer type and the float32, uint8 and
 * float16 weight encodings, imported and run in ONNX Runtime against {@link KerasReference}.
 */
class TfjsImporterTest {

    private static final double EPSILON = 1e-3;

    @TempDir
    Path folder;

    private final Random random = new Random(3);
    private final List<Map<String, Object>> layers = new ArrayList<>();
    private final List<Map<String, Object>> manifest = new ArrayList<>();
    private final ByteArrayOutputStream shard = new ByteArrayOutputStream();

    @Test
    void importedGraphReproducesKeras() throws Exception {
        // Weights (quantised ones already dequantised, as the importer must decode them).
        float[] kernelA = uint8("conv_a/kernel", 3, 3, 3, 4);
        float[] biasA = float32("conv_a/bias", 4);
        float[] kernelDepthwise = float32("dw/depthwise_kernel", 3, 3, 4, 2);
        float[][] bn = batchNormWeights("bn", 8);
        float[] kernelB = float16("conv_b/kernel", 1, 1, 4, 8);
        float[] biasB = float32("conv_b/bias", 8);
        float[][] bn2 = batchNormWeights("bn2", 8);
        float[] kernelDense = uint8("dense/kernel", 144, 5);
        float[] biasDense = float32("dense/bias", 5);

        layer("input_1", "InputLayer", Map.of("batch_input_shape", java.util.Arrays.asList(null, 9, 8, 3)));
        layer("pad", "ZeroPadding2D", Map.of("padding", List.of(List.of(1, 0), List.of(0, 2))), "input_1");
        layer(
                "conv_a",
                "Conv2D",
                Map.of(
                        "filters",
                        4,
                        "kernel_size",
                        List.of(3, 3),
                        "strides",
                        List.of(2, 2),
                        "padding",
                        "same",
                        "activation",
                        "relu",
                        "use_bias",
                        true),
                "pad");
        layer(
                "dw",
                "DepthwiseConv2D",
                Map.of(
                        "kernel_size",
                        List.of(3, 3),
                        "depth_multiplier",
                        2,
                        "strides",
                        List.of(1, 1),
                        "padding",
                        "same",
                        "activation",
                        "linear",
                        "use_bias",
                        false),
                "conv_a");
        layer("bn", "BatchNormalization", Map.of("axis", -1, "epsilon", EPSILON), "dw");
        layer("relu6", "ReLU", Map.of("max_value", 6.0), "bn");
        layer(
                "conv_b",
                "Conv2D",
                Map.of("filters", 8, "kernel_size", List.of(1, 1), "padding", "valid", "activation", "linear"),
                "conv_a");
        layer("add", "Add", Map.of(), "relu6", "conv_b");
        layer("bn2", "BatchNormalization", Map.of("axis", List.of(3), "epsilon", EPSILON), "add");
        layer(
                "maxp",
                "MaxPooling2D",
                Map.of("pool_size", List.of(3, 3), "strides", List.of(2, 2), "padding", "same"),
                "bn2");
        layer("avgp", "AveragePooling2D", Map.of("pool_size", List.of(2, 2), "padding", "same"), "bn2");
        layer("concat", "Concatenate", Map.of("axis", -1), "maxp", "avgp");
        layer("flatten", "Flatten", Map.of(), "concat");
        layer("dropout", "Dropout", Map.of("rate", 0.5), "flatten");
        layer("dense", "Dense", Map.of("units", 5, "activation", "softmax"), "dropout");
        layer("gap", "GlobalAveragePooling2D", Map.of(), "concat");
        Path modelJson = writeModel(List.of("dense", "gap"));

        ModelProto imported = TfjsImporter.importModel(modelJson);
        assertThat(imported.getGraph().getNodeList())
                .extracting(NodeProto::getOpType)
                .as("bn folds into dw; bn2 follows an Add and becomes Mul + Add")
                .doesNotContain("BatchNormalization")
                .filteredOn("Mul"::equals)
                .hasSize(1);

        float[] image = new float[9 * 8 * 3];
        for (int index = 0; index < image.length; index++) {
            image[index] = random.nextFloat() * 2 - 1;
        }
        Map3 x = new Map3(image, 9, 8, 3);
        Map3 a = KerasReference.clip(
                KerasReference.conv(KerasReference.zeroPad(x, 1, 0, 0, 2), kernelA, 3, 3, 4, biasA, 2, true, false),
                0,
                Float.MAX_VALUE);
        Map3 depthwise = KerasReference.conv(a, kernelDepthwise, 3, 3, 8, null, 1, true, true);
        Map3 relu6 =
                KerasReference.clip(KerasReference.batchNorm(depthwise, bn[0], bn[1], bn[2], bn[3], EPSILON), 0, 6);
        Map3 sum = KerasReference.add(relu6, KerasReference.conv(a, kernelB, 1, 1, 8, biasB, 1, false, false));
        Map3 normalised = KerasReference.batchNorm(sum, bn2[0], bn2[1], bn2[2], bn2[3], EPSILON);
        Map3 concat = KerasReference.concatChannels(
                KerasReference.pool(normalised, 3, 2, true), KerasReference.pool(normalised, 2, 2, false));
        float[] expectedDense = KerasReference.denseSoftmax(concat.data(), kernelDense, biasDense);
        float[] expectedGap = KerasReference.globalAverage(concat);

        Map<String, FloatTensor> outputs = run(imported, toNchw(x));
        assertThat(outputs.get("dense").shape()).containsExactly(1, 5);
        assertThat(outputs.get("gap").shape()).containsExactly(1, 16);
        assertClose(outputs.get("dense").data(), expectedDense);
        assertClose(outputs.get("gap").data(), expectedGap);
    }

    @Test
    void anUnsupportedLayerIsNamed() throws Exception {
        layer("input_1", "InputLayer", Map.of("batch_input_shape", java.util.Arrays.asList(null, 4, 4, 3)));
        layer("lstm", "LSTM", Map.of("units", 3), "input_1");
        Path modelJson = writeModel(List.of("lstm"));

        assertThatThrownBy(() -> TfjsImporter.importModel(modelJson))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'lstm' is a LSTM");
    }

    private Map<String, FloatTensor> run(ModelProto model, float[] nchw) throws Exception {
        Path file = folder.resolve("imported.onnx");
        OnnxModels.write(model, file);
        try (OnnxModel session =
                OnnxModel.open(file, InferenceOptions.builder().warmUpRuns(0).build())) {
            return session.run(Map.of("input_1", FloatInput.of(FloatBuffer.wrap(nchw), 1, 3, 9, 8)));
        }
    }

    private static float[] toNchw(Map3 map) {
        float[] nchw = new float[map.data().length];
        for (int c = 0; c < map.channels(); c++) {
            for (int y = 0; y < map.height(); y++) {
                for (int x = 0; x < map.width(); x++) {
                    nchw[(c * map.height() + y) * map.width() + x] = map.at(y, x, c);
                }
            }
        }
        return nchw;
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int index = 0; index < expected.length; index++) {
            assertThat(actual[index])
                    .as("element %d", index)
                    .isCloseTo(
                            expected[index],
                            org.assertj.core.data.Offset.offset(1e-4f * Math.max(1, Math.abs(expected[index]))));
        }
    }

    private void layer(String name, String className, Map<String, Object> config, String... inbound) {
        Map<String, Object> fullConfig = new LinkedHashMap<>(config);
        fullConfig.put("name", name);
        List<Object> inboundNodes = new ArrayList<>();
        if (inbound.length > 0) {
            List<Object> tensors = new ArrayList<>();
            for (String source : inbound) {
                tensors.add(List.of(source, 0, 0, Map.of()));
            }
            inboundNodes.add(tensors);
        }
        layers.add(Map.of("name", name, "class_name", className, "config", fullConfig, "inbound_nodes", inboundNodes));
    }

    private Path writeModel(List<String> outputs) throws Exception {
        Map<String, Object> config = Map.of(
                "name",
                "synthetic",
                "layers",
                layers,
                "input_layers",
                List.of(List.of("input_1", 0, 0)),
                "output_layers",
                outputs.stream().map(output -> List.of(output, 0, 0)).toList());
        Map<String, Object> model = Map.of(
                "format", "layers-model",
                "modelTopology",
                        Map.of(
                                "keras_version",
                                "2.2.4-tf",
                                "backend",
                                "tensorflow",
                                "model_config",
                                Map.of("class_name", "Model", "config", config)),
                "weightsManifest", List.of(Map.of("paths", List.of("group1-shard1of1.bin"), "weights", manifest)));
        Files.write(folder.resolve("group1-shard1of1.bin"), shard.toByteArray());
        Path modelJson = folder.resolve("model.json");
        new ObjectMapper().writeValue(modelJson.toFile(), model);
        return modelJson;
    }

    private float[] float32(String name, int... shape) {
        float[] values = new float[count(shape)];
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int index = 0; index < values.length; index++) {
            values[index] = (float) random.nextGaussian() * 0.5f;
            bytes.putFloat(values[index]);
        }
        shard.writeBytes(bytes.array());
        manifest.add(Map.of("name", name, "shape", shape, "dtype", "float32"));
        return values;
    }

    /** Affine uint8 quantisation as tfjs-converter writes it: value = q * scale + min. */
    private float[] uint8(String name, int... shape) {
        float min = -0.8f;
        float scale = 1.6f / 255;
        float[] values = new float[count(shape)];
        for (int index = 0; index < values.length; index++) {
            int quantised = random.nextInt(256);
            shard.write(quantised);
            values[index] = quantised * scale + min;
        }
        manifest.add(Map.of(
                "name",
                name,
                "shape",
                shape,
                "dtype",
                "float32",
                "quantization",
                Map.of("dtype", "uint8", "min", min, "scale", scale)));
        return values;
    }

    /** float16 weights whose values (multiples of 1/64 below 2) are exact in half precision. */
    private float[] float16(String name, int... shape) {
        float[] values = new float[count(shape)];
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int index = 0; index < values.length; index++) {
            values[index] = (random.nextInt(127) - 63) / 64f;
            bytes.putShort(toHalf(values[index]));
        }
        shard.writeBytes(bytes.array());
        manifest.add(
                Map.of("name", name, "shape", shape, "dtype", "float32", "quantization", Map.of("dtype", "float16")));
        return values;
    }

    private static short toHalf(float value) {
        if (value == 0) {
            return 0;
        }
        int bits = Float.floatToIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = ((bits >>> 23) & 0xff) - 112;
        int mantissa = (bits >>> 13) & 0x3ff;
        return (short) (sign | (exponent << 10) | mantissa);
    }

    /** gamma, beta, moving mean, moving variance, in the manifest order Keras writes. */
    private float[][] batchNormWeights(String layer, int channels) {
        float[] gamma = float32(layer + "/gamma", channels);
        float[] beta = float32(layer + "/beta", channels);
        float[] mean = float32(layer + "/moving_mean", channels);
        float[] variance = float32(layer + "/moving_variance", channels);
        for (int index = 0; index < channels; index++) {
            variance[index] = Math.abs(variance[index]);
        }
        rewriteLast(variance);
        return new float[][] {gamma, beta, mean, variance};
    }

    /** Replaces the bytes of the weight written last (variances must be positive). */
    private void rewriteLast(float[] values) {
        byte[] written = shard.toByteArray();
        ByteBuffer bytes = ByteBuffer.wrap(written, written.length - values.length * 4, values.length * 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        shard.reset();
        shard.writeBytes(written);
    }

    private static int count(int... shape) {
        int count = 1;
        for (int dim : shape) {
            count *= dim;
        }
        return count;
    }
}
