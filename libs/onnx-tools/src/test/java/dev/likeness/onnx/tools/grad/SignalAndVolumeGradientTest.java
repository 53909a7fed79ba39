package dev.likeness.onnx.tools.grad;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static dev.likeness.onnx.tools.graph.Attributes.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.graph.ShapeInference;

/**
 * The gradient generator and the style losses on signals [1, C, L] (sound: frequency bins as channels) and
 * volumes [1, C, D, H, W] (video: frames over time): each windowed operator in 1-D and 3-D, and the style
 * graphs of random 1-D and 3-D extractors, against central finite differences in float64 (every coordinate
 * of small inputs; drawn coordinates and random directions on larger ones), plus the loss against the
 * documented formulas written out here (Gram over all positions, total variation along every axis).
 */
class SignalAndVolumeGradientTest {

    private static final double TOLERANCE = 1e-3;
    private static final double LOSS_TOLERANCE = 1e-5;
    private static final Map<String, Float> WEIGHTS =
            Map.of("alpha", 0.7f, "beta", 1.3f, "gamma", 0.02f, "lambda_low", 0.4f, "lambda_high", 2f);

    @TempDir
    Path temp;

    /** A small graph from {@code image} to one output; returns the output's name. */
    private interface Case extends BiFunction<GraphBuilder, String, String> {}

    private record Named(String name, long[] shape, Case body) {
        @Override
        public String toString() {
            return name + " on " + Arrays.toString(shape);
        }
    }

    static Stream<Arguments> operators() {
        long[] signal = {1, 3, 11};
        long[] volume = {1, 2, 5, 6, 5};
        return Stream.of(
                        new Named(
                                "1-D Conv stride 2, asymmetric pads, bias",
                                signal,
                                (b, x) -> b.node(
                                        "Conv",
                                        List.of(x, weights(b, 4, 3, 3), weights(b, 4)),
                                        "z",
                                        ints("strides", 2),
                                        ints("pads", 1, 2))),
                        new Named(
                                "1-D Conv dilation 2, stride 1",
                                signal,
                                (b, x) -> b.node(
                                        "Conv",
                                        List.of(x, weights(b, 4, 3, 3)),
                                        "z",
                                        ints("dilations", 2),
                                        ints("pads", 2, 1))),
                        new Named(
                                "1-D MaxPool 3 stride 2 after Relu",
                                signal,
                                (b, x) -> b.node(
                                        "MaxPool",
                                        List.of(b.node("Relu", List.of(conv(b, x, 3, 4, 3)), "r")),
                                        "z",
                                        ints("kernel_shape", 3),
                                        ints("strides", 2))),
                        new Named(
                                "1-D AveragePool 2 stride 2, pads not counted",
                                signal,
                                (b, x) -> b.node(
                                        "AveragePool",
                                        List.of(x),
                                        "z",
                                        ints("kernel_shape", 2),
                                        ints("strides", 2),
                                        ints("pads", 1, 1))),
                        new Named(
                                "3-D Conv 3x3x3, stride 2 in time, group 2",
                                volume,
                                (b, x) -> b.node(
                                        "Conv",
                                        List.of(x, weights(b, 4, 1, 3, 3, 3)),
                                        "z",
                                        ints("strides", 2, 1, 1),
                                        ints("pads", 1, 1, 0, 1, 1, 1),
                                        of("group", 2))),
                        new Named(
                                "3-D Conv stride 2 everywhere, bias",
                                volume,
                                (b, x) -> b.node(
                                        "Conv",
                                        List.of(x, weights(b, 3, 2, 2, 3, 3), weights(b, 3)),
                                        "z",
                                        ints("strides", 2, 2, 2),
                                        ints("pads", 0, 1, 1, 1, 0, 1))),
                        new Named(
                                "3-D MaxPool 1x2x2 (frames kept) after Relu",
                                volume,
                                (b, x) -> b.node(
                                        "MaxPool",
                                        List.of(b.node("Relu", List.of(conv(b, x, 2, 3, 3)), "r")),
                                        "z",
                                        ints("kernel_shape", 1, 2, 2),
                                        ints("strides", 1, 2, 2))),
                        new Named(
                                "3-D AveragePool 2x3x3 stride 2, pads not counted",
                                volume,
                                (b, x) -> b.node(
                                        "AveragePool",
                                        List.of(x),
                                        "z",
                                        ints("kernel_shape", 2, 3, 3),
                                        ints("strides", 2, 2, 2),
                                        ints("pads", 1, 1, 1, 0, 1, 1))),
                        new Named(
                                "3-D GlobalAveragePool",
                                volume,
                                (b, x) -> b.node("GlobalAveragePool", List.of(conv(b, x, 2, 3, 3)), "z")))
                .flatMap(named -> Stream.of(Arguments.of(named, false), Arguments.of(named, true)));
    }

