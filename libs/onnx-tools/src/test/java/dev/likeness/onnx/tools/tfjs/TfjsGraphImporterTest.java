package dev.likeness.onnx.tools.tfjs;

import static dev.likeness.onnx.tools.tfjs.GraphModelWriter.bool;
import static dev.likeness.onnx.tools.tfjs.GraphModelWriter.integer;
import static dev.likeness.onnx.tools.tfjs.GraphModelWriter.integers;
import static dev.likeness.onnx.tools.tfjs.GraphModelWriter.string;
import static dev.likeness.onnx.tools.tfjs.GraphModelWriter.strings;
import static dev.likeness.onnx.tools.tfjs.GraphModelWriter.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.OnnxModels;
import dev.likeness.onnx.tools.tfjs.TfjsGraphImporter.Options;
import dev.likeness.onnx.tools.tfjs.TfjsReference.Tensor;

/**
 * Small graph models written by the test ({@link GraphModelWriter}) that together use every supported op and
 * weight encoding (float32, float16, uint8, uint16; int32 shapes and bounds), imported and run in ONNX Runtime
 * against the pure-JavaScript {@code @tensorflow/tfjs} running the same graph model.
 */
class TfjsGraphImporterTest {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path folder;

    private final Random random = new Random(7);

    @Test
    void convolutionsPoolingAndPaddingMatchTfjs() throws Exception {
        GraphModelWriter graph = new GraphModelWriter().placeholder("x", -1, 7, 7, 3);
        graph.quantisedConstant("w_a", "uint8", values(3 * 3 * 3 * 4), 3, 3, 3, 4);
        // Strided SAME on an odd size: TF pads the odd cell after the image.
        graph.node("a", "Conv2D", List.of("x", "w_a"), convolution(2, "SAME", 1));
        graph.float16Constant("w_b", values(3 * 3 * 4 * 2), 3, 3, 4, 2);
        graph.constant("bias_b", values(8), 8);
        graph.node(
                "b",
                "FusedDepthwiseConv2dNative",
                List.of("a", "w_b", "bias_b"),
                fused(convolution(1, "SAME", 2), "BiasAdd", "Relu6"));
        // An even kernel with SAME at stride 1: one cell before, none after.
        graph.quantisedConstant("w_c", "uint16", values(2 * 2 * 8 * 5), 2, 2, 8, 5);
        graph.constant("bias_c", values(5), 5);
        graph.node(
                "c",
                "_FusedConv2D",
                List.of("b", "w_c", "bias_c"),
                fused(convolution(1, "SAME", 1), "BiasAdd", "Relu"));
        graph.node("d", "MaxPool", List.of("c"), pooling(3, 2, "SAME"));
        graph.node("e", "AvgPool", List.of("c"), pooling(3, 2, "SAME"));
        graph.node("f", "AddV2", "d", "e");
        graph.intConstant("paddings", new int[] {0, 0, 1, 0, 0, 2, 0, 0}, 4, 2);
        graph.node("g", "Pad", List.of("f", "paddings"), Map.of("Tpaddings", type("DT_INT32")));
        graph.constant("w_h", values(2 * 2 * 5 * 1), 2, 2, 5, 1);
        graph.node("h", "DepthwiseConv2dNative", List.of("g", "w_h"), convolution(1, "VALID", 1));
        graph.node("i", "AvgPool", List.of("h"), pooling(2, 1, "VALID"));

        assertMatchesTfjs(graph, new long[] {2, 7, 7, 3}, List.of("i", "c", "a"));
    }

    @Test
    void elementwiseOpsAndReductionsMatchTfjs() throws Exception {
        GraphModelWriter graph = new GraphModelWriter().placeholder("x", -1, 4, 5, 3);
        graph.constant("channel_bias", values(3), 3);
        graph.constant("one", new float[] {1});
        graph.constant("per_pixel", values(5 * 3), 1, 5, 3);
        graph.node("shifted", "Add", "x", "channel_bias");
        graph.node("scaled", "Mul", "shifted", "per_pixel");
        graph.node("magnitude", "Abs", "scaled");
        graph.node("denominator", "AddV2", "magnitude", "one");
        graph.node("ratio", "RealDiv", "x", "denominator");
        graph.node("difference", "Sub", "ratio", "channel_bias");
        graph.node("upper", "Minimum", "difference", "one");
        graph.node("relu", "Relu", "x");
        graph.node("lower", "Maximum", "upper", "relu");
        graph.node("sigmoid", "Sigmoid", "lower");
        graph.node("tanh", "Tanh", "sigmoid");
        graph.node("square", "Square", "tanh");
        graph.node("positive", "Add", "square", "one");
        graph.node("rsqrt", "Rsqrt", "positive");
        graph.node("softmax", "Softmax", "rsqrt");
        graph.intConstant("spatial", new int[] {1, 2}, 2);
        graph.intConstant("channels", new int[] {3}, 1);
        graph.intConstant("width", new int[] {2}, 1);
        graph.node("mean", "Mean", List.of("softmax", "spatial"), reduction(false));
        graph.node("sum", "Sum", List.of("scaled", "channels"), reduction(true));
        // Dropping W alone would leave NCHW's axes out of TF's order: the importer goes back to NHWC first.
        graph.node("max", "Max", List.of("ratio", "width"), reduction(false));
        graph.node("kept_mean", "Mean", List.of("x", "spatial"), reduction(true));
        graph.node("squeezed", "Squeeze", List.of("kept_mean"), Map.of("squeeze_dims", integers(1, 2)));
        graph.node("product", "Mul", "squeezed", "mean");

        assertMatchesTfjs(graph, new long[] {2, 4, 5, 3}, List.of("product", "sum", "max", "softmax"));
    }

