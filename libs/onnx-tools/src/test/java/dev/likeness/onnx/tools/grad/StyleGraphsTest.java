package dev.likeness.onnx.tools.grad;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;

/**
 * The generated targets and gradient graphs on a small random extractor (Conv, Relu, MaxPool; two layers):
 * the loss follows the documented formulas, the targets of an image give it zero loss, and the gradient
 * matches float64 finite differences, with and without SWAG smoothing.
 */
class StyleGraphsTest {

    private static final int HEIGHT = 12;
    private static final int WIDTH = 10;
    private static final Map<String, Float> WEIGHTS =
            Map.of("alpha", 0.7f, "beta", 1.3f, "gamma", 0.02f, "lambda_low", 0.4f, "lambda_high", 2f);

    @TempDir
    Path temp;

    @ParameterizedTest(name = "smoothing temperature {0} (0 = off)")
    @ValueSource(doubles = {0, 3})
    void gradientMatchesFiniteDifferences(double temperature) throws Exception {
        ModelProto gradient = StyleGraphs.gradient(extractor(), spec(temperature));
        // A style image of another size: the normalised Grams compare across sizes.
        Map<String, DoubleTensor> inputs =
                inputs(spec(temperature), image(HEIGHT, WIDTH, 3), image(HEIGHT + 4, WIDTH + 6, 2));

        GradientCheck.Report report =
                GradientCheck.checkEveryCoordinate(gradient, inputs, "image", "J", "grad_image", 1e-3, temp);

        System.out.printf("style loss, smoothing %s: %s%n", temperature, report);
        assertThat(report.maxRelativeError()).isLessThan(1e-3);
        assertThat(report.maxSmallError()).isLessThan(1e-3);
        assertThat(report.lossError()).isLessThan(1e-5);
    }

    @ParameterizedTest(name = "smoothing temperature {0} (0 = off)")
    @ValueSource(doubles = {0, 3})
    void lossFollowsTheDocumentedFormulas(double temperature) throws Exception {
        ModelProto gradient = StyleGraphs.gradient(extractor(), spec(temperature));
        DoubleTensor generated = image(HEIGHT, WIDTH, 3);
        DoubleTensor content = image(HEIGHT, WIDTH, 1);
        DoubleTensor style = image(HEIGHT, WIDTH, 2);
        Map<String, DoubleTensor> inputs = inputs(spec(temperature), generated, style);

        Map<String, FloatTensor> outputs =
                GradientCheck.runOrt(gradient, inputs, Set.of("J", "J_content", "J_style", "J_tv"), temp);

        ReferenceEvaluator layers = new ReferenceEvaluator(extractor().getGraph());
        Map<String, DoubleTensor> a = layers.run(Map.of("image", generated), Set.of("low", "high"));
        Map<String, DoubleTensor> c = layers.run(Map.of("image", content), Set.of("high"));
        Map<String, DoubleTensor> s = layers.run(Map.of("image", style), Set.of("low", "high"));
        double contentLoss = squaredDistance(smooth(a.get("high"), temperature), smooth(c.get("high"), temperature))
                / (4.0 * a.get("high").data().length);
        double styleLoss = 0;
        for (String layer : List.of("low", "high")) {
            DoubleTensor generatedLayer = smooth(a.get(layer), temperature);
            long channels = generatedLayer.shape()[1];
            long positions = generatedLayer.data().length / channels;
            // Gatys et al.: unnormalised Grams, 1 / (4 n_C^2 (n_H n_W)^2).
            double term = squaredDistance(gram(generatedLayer), gram(smooth(s.get(layer), temperature)))
                    / (4.0 * channels * channels * positions * positions);
            styleLoss += WEIGHTS.get("lambda_" + layer) * term;
        }
        double tv = totalVariation(generated);

        assertThat(value(outputs, "J_content")).isCloseTo(contentLoss, within(1e-4 * contentLoss));
        assertThat(value(outputs, "J_style")).isCloseTo(styleLoss, within(1e-4 * styleLoss));
        assertThat(value(outputs, "J_tv")).isCloseTo(tv, within(1e-4 * tv));
        double total = WEIGHTS.get("alpha") * contentLoss + WEIGHTS.get("beta") * styleLoss + WEIGHTS.get("gamma") * tv;
        assertThat(value(outputs, "J")).isCloseTo(total, within(1e-4 * total));
    }

    @ParameterizedTest(name = "smoothing temperature {0} (0 = off)")
    @ValueSource(doubles = {0, 3})
    void theTargetsOfAnImageGiveItZeroLoss(double temperature) throws Exception {
        StyleLossSpec spec = spec(temperature);
        DoubleTensor picture = image(HEIGHT, WIDTH, 9);
        Map<String, DoubleTensor> inputs = new HashMap<>(targets(spec, picture, picture));
        inputs.put("image", picture);
        WEIGHTS.forEach((name, weight) -> inputs.put(name, DoubleTensor.scalar(weight)));
        inputs.put("gamma", DoubleTensor.scalar(0));

        Map<String, FloatTensor> outputs =
                GradientCheck.runOrt(StyleGraphs.gradient(extractor(), spec), inputs, Set.of("J", "grad_image"), temp);

        assertThat(outputs.get("J").data()[0]).isCloseTo(0f, within(1e-9f));
        for (float value : outputs.get("grad_image").data()) {
            assertThat(value).isCloseTo(0f, within(1e-9f));
        }
    }

    private Map<String, DoubleTensor> inputs(StyleLossSpec spec, DoubleTensor generated, DoubleTensor style)
            throws Exception {
        Map<String, DoubleTensor> inputs = new HashMap<>(targets(spec, image(HEIGHT, WIDTH, 1), style));
        inputs.put("image", generated);
        WEIGHTS.forEach((name, weight) -> inputs.put(name, DoubleTensor.scalar(weight)));
        return inputs;
    }