    @ParameterizedTest(name = "{0}, symbolic size: {1}")
    @MethodSource("operators")
    void operatorGradientMatchesFiniteDifferences(Named named, boolean symbolicSize) throws Exception {
        ModelProto model = lossGraph(named, symbolicSize);
        Random random = new Random(named.name().hashCode());
        Map<String, DoubleTensor> inputs = Map.of(
                "image", DoubleTensor.of(uniform(random, (int) DoubleTensor.size(named.shape())), named.shape()));

        GradientCheck.Report report =
                GradientCheck.checkEveryCoordinate(model, inputs, "image", "J", "grad_image", 1e-4, temp);

        System.out.printf("%s (symbolic %s): %s%n", named, symbolicSize, report);
        assertThat(report.maxRelativeError()).isLessThan(TOLERANCE);
        assertThat(report.maxSmallError()).isLessThan(TOLERANCE);
        assertThat(report.lossError()).isLessThan(LOSS_TOLERANCE);
    }

    @ParameterizedTest(name = "rank {0}, smoothing temperature 0 (off) and 3")
    @ValueSource(ints = {3, 5})
    void styleGradientMatchesFiniteDifferencesOnEveryCoordinate(int rank) throws Exception {
        for (double temperature : new double[] {0, 3}) {
            StyleLossSpec spec = spec(temperature);
            ModelProto gradient = StyleGraphs.gradient(extractor(rank), spec);
            long[] small = small(rank);
            // A style input of another size: the normalised Grams compare across sizes.
            Map<String, DoubleTensor> inputs = inputs(rank, spec, image(small, 3), image(larger(small), 2), small);

            GradientCheck.Report report =
                    GradientCheck.checkEveryCoordinate(gradient, inputs, "image", "J", "grad_image", 1e-3, temp);

            System.out.printf("rank %d style loss, smoothing %s: %s%n", rank, temperature, report);
            assertThat(report.maxRelativeError()).isLessThan(TOLERANCE);
            assertThat(report.maxSmallError()).isLessThan(TOLERANCE);
            assertThat(report.lossError()).isLessThan(LOSS_TOLERANCE);
        }
    }

    @ParameterizedTest(name = "rank {0}")
    @ValueSource(ints = {3, 5})
    void styleGradientMatchesFiniteDifferencesOnALargerInput(int rank) throws Exception {
        StyleLossSpec spec = spec(3);
        ModelProto gradient = StyleGraphs.gradient(extractor(rank), spec);
        long[] shape = rank == 3 ? new long[] {1, 6, 96} : new long[] {1, 3, 6, 16, 14};
        Map<String, DoubleTensor> inputs = inputs(rank, spec, image(shape, 5), image(larger(shape), 6), shape);

        GradientCheck.Report report =
                GradientCheck.checkSampled(gradient, inputs, "image", "J", "grad_image", 150, 6, 1e-3, 17, temp);

        System.out.printf("rank %d style loss on %s: %s%n", rank, Arrays.toString(shape), report);
        assertThat(report.maxRelativeError()).isLessThan(TOLERANCE);
        assertThat(report.maxSmallError()).isLessThan(TOLERANCE);
        assertThat(report.maxDirectionError()).isLessThan(TOLERANCE);
        assertThat(report.lossError()).isLessThan(LOSS_TOLERANCE);
    }

