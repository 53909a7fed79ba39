package dev.likeness.onnx.tools.grad;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static dev.likeness.onnx.tools.graph.Attributes.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.graph.ShapeInference;

/**
 * Every differentiable operator, in small random graphs: the generated gradient (ONNX Runtime, float32)
 * against central finite differences in float64. The loss is {@code sum(z * R)} for a fixed random R, so
 * any misplaced element of the backward pass shows. Each graph is checked with static input dims and
 * with symbolic height and width, which take the gradient generator's dynamic-shape paths.
 */
class OperatorGradientTest {

    private static final double TOLERANCE = 1e-3;
    private static final double STEP = 1e-4;
    /** ONNX Runtime's float32 loss against the float64 reference's. */
    private static final double LOSS_TOLERANCE = 1e-5;

    @TempDir
    Path temp;

    /** A small graph from {@code image} to one output; returns the output's name. */
    private interface Case extends BiFunction<GraphBuilder, String, String> {}

    private record Named(String name, int channels, int height, int width, Case body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                        new Named(
                                "Conv stride 2, asymmetric pads, bias",
                                4,
                                9,
                                8,
                                (b, x) -> b.node(
                                        "Conv",
                                        List.of(x, weights(b, 6, 4, 3, 3), weights(b, 6)),
                                        "z",
                                        ints("strides", 2, 2),
                                        ints("pads", 1, 0, 2, 1))),
                        new Named(
                                "Conv dilation 2, group 2",
                                4,
                                9,
                                10,
                                (b, x) -> b.node(
                                        "Conv",
                                        List.of(x, weights(b, 4, 2, 3, 3)),
                                        "z",
                                        ints("dilations", 2, 2),
                                        ints("pads", 2, 2, 2, 2),
                                        of("group", 2))),
                        new Named(
                                "Conv depthwise stride 3",
                                4,
                                10,
                                11,
                                (b, x) -> b.node(
                                        "Conv",
                                        List.of(x, weights(b, 4, 1, 3, 3)),
                                        "z",
                                        ints("strides", 3, 3),
                                        ints("pads", 1, 1, 1, 1),
                                        of("group", 4))),
                        new Named(
                                "Conv depthwise stride 1, multiplier 2, asymmetric pads",
                                3,
                                7,
                                8,
                                (b, x) -> b.node(
                                        "Conv",
                                        List.of(x, weights(b, 6, 1, 3, 2)),
                                        "z",
                                        ints("pads", 2, 0, 0, 1),
                                        of("group", 3))),
                        new Named(
                                "Conv with pads wider than the kernel",
                                3,
                                6,
                                7,
                                (b, x) -> b.node(
                                        "Conv", List.of(x, weights(b, 4, 3, 2, 2)), "z", ints("pads", 2, 1, 3, 0))),
                        new Named(
                                "Conv 1x1 stride 2 (ResNet shortcut)",
                                4,
                                8,
                                8,
                                (b, x) ->
                                        b.node("Conv", List.of(x, weights(b, 8, 4, 1, 1)), "z", ints("strides", 2, 2))),
                        new Named(
                                "Conv 7x7 stride 2 after Pad (ResNet stem)",
                                3,
                                12,
                                13,
                                (b, x) -> b.node(
                                        "Conv",
                                        List.of(
                                                b.node(
                                                        "Pad",
                                                        List.of(x, b.longs("pads", 0, 0, 3, 3, 0, 0, 3, 3)),
                                                        "padded"),
                                                weights(b, 5, 3, 7, 7)),
                                        "z",
                                        ints("strides", 2, 2))),
                        new Named("Relu", 3, 6, 7, (b, x) -> b.node("Relu", List.of(conv3x3(b, x, 3, 4)), "z")),
                        new Named(
                                "Clip",
                                3,
                                6,
                                5,
                                (b, x) -> b.node(
                                        "Clip", List.of(x, b.scalar("low", -0.5f), b.scalar("high", 0.4f)), "z")),
                        new Named("Add Sub Mul Div with broadcasting", 4, 6, 7, OperatorGradientTest::broadcasting),
                        new Named(
                                "Sum of three, one broadcast",
                                3,
                                5,
                                6,
                                (b, x) -> b.node(
                                        "Sum",
                                        List.of(
                                                x,
                                                conv3x3(b, x, 3, 3),
                                                b.node(
                                                        "ReduceMean",
                                                        List.of(x),
                                                        "mean",
                                                        ints("axes", 1),
                                                        of("keepdims", 1))),
                                        "z")),
                        new Named(
                                "MaxPool 3x3 stride 2, pads 1",
                                3,
                                9,
                                8,
                                (b, x) -> b.node(
                                        "MaxPool",
                                        List.of(x),
                                        "z",
                                        ints("kernel_shape", 3, 3),
                                        ints("strides", 2, 2),
                                        ints("pads", 1, 1, 1, 1))),
                        new Named(
                                "MaxPool ceil_mode, dilation",
                                3,
                                10,
                                9,
                                (b, x) -> b.node(
                                        "MaxPool",
                                        List.of(x),
                                        "z",
                                        ints("kernel_shape", 2, 2),
                                        ints("strides", 2, 2),
                                        ints("dilations", 2, 1),
                                        of("ceil_mode", 1))),
                        new Named(
                                "MaxPool after Relu and Pad (ties at zero)",
                                3,
                                9,
                                9,
                                (b, x) -> b.node(
                                        "MaxPool",
                                        List.of(b.node(
                                                "Pad",
                                                List.of(
                                                        b.node("Relu", List.of(x), "relu"),
                                                        b.longs("pads", 0, 0, 1, 1, 0, 0, 1, 1)),
                                                "p")),
                                        "z",
                                        ints("kernel_shape", 3, 3),
                                        ints("strides", 2, 2))),
                        new Named(
                                "AveragePool pads, count_include_pad=0",
                                3,
                                9,
                                8,
                                (b, x) -> b.node(
                                        "AveragePool",
                                        List.of(x),
                                        "z",
                                        ints("kernel_shape", 3, 3),
                                        ints("strides", 2, 2),
                                        ints("pads", 1, 1, 1, 1))),
                        new Named(
                                "AveragePool pads, count_include_pad=1",
                                3,
                                9,
                                8,
                                (b, x) -> b.node(
                                        "AveragePool",
                                        List.of(x),
                                        "z",
                                        ints("kernel_shape", 3, 2),
                                        ints("strides", 2, 1),
                                        ints("pads", 1, 0, 1, 1),
                                        of("count_include_pad", 1))),
                        new Named(
                                "AveragePool 2x2 stride 2, odd size",
                                3,
                                9,
                                7,
                                (b, x) -> b.node(
                                        "AveragePool",
                                        List.of(x),
                                        "z",
                                        ints("kernel_shape", 2, 2),
                                        ints("strides", 2, 2))),
                        new Named("GlobalAveragePool", 3, 5, 6, (b, x) -> b.node("GlobalAveragePool", List.of(x), "z")),
                        new Named("Gram matrix: Reshape, Transpose, MatMul", 4, 5, 6, (b, x) -> {
                            String features = b.node("Reshape", List.of(x, b.longs("shape", 4, -1)), "features");
                            return b.node(
                                    "MatMul", List.of(features, b.node("Transpose", List.of(features), "ft")), "z");
                        }),
                        new Named("Batched Gram matrix", 4, 5, 6, (b, x) -> {
                            String features = b.node("Reshape", List.of(x, b.longs("shape", 2, 2, -1)), "features");
                            return b.node(
                                    "MatMul",
                                    List.of(
                                            features,
                                            b.node("Transpose", List.of(features), "ft", ints("perm", 0, 2, 1))),
                                    "z");
                        }),
                        new Named(
                                "Batched MatMul with a constant",
                                3,
                                4,
                                5,
                                (b, x) -> b.node(
                                        "MatMul",
                                        List.of(
                                                b.node("Reshape", List.of(x, b.longs("shape", 3, 4, 5)), "r"),
                                                weights(b, 5, 2)),
                                        "z")),
                        new Named(
                                "MatMul broadcasting a 2-D operand",
                                3,
                                4,
                                5,
                                (b, x) -> b.node(
                                        "MatMul",
                                        List.of(
                                                weights(b, 3, 4),
                                                b.node("Reshape", List.of(x, b.longs("shape", 3, 4, 5)), "r")),
                                        "z")),
                        new Named(
                                "Transpose NCHW to NHWC",
                                3,
                                4,
                                5,
                                (b, x) -> b.node("Transpose", List.of(x), "z", ints("perm", 0, 2, 3, 1))),
                        new Named("Flatten", 3, 4, 5, (b, x) -> b.node("Flatten", List.of(x), "z", of("axis", 2))),
                        new Named(
                                "ReduceSum keepdims=0 over channels",
                                3,
                                4,
                                5,
                                (b, x) -> b.node(
                                        "ReduceSum",
                                        List.of(b.node("Relu", List.of(x), "r"), b.longs("axes", 1)),
                                        "z",
                                        of("keepdims", 0))),
                        new Named(
                                "ReduceSum of everything times x",
                                3,
                                4,
                                5,
                                (b, x) -> b.node(
                                        "Mul",
                                        List.of(x, b.node("ReduceSum", List.of(x), "sum", of("keepdims", 0))),
                                        "z")),
                        new Named(
                                "ReduceMean over the last axis",
                                3,
                                4,
                                5,
                                (b, x) -> b.node("ReduceMean", List.of(x), "z", ints("axes", -1), of("keepdims", 1))),
                        new Named(
                                "Softmax over channels (SWAG)",
                                4,
                                4,
                                5,
                                (b, x) -> b.node("Softmax", List.of(x), "z", of("axis", 1))),
                        new Named(
                                "Softmax over a whole flattened map",
                                3,
                                4,
                                5,
                                (b, x) -> b.node(
                                        "Softmax",
                                        List.of(b.node("Reshape", List.of(x, b.longs("shape", 1, -1)), "flat")),
                                        "z",
                                        of("axis", -1))),
                        new Named(
                                "Pad",
                                3,
                                4,
                                5,
                                (b, x) -> b.node("Pad", List.of(x, b.longs("pads", 0, 0, 1, 2, 0, 0, 3, 0)), "z")),
                        new Named(
                                "Concat over channels",
                                3,
                                5,
                                4,
                                (b, x) -> b.node("Concat", List.of(conv3x3(b, x, 3, 2), x), "z", of("axis", 1))),
                        new Named(
                                "Concat over width, the same value twice",
                                3,
                                5,
                                4,
                                (b, x) -> b.node(
                                        "Concat", List.of(x, b.node("Relu", List.of(x), "r"), x), "z", of("axis", 3))),
                        new Named(
                                "Neg, Identity, Dropout",
                                3,
                                4,
                                4,
                                (b, x) -> b.node(
                                        "Dropout",
                                        List.of(b.node("Identity", List.of(b.node("Neg", List.of(x), "n")), "i")),
                                        "z")),
                        new Named(
                                "PRelu, one slope per channel",
                                3,
                                5,
                                4,
                                (b, x) -> b.node("PRelu", List.of(conv3x3(b, x, 3, 4), weights(b, 4, 1, 1)), "z")),
                        new Named(
                                "Sqrt of a positive value (an L2 norm)",
                                3,
                                4,
                                5,
                                (b, x) -> b.node(
                                        "Sqrt",
                                        List.of(b.node(
                                                "Add",
                                                List.of(
                                                        b.node("Mul", List.of(x, x), "square"),
                                                        b.floats("one", new float[] {1}, 1)),
                                                "positive")),
                                        "z")))
                .flatMap(named -> Stream.of(Arguments.of(named, false), Arguments.of(named, true)));
    }

    @ParameterizedTest(name = "{0}, symbolic size: {1}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Named named, boolean symbolicSize) throws Exception {
        ModelProto model = lossGraph(named, symbolicSize);
        Random random = new Random(named.name().hashCode());
        Map<String, DoubleTensor> inputs = Map.of(
                "image",
                DoubleTensor.of(
                        uniform(random, named.channels() * named.height() * named.width()),
                        1,
                        named.channels(),
                        named.height(),
                        named.width()));

        GradientCheck.Report report =
                GradientCheck.checkEveryCoordinate(model, inputs, "image", "J", "grad_image", STEP, temp);

        System.out.printf("%s (symbolic %s): %s%n", named, symbolicSize, report);
        assertThat(report.maxRelativeError()).isLessThan(TOLERANCE);
        assertThat(report.maxSmallError()).isLessThan(TOLERANCE);
        assertThat(report.lossError()).isLessThan(LOSS_TOLERANCE);
    }

    @Test
    void anUnsupportedOperatorIsNamed() {
        GraphProto.Builder graph = GraphProto.newBuilder().addInput(Graphs.floatValue("image", 1, 3, 4, 4));
        GraphBuilder builder = new GraphBuilder(graph);
        String normalised = builder.node("LRN", List.of("image"), "lrn", of("size", 3));
        builder.nodeWithOutputs("ReduceSum", List.of(normalised), List.of(builder.exact("J")), of("keepdims", 0));

        assertThatThrownBy(() -> Autodiff.appendGradient(graph, "image", "J", "grad_image"))
                .isInstanceOf(UnsupportedOperatorException.class)
                .hasMessageContaining("op LRN")
                .extracting(error -> ((UnsupportedOperatorException) error).opType())
                .isEqualTo("LRN");
    }

    /** The case's graph, then J = sum(z * R), then the generated gradient. */
    private static ModelProto lossGraph(Named named, boolean symbolicSize) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(Graphs.floatValue("image", 1, named.channels(), named.height(), named.width()));
        GraphBuilder builder = new GraphBuilder(graph);
        String z = named.body().apply(builder, "image");
        long[] zShape = ShapeInference.of(graph.build()).get(z);
        String weighted = builder.node("Mul", List.of(z, weights(builder, zShape)), "weighted");
        builder.nodeWithOutputs("ReduceSum", List.of(weighted), List.of(builder.exact("J")), of("keepdims", 0));
        graph.addOutput(Graphs.floatValue("J"));
        if (symbolicSize) {
            graph.setInput(0, Graphs.floatValue("image", 1, named.channels(), "H", "W"));
        }
        Autodiff.appendGradient(graph, "image", "J", "grad_image");
        graph.addOutput(Graphs.floatValue("grad_image", 1, named.channels(), "H", "W"));
        return Graphs.model(graph.build());
    }

    private static String broadcasting(GraphBuilder b, String x) {
        String a = conv3x3(b, x, 4, 4);
        String mean = b.node("ReduceMean", List.of(a), "mean", ints("axes", 2, 3), of("keepdims", 1));
        String centred = b.node("Sub", List.of(a, mean), "centred");
        String shifted = b.node("Add", List.of(a, weights(b, 4, 1, 1)), "shifted");
        String product = b.node("Mul", List.of(centred, shifted), "product");
        String denominator =
                b.node("Add", List.of(b.node("Mul", List.of(mean, mean), "square"), b.scalar("one", 1)), "den");
        return b.node("Div", List.of(product, denominator), "z");
    }

    private static String conv3x3(GraphBuilder b, String x, int in, int out) {
        return b.node("Conv", List.of(x, weights(b, out, in, 3, 3)), "conv", ints("pads", 1, 1, 1, 1));
    }

    /** Seeded by the weight's place among its graph's initializers: a case's weights are its own, whatever ran before. */
    private static String weights(GraphBuilder b, long... dims) {
        int count = 1;
        for (long dim : dims) {
            count *= (int) dim;
        }
        return b.floats("w", uniform(new Random(b.graph().getInitializerCount()), count), dims);
    }

    private static float[] uniform(Random random, int count) {
        float[] values = new float[count];
        for (int index = 0; index < count; index++) {
            values[index] = random.nextFloat() * 2 - 1;
        }
        return values;
    }
}