    @Test
    void shapesSlicesAndMatrixProductsMatchTfjs() throws Exception {
        GraphModelWriter graph = new GraphModelWriter().placeholder("x", -1, 2, 2, 3);
        graph.intConstant("flat_shape", new int[] {-1, 12}, 2);
        graph.node("flat", "Reshape", List.of("x", "flat_shape"), Map.of("Tshape", type("DT_INT32")));
        graph.constant("w", values(12 * 5), 12, 5);
        graph.node(
                "product",
                "MatMul",
                List.of("flat", "w"),
                Map.of("transpose_a", bool(false), "transpose_b", bool(false)));
        graph.float16Constant("w_t", values(6 * 5), 6, 5);
        graph.constant("bias", values(6), 6);
        graph.node(
                "dense",
                "_FusedMatMul",
                List.of("product", "w_t", "bias"),
                Map.of(
                        "transpose_a", bool(false),
                        "transpose_b", bool(true),
                        "fused_ops", strings("BiasAdd", "Relu"),
                        "num_args", integer(1)));
        graph.node("probabilities", "Softmax", "dense");
        graph.intConstant("last", new int[] {-1}, new long[0]);
        graph.node("column", "ExpandDims", List.of("probabilities", "last"), Map.of("Tdim", type("DT_INT32")));
        graph.intConstant("begin", new int[] {0, 1, 0}, 3);
        graph.intConstant("end", new int[] {0, 6, 1}, 3);
        graph.intConstant("stride", new int[] {1, 2, 1}, 3);
        graph.node(
                "every_other",
                "StridedSlice",
                List.of("column", "begin", "end", "stride"),
                Map.of(
                        "Index", type("DT_INT32"),
                        "begin_mask", integer(1),
                        "end_mask", integer(1),
                        "shrink_axis_mask", integer(4),
                        "ellipsis_mask", integer(0),
                        "new_axis_mask", integer(0)));
        graph.node("result", "Identity", "every_other");

        assertMatchesTfjs(graph, new long[] {3, 2, 2, 3}, List.of("result", "dense"));
    }

    @Test
    void restoringAPreluAfterAFusedReluGivesTheUnfusedGraph() throws Exception {
        float[] weights = values(3 * 3 * 2 * 4);
        float[] bias = values(4);
        float[] alpha = values(4);
        // As the converter fused it: the Relu is in the convolution, and the negative branch reads its output.
        GraphModelWriter fused = preluGraph(weights, bias, alpha, true);
        // As trained: the convolution, then relu(x) + alpha * (x - |x|).
        GraphModelWriter original = preluGraph(weights, bias, alpha, false);

        TfjsGraphModel fusedModel = TfjsGraphModel.read(fused.write(folder.resolve("fused")));
        assertThat(TfjsGraphImporter.prelusAfterFusedRelu(fusedModel)).containsExactly("conv");
        ModelProto restored = TfjsGraphImporter.importModel(fusedModel, new Options(List.of("y"), true));

        long[] shape = {2, 6, 6, 2};
        float[] x = values((int) (2 * 6 * 6 * 2));
        Map<String, Tensor> expected = TfjsReference.runGraphModel(
                original.write(folder.resolve("original")), Map.of("x", new Tensor(shape, x)), List.of("y"));
        Map<String, Tensor> asShipped = TfjsReference.runGraphModel(
                folder.resolve("fused/model.json"), Map.of("x", new Tensor(shape, x)), List.of("y"));
        float[] actual = toNhwc(run(restored, x, shape).get("y"));

        assertClose("y", actual, expected.get("y").values());
        assertThat(maxDifference(asShipped.get("y").values(), expected.get("y").values()))
                .as("the fused graph loses the negative branch")
                .isGreaterThan(1e-2);
    }