    @ParameterizedTest(name = "rank {0}")
    @ValueSource(ints = {3, 5})
    void lossFollowsTheDocumentedFormulas(int rank) throws Exception {
        StyleLossSpec spec = spec(0);
        long[] shape = small(rank);
        DoubleTensor generated = image(shape, 3);
        DoubleTensor content = image(shape, 1);
        DoubleTensor style = image(larger(shape), 2);
        Map<String, FloatTensor> outputs = GradientCheck.runOrt(
                StyleGraphs.gradient(extractor(rank), spec),
                inputs(rank, spec, generated, style, shape),
                Set.of("J", "J_content", "J_style", "J_tv"),
                temp);

        ReferenceEvaluator layers = new ReferenceEvaluator(extractor(rank).getGraph());
        Map<String, DoubleTensor> a = layers.run(Map.of("image", generated), Set.of("low", "high"));
        DoubleTensor c = layers.run(Map.of("image", content), Set.of("high")).get("high");
        Map<String, DoubleTensor> s = layers.run(Map.of("image", style), Set.of("low", "high"));
        double contentLoss = squaredDistance(a.get("high").data(), c.data()) / (4.0 * c.data().length);
        double styleLoss = 0;
        for (String layer : List.of("low", "high")) {
            long channels = a.get(layer).shape()[1];
            double term = squaredDistance(normalisedGram(a.get(layer)), normalisedGram(s.get(layer)))
                    / (4.0 * channels * channels);
            styleLoss += WEIGHTS.get("lambda_" + layer) * term;
        }
        double tv = totalVariation(generated);

        assertThat(value(outputs, "J_content")).isCloseTo(contentLoss, within(1e-4 * contentLoss));
        assertThat(value(outputs, "J_style")).isCloseTo(styleLoss, within(1e-4 * styleLoss));
        assertThat(value(outputs, "J_tv")).isCloseTo(tv, within(1e-4 * tv));
        double total = WEIGHTS.get("alpha") * contentLoss + WEIGHTS.get("beta") * styleLoss + WEIGHTS.get("gamma") * tv;
        assertThat(value(outputs, "J")).isCloseTo(total, within(1e-4 * total));
    }

    @ParameterizedTest(name = "rank {0}")
    @ValueSource(ints = {3, 5})
    void theTargetsOfAnInputGiveItZeroLoss(int rank) throws Exception {
        StyleLossSpec spec = spec(3);
        long[] shape = small(rank);
        DoubleTensor picture = image(shape, 9);
        Map<String, DoubleTensor> inputs = new HashMap<>(targets(rank, spec, picture, picture));
        inputs.put("image", picture);
        WEIGHTS.forEach((name, weight) -> inputs.put(name, DoubleTensor.scalar(weight)));
        inputs.put("gamma", DoubleTensor.scalar(0));

        Map<String, FloatTensor> outputs = GradientCheck.runOrt(
                StyleGraphs.gradient(extractor(rank), spec), inputs, Set.of("J", "grad_image"), temp);

        assertThat(outputs.get("J").data()[0]).isCloseTo(0f, within(1e-9f));
        assertThat(outputs.get("grad_image").shape()).containsExactly(shape);
        for (float value : outputs.get("grad_image").data()) {
            assertThat(value).isCloseTo(0f, within(1e-9f));
        }
    }

    /** The case's graph, then J = sum(z * R), then the generated gradient. */
    private static ModelProto lossGraph(Named named, boolean symbolicSize) {
        long[] shape = named.shape();
        GraphProto.Builder graph = GraphProto.newBuilder().addInput(Graphs.floatValue("image", shape));
        GraphBuilder builder = new GraphBuilder(graph);
        String z = named.body().apply(builder, "image");
        long[] zShape = ShapeInference.of(graph.build()).get(z);
        String weighted = builder.node("Mul", List.of(z, weights(builder, zShape)), "weighted");
        builder.nodeWithOutputs("ReduceSum", List.of(weighted), List.of(builder.exact("J")), of("keepdims", 0));
        graph.addOutput(Graphs.floatValue("J"));
        Object[] declared = new Object[shape.length];
        for (int axis = 0; axis < shape.length; axis++) {
            declared[axis] = symbolicSize && axis >= 2 ? "s" + axis : (Object) shape[axis];
        }
        graph.setInput(0, Graphs.floatValue("image", declared));
        Autodiff.appendGradient(graph, "image", "J", "grad_image");
        graph.addOutput(Graphs.floatValue("grad_image", declared));
        return Graphs.model(graph.build());
    }