    /** content_target_* of the content image and style_gram_* of the style image, from the targets graph. */
    private Map<String, DoubleTensor> targets(StyleLossSpec spec, DoubleTensor content, DoubleTensor style)
            throws Exception {
        ModelProto targets = StyleGraphs.targets(extractor(), spec);
        Map<String, DoubleTensor> result = new HashMap<>();
        GradientCheck.runOrt(targets, Map.of("image", content), Set.of("content_target_high"), temp)
                .forEach((name, tensor) -> result.put(name, DoubleTensor.of(tensor.data(), tensor.shape())));
        GradientCheck.runOrt(targets, Map.of("image", style), Set.of("style_gram_low", "style_gram_high"), temp)
                .forEach((name, tensor) -> result.put(name, DoubleTensor.of(tensor.data(), tensor.shape())));
        return result;
    }

    private static StyleLossSpec spec(double temperature) {
        return new StyleLossSpec(
                List.of("high"),
                List.of("low", "high"),
                temperature == 0 ? OptionalDouble.empty() : OptionalDouble.of(temperature));
    }

    /** image [1,3,H,W] → Conv 3x3 → Relu = low → MaxPool 2x2 → Conv 3x3 → Relu = high. */
    private static ModelProto extractor() {
        GraphProto.Builder graph = GraphProto.newBuilder().addInput(Graphs.floatValue("image", 1, 3, "H", "W"));
        GraphBuilder builder = new GraphBuilder(graph);
        Random random = new Random(11);
        String low = builder.nodeWithOutputs(
                        "Relu",
                        List.of(builder.node(
                                "Conv",
                                List.of(
                                        "image",
                                        builder.floats("w1", gaussian(random, 6 * 3 * 9, 0.02), 6, 3, 3, 3),
                                        builder.floats("b1", gaussian(random, 6, 1), 6)),
                                "c1",
                                ints("pads", 1, 1, 1, 1))),
                        List.of(builder.exact("low")))
                .get(0);
        String pooled =
                builder.node("MaxPool", List.of(low), "pooled", ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        builder.nodeWithOutputs(
                "Relu",
                List.of(builder.node(
                        "Conv",
                        List.of(
                                pooled,
                                builder.floats("w2", gaussian(random, 8 * 6 * 9, 0.2), 8, 6, 3, 3),
                                builder.floats("b2", gaussian(random, 8, 1), 8)),
                        "c2",
                        ints("pads", 1, 1, 1, 1))),
                List.of(builder.exact("high")));
        graph.addOutput(Graphs.floatValue("low", 1, 6, "H", "W"))
                .addOutput(Graphs.floatValue("high", 1, 8, null, null));
        return Graphs.model(graph.build());
    }

    /** Pixel values in 0..255 on a 0.5 grid, exact in float. */
    private static DoubleTensor image(int height, int width, long seed) {
        Random random = new Random(seed);
        double[] values = new double[3 * height * width];
        for (int index = 0; index < values.length; index++) {
            values[index] = random.nextInt(511) / 2.0;
        }
        return new DoubleTensor(values, new long[] {1, 3, height, width});
    }

    private static float[] gaussian(Random random, int count, double deviation) {
        float[] values = new float[count];
        for (int index = 0; index < count; index++) {
            values[index] = (float) (random.nextGaussian() * deviation);
        }
        return values;
    }

    private static double value(Map<String, FloatTensor> outputs, String name) {
        return outputs.get(name).data()[0];
    }

    /** C * softmax(a / T) over the C channels at each position; the identity when T = 0 (smoothing off). */
    private static DoubleTensor smooth(DoubleTensor a, double temperature) {
        if (temperature == 0) {
            return a;
        }
        int channels = a.dim(1);
        int positions = a.data().length / channels;
        double[] smoothed = new double[a.data().length];
        for (int p = 0; p < positions; p++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < channels; c++) {
                max = Math.max(max, a.data()[c * positions + p]);
            }
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += Math.exp((a.data()[c * positions + p] - max) / temperature);
            }
            for (int c = 0; c < channels; c++) {
                smoothed[c * positions + p] =
                        channels * Math.exp((a.data()[c * positions + p] - max) / temperature) / sum;
            }
        }
        return new DoubleTensor(smoothed, a.shape());
    }

    private static double[][] gram(DoubleTensor a) {
        int channels = a.dim(1);
        int positions = a.data().length / channels;
        double[][] gram = new double[channels][channels];
        for (int i = 0; i < channels; i++) {
            for (int j = 0; j < channels; j++) {
                for (int p = 0; p < positions; p++) {
                    gram[i][j] += a.data()[i * positions + p] * a.data()[j * positions + p];
                }
            }
        }
        return gram;
    }

    private static double squaredDistance(double[][] a, double[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                sum += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
            }
        }
        return sum;
    }

    private static double squaredDistance(DoubleTensor a, DoubleTensor b) {
        double sum = 0;
        for (int index = 0; index < a.data().length; index++) {
            sum += (a.data()[index] - b.data()[index]) * (a.data()[index] - b.data()[index]);
        }
        return sum;
    }

    private static double totalVariation(DoubleTensor image) {
        int height = image.dim(2);
        int width = image.dim(3);
        double sum = 0;
        for (int channel = 0; channel < 3; channel++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double here = image.data()[(channel * height + y) * width + x];
                    if (x + 1 < width) {
                        sum += Math.pow(image.data()[(channel * height + y) * width + x + 1] - here, 2);
                    }
                    if (y + 1 < height) {
                        sum += Math.pow(image.data()[(channel * height + y + 1) * width + x] - here, 2);
                    }
                }
            }
        }
        return sum / (3.0 * height * width);
    }
}