    @Test
    void unsupportedOpsAreNamed() throws Exception {
        GraphModelWriter graph = new GraphModelWriter().placeholder("x", -1, 3);
        graph.node("y", "Erf", "x");
        Path modelJson = graph.write(folder.resolve("erf"));

        assertThatThrownBy(() -> TfjsGraphImporter.importModel(modelJson, Options.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'y'")
                .hasMessageContaining("Erf");
    }

    private GraphModelWriter preluGraph(float[] weights, float[] bias, float[] alpha, boolean fusedRelu) {
        GraphModelWriter graph = new GraphModelWriter().placeholder("x", -1, 6, 6, 2);
        graph.constant("w", weights, 3, 3, 2, 4);
        graph.constant("bias", bias, 4);
        graph.constant("alpha", alpha, 4);
        graph.node(
                "conv",
                "_FusedConv2D",
                List.of("x", "w", "bias"),
                fusedRelu
                        ? fused(convolution(1, "SAME", 1), "BiasAdd", "Relu")
                        : fused(convolution(1, "SAME", 1), "BiasAdd"));
        graph.node("positive", "Relu", "conv");
        graph.node("abs", "Abs", "conv");
        graph.node("sub", "Sub", "conv", "abs");
        graph.node("mul", "Mul", "sub", "alpha");
        graph.node("y", "Add", fusedRelu ? "conv" : "positive", "mul");
        return graph;
    }

    /** Imports the written graph with the given outputs and compares every one with TF.js on a random batch. */
    private void assertMatchesTfjs(GraphModelWriter graph, long[] nhwcShape, List<String> outputs) throws Exception {
        Path modelJson = graph.write(folder.resolve("model"));
        ModelProto model = TfjsGraphImporter.importModel(modelJson, new Options(outputs, false));
        float[] x = values((int) Arrays.stream(nhwcShape).reduce(1, Math::multiplyExact));

        Map<String, FloatTensor> actual = run(model, x, nhwcShape);
        Map<String, Tensor> expected =
                TfjsReference.runGraphModel(modelJson, Map.of("x", new Tensor(nhwcShape, x)), outputs);

        for (String output : outputs) {
            FloatTensor onnx = actual.get(output);
            float[] values = onnx.shape().length == 4 ? toNhwc(onnx) : onnx.data();
            assertThat(values).as(output).hasSameSizeAs(expected.get(output).values());
            assertClose(output, values, expected.get(output).values());
        }
    }

    private Map<String, FloatTensor> run(ModelProto model, float[] nhwc, long[] shape) throws Exception {
        Path file = folder.resolve("imported.onnx");
        OnnxModels.write(model, file);
        long[] nchw = {shape[0], shape[3], shape[1], shape[2]};
        try (OnnxModel session =
                OnnxModel.open(file, InferenceOptions.builder().warmUpRuns(0).build())) {
            return session.run(Map.of("x", FloatInput.of(FloatBuffer.wrap(toNchw(nhwc, shape)), nchw)));
        }
    }

    private static void assertClose(String output, float[] actual, float[] expected) {
        double largest = 0;
        for (float value : expected) {
            largest = Math.max(largest, Math.abs(value));
        }
        assertThat(largest).as("%s is not all zero", output).isGreaterThan(0);
        assertThat(maxDifference(actual, expected)).as(output).isLessThanOrEqualTo(TOLERANCE * Math.max(1, largest));
    }

    private static double maxDifference(float[] a, float[] b) {
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            largest = Math.max(largest, Math.abs(a[i] - b[i]));
        }
        return largest;
    }

    private float[] values(int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    private static float[] toNchw(float[] nhwc, long[] shape) {
        int h = (int) shape[1], w = (int) shape[2], c = (int) shape[3];
        float[] nchw = new float[nhwc.length];
        for (int n = 0; n < shape[0]; n++) {
            for (int p = 0; p < h * w; p++) {
                for (int k = 0; k < c; k++) {
                    nchw[(n * c + k) * h * w + p] = nhwc[(n * h * w + p) * c + k];
                }
            }
        }
        return nchw;
    }

    private static float[] toNhwc(FloatTensor nchw) {
        long[] shape = nchw.shape();
        int c = (int) shape[1], plane = (int) (shape[2] * shape[3]);
        float[] nhwc = new float[nchw.data().length];
        for (int n = 0; n < shape[0]; n++) {
            for (int k = 0; k < c; k++) {
                for (int p = 0; p < plane; p++) {
                    nhwc[(n * plane + p) * c + k] = nchw.data()[(n * c + k) * plane + p];
                }
            }
        }
        return nhwc;
    }

    private static Map<String, ObjectNode> convolution(long stride, String padding, long dilation) {
        Map<String, ObjectNode> attributes = new LinkedHashMap<>();
        attributes.put("strides", integers(1, stride, stride, 1));
        attributes.put("dilations", integers(1, dilation, dilation, 1));
        attributes.put("padding", string(padding));
        attributes.put("data_format", string("NHWC"));
        return attributes;
    }

    private static Map<String, ObjectNode> fused(Map<String, ObjectNode> convolution, String... ops) {
        Map<String, ObjectNode> attributes = new HashMap<>(convolution);
        attributes.put("fused_ops", strings(ops));
        attributes.put("num_args", integer(1));
        return attributes;
    }

    private static Map<String, ObjectNode> pooling(long size, long stride, String padding) {
        return Map.of(
                "ksize", integers(1, size, size, 1),
                "strides", integers(1, stride, stride, 1),
                "padding", string(padding),
                "data_format", string("NHWC"));
    }

    private static Map<String, ObjectNode> reduction(boolean keepDims) {
        return Map.of("keep_dims", bool(keepDims), "Tidx", type("DT_INT32"));
    }
}