    /**
     * image → Conv (kernel 3 on every axis) → Relu = low → MaxPool → Conv (kernel 3, stride 2 along the first
     * axis of positions) → Relu → AveragePool 2 along the last axis = high. 1-D: image [1, 6, L] (six
     * frequency bins); 3-D: image [1, 3, D, H, W], MaxPool 1x2x2 (frames kept).
     */
    private static ModelProto extractor(int rank) {
        int spatial = rank - 2;
        long channels = rank == 3 ? 6 : 3;
        Object[] dims = new Object[rank];
        dims[0] = 1;
        dims[1] = channels;
        for (int axis = 2; axis < rank; axis++) {
            dims[axis] = "s" + axis;
        }
        GraphProto.Builder graph = GraphProto.newBuilder().addInput(Graphs.floatValue("image", dims));
        GraphBuilder builder = new GraphBuilder(graph);
        Random random = new Random(11);
        String first = builder.node(
                "Conv",
                List.of(
                        "image",
                        builder.floats(
                                "w1",
                                gaussian(random, 5 * channels * power(3, spatial), 0.05),
                                kernel(5, channels, spatial, 3)),
                        builder.floats("b1", gaussian(random, 5, 1), 5)),
                "c1",
                ints("pads", filled(2 * spatial, 1)));
        String low = builder.nodeWithOutputs("Relu", List.of(first), List.of(builder.exact("low")))
                .get(0);
        long[] window = filled(spatial, 2);
        if (spatial == 3) {
            window[0] = 1;
        }
        String pooled =
                builder.node("MaxPool", List.of(low), "pooled", ints("kernel_shape", window), ints("strides", window));
        long[] strides = filled(spatial, 1);
        strides[0] = 2;
        String second = builder.node(
                "Relu",
                List.of(builder.node(
                        "Conv",
                        List.of(
                                pooled,
                                builder.floats(
                                        "w2",
                                        gaussian(random, 7 * 5 * power(3, spatial), 0.2),
                                        kernel(7, 5, spatial, 3)),
                                builder.floats("b2", gaussian(random, 7, 1), 7)),
                        "c2",
                        ints("strides", strides),
                        ints("pads", filled(2 * spatial, 1)))),
                "r2");
        long[] last = filled(spatial, 1);
        last[spatial - 1] = 2;
        builder.nodeWithOutputs(
                "AveragePool",
                List.of(second),
                List.of(builder.exact("high")),
                ints("kernel_shape", last),
                ints("strides", last));
        Object[] lowDims = dims.clone();
        lowDims[1] = 5L;
        Object[] highDims = new Object[rank];
        highDims[0] = 1;
        highDims[1] = 7L;
        graph.addOutput(Graphs.floatValue("low", lowDims)).addOutput(Graphs.floatValue("high", highDims));
        return Graphs.model(graph.build());
    }

    private static StyleLossSpec spec(double temperature) {
        return new StyleLossSpec(
                List.of("high"),
                List.of("low", "high"),
                temperature == 0 ? OptionalDouble.empty() : OptionalDouble.of(temperature));
    }

    private static long[] small(int rank) {
        return rank == 3 ? new long[] {1, 6, 12} : new long[] {1, 3, 4, 6, 5};
    }

    private static long[] larger(long[] shape) {
        long[] larger = shape.clone();
        for (int axis = 2; axis < larger.length; axis++) {
            larger[axis] += 2;
        }
        return larger;
    }

    private Map<String, DoubleTensor> inputs(
            int rank, StyleLossSpec spec, DoubleTensor generated, DoubleTensor style, long[] contentShape)
            throws Exception {
        Map<String, DoubleTensor> inputs = new HashMap<>(targets(rank, spec, image(contentShape, 1), style));
        inputs.put("image", generated);
        WEIGHTS.forEach((name, weight) -> inputs.put(name, DoubleTensor.scalar(weight)));
        return inputs;
    }

    /** content_target_high of the content input and style_gram_* of the style input, from the targets graph. */
    private Map<String, DoubleTensor> targets(int rank, StyleLossSpec spec, DoubleTensor content, DoubleTensor style)
            throws Exception {
        ModelProto targets = StyleGraphs.targets(extractor(rank), spec);
        Map<String, DoubleTensor> result = new HashMap<>();
        GradientCheck.runOrt(targets, Map.of("image", content), Set.of("content_target_high"), temp)
                .forEach((name, tensor) -> result.put(name, DoubleTensor.of(tensor.data(), tensor.shape())));
        GradientCheck.runOrt(targets, Map.of("image", style), Set.of("style_gram_low", "style_gram_high"), temp)
                .forEach((name, tensor) -> result.put(name, DoubleTensor.of(tensor.data(), tensor.shape())));
        return result;
    }

    /** Values in 0..255 on a 0.5 grid, exact in float. */
    private static DoubleTensor image(long[] shape, long seed) {
        Random random = new Random(seed);
        double[] values = new double[(int) DoubleTensor.size(shape)];
        for (int index = 0; index < values.length; index++) {
            values[index] = random.nextInt(511) / 2.0;
        }
        return new DoubleTensor(values, shape);
    }

    /** The Gram matrix over every position (all frames, or the whole signal) divided by their count. */
    private static double[] normalisedGram(DoubleTensor a) {
        int channels = a.dim(1);
        int positions = a.data().length / channels;
        double[] gram = new double[channels * channels];
        for (int i = 0; i < channels; i++) {
            for (int j = 0; j < channels; j++) {
                for (int p = 0; p < positions; p++) {
                    gram[i * channels + j] += a.data()[i * positions + p] * a.data()[j * positions + p];
                }
                gram[i * channels + j] /= positions;
            }
        }
        return gram;
    }

    /** Squared differences of neighbours along every axis after the channels, over the element count. */
    private static double totalVariation(DoubleTensor x) {
        long[] strides = DoubleTensor.strides(x.shape());
        double sum = 0;
        for (int index = 0; index < x.data().length; index++) {
            for (int axis = 2; axis < x.rank(); axis++) {
                long coordinate = index / strides[axis] % x.shape()[axis];
                if (coordinate + 1 < x.shape()[axis]) {
                    sum += Math.pow(x.data()[(int) (index + strides[axis])] - x.data()[index], 2);
                }
            }
        }
        return sum / x.data().length;
    }

    private static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int index = 0; index < a.length; index++) {
            sum += (a[index] - b[index]) * (a[index] - b[index]);
        }
        return sum;
    }

    private static double value(Map<String, FloatTensor> outputs, String name) {
        return outputs.get(name).data()[0];
    }

    private static String conv(GraphBuilder b, String x, int in, int out, int size) {
        int spatial = b.graph().getInput(0).getType().getTensorType().getShape().getDimCount() - 2;
        return b.node(
                "Conv",
                List.of(x, weights(b, kernel(out, in, spatial, size))),
                "conv",
                ints("pads", filled(2 * spatial, size / 2)));
    }

    private static long[] kernel(long out, long in, int spatial, long size) {
        long[] shape = filled(spatial + 2, size);
        shape[0] = out;
        shape[1] = in;
        return shape;
    }

    private static long[] filled(int length, long value) {
        long[] values = new long[length];
        Arrays.fill(values, value);
        return values;
    }

    private static int power(int base, int exponent) {
        return (int) Math.pow(base, exponent);
    }

    /** Seeded by the weight's place among its graph's initializers: a case's weights are its own. */
    private static String weights(GraphBuilder b, long... dims) {
        return b.floats("w", uniform(new Random(b.graph().getInitializerCount()), (int) DoubleTensor.size(dims)), dims);
    }

    private static float[] uniform(Random random, int count) {
        float[] values = new float[count];
        for (int index = 0; index < count; index++) {
            values[index] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    private static float[] gaussian(Random random, long count, double deviation) {
        float[] values = new float[(int) count];
        for (int index = 0; index < count; index++) {
            values[index] = (float) (random.nextGaussian() * deviation);
        }
        return values;
    }
}
