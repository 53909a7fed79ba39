package dev.likeness.stylising.engine;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.OnnxModel;

/**
 * Neural style transfer by optimisation (Gatys et al.): gradient descent on the pixels of the generated image G
 * to minimise J(G) = alpha J_content(C, G) + beta J_style(S, G) + gamma TV(G), with the loss and its gradient
 * computed by a generated ONNX graph (see docs/stylising.md) and the targets (content activations, style Gram
 * matrices) by a second one. Thread-safe: each call runs its own job; ONNX Runtime sessions are shared.
 */
public final class Gatys implements AutoCloseable {

    public static final String IMAGE = "image";
    public static final String CONTENT_TARGET = "content_target_";
    public static final String STYLE_GRAM = "style_gram_";
    public static final String LAMBDA = "lambda_";

    public enum Method {
        ADAM,
        LBFGS
    }

    public enum Init {
        CONTENT,
        NOISE
    }

    /** Everything that decides the picture; all values already defaulted and validated. */
    public record Settings(
            double alpha,
            double beta,
            double gamma,
            Map<String, Float> lambdas,
            int iterations,
            Method method,
            double learningRate,
            Init init,
            long seed,
            boolean preserveColour,
            int scales,
            int progressEvery) {}

    /** Called every {@code progressEvery} iterations and after the last one, on the job's thread. */
    public interface Listener {
        void progress(
                int iteration, int totalIterations, Optimiser.Evaluation evaluation, Raster current, long elapsedNanos);
    }

    public record Result(
            Raster image, int iterations, Optimiser.Evaluation first, Optimiser.Evaluation last, boolean cancelled) {}

    private final OnnxModel targets;
    private final OnnxModel gradient;
    private final String contentLayer;
    private final List<String> styleLayers = new ArrayList<>();

    public Gatys(OnnxModel targets, OnnxModel gradient) {
        this.targets = targets;
        this.gradient = gradient;
        String content = null;
        for (String input : gradient.inputs().keySet()) {
            if (input.startsWith(CONTENT_TARGET)) {
                content = input.substring(CONTENT_TARGET.length());
            } else if (input.startsWith(STYLE_GRAM)) {
                styleLayers.add(input.substring(STYLE_GRAM.length()));
            }
        }
        if (content == null || styleLayers.isEmpty()) {
            throw new IllegalArgumentException(gradient.path().getFileName() + " is not a style loss graph: inputs "
                    + gradient.inputs().keySet());
        }
        this.contentLayer = content;
    }

    @Override
    public void close() {
        targets.close();
        gradient.close();
    }

    public OnnxModel gradientModel() {
        return gradient;
    }

    public OnnxModel targetsModel() {
        return targets;
    }

    public String contentLayer() {
        return contentLayer;
    }

    public List<String> styleLayers() {
        return List.copyOf(styleLayers);
    }

    /** The content target and Gram matrices of one image, by the loss graph's input names. */
    public Map<String, FloatTensor> targetsOf(Raster image) {
        return targets.run(Map.of(IMAGE, FloatInput.of(FloatBuffer.wrap(image.data()), image.shape())));
    }

    /** The weighted mean of the styles' Gram matrices (weights normalised to sum 1). */
    public Map<String, FloatTensor> blendedGrams(List<Raster> styles, float[] weights) {
        double total = 0;
        for (float weight : weights) {
            total += weight;
        }
        Map<String, float[]> sums = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (int s = 0; s < styles.size(); s++) {
            double share = weights[s] / total;
            for (Map.Entry<String, FloatTensor> entry : targetsOf(styles.get(s)).entrySet()) {
                if (!entry.getKey().startsWith(STYLE_GRAM)) {
                    continue;
                }
                float[] data = entry.getValue().data();
                float[] sum = sums.computeIfAbsent(entry.getKey(), k -> new float[data.length]);
                shapes.put(entry.getKey(), entry.getValue().shape());
                for (int i = 0; i < data.length; i++) {
                    sum[i] += (float) (share * data[i]);
                }
            }
        }
        Map<String, FloatTensor> grams = new LinkedHashMap<>();
        sums.forEach((name, data) -> grams.put(name, new FloatTensor(data, shapes.get(name))));
        return grams;
    }

    /** One raw loss + gradient evaluation at G (for benchmarks and tests). */
    public Optimiser.Evaluation evaluate(
            Raster g, Map<String, FloatTensor> contentTargets, Map<String, FloatTensor> grams, Settings settings) {
        return objective(g.width(), g.height(), contentTargets, grams, settings).evaluate(g.data());
    }

    /** J over one picture G painted from {@code content} (at G's size) with the given style Gram matrices. */
    public Optimiser.Objective objective(Raster content, Map<String, FloatTensor> grams, Settings settings) {
        Map<String, FloatTensor> contentTargets = new LinkedHashMap<>();
        targetsOf(content).forEach((name, tensor) -> {
            if (name.startsWith(CONTENT_TARGET)) {
                contentTargets.put(name, tensor);
            }
        });
        return objective(content.width(), content.height(), contentTargets, grams, settings);
    }

    /**
     * Paints {@code content} (already at the output size) in the blended style of {@code styles} (already at
     * the scale they should be seen at, relative to the full-size output). With {@code preserveColour} only the
     * luminance is painted (Gatys et al. 2016, "Preserving color in neural artistic style transfer"): content
     * and styles become grey luminance pictures, the styles' luminance matched to the content's mean and
     * deviation, G is optimised as one luminance plane, and the result takes the content's chroma.
     */
    public Result run(
            Raster content,
            List<Raster> styles,
            float[] styleWeights,
            Settings settings,
            Listener listener,
            BooleanSupplier cancelled) {
        long start = System.nanoTime();
        boolean luminanceOnly = settings.preserveColour();
        Raster painted = luminanceOnly ? Raster.grey(content.width(), content.height(), content.luminance()) : content;
        List<Raster> styleSources = luminanceOnly ? luminanceMatched(styles, content.luminance()) : styles;
        int scales = Math.max(1, settings.scales());
        int total = settings.iterations() * scales;
        int done = 0;
        Raster g = null;
        Optimiser.Evaluation first = null;
        Optimiser.Evaluation last = null;
        for (int scale = scales - 1; scale >= 0; scale--) {
            int width = Math.max(16, content.width() >> scale);
            int height = Math.max(16, content.height() >> scale);
            Raster c = scale == 0 ? painted : painted.resized(width, height);
            List<Raster> s = styleSources;
            if (scale > 0) {
                int shift = scale;
                s = styleSources.stream()
                        .map(style -> style.resized(
                                Math.max(16, style.width() >> shift), Math.max(16, style.height() >> shift)))
                        .toList();
            }
            if (g == null) {
                g = settings.init() == Init.CONTENT ? c.copy() : noise(width, height, settings.seed());
                if (luminanceOnly) {
                    g = Raster.grey(width, height, g.luminance());
                }
            } else {
                g = g.resized(width, height);
            }
            Raster colours = !luminanceOnly ? null : scale == 0 ? content : content.resized(width, height);
            Map<String, FloatTensor> contentTargets = new LinkedHashMap<>();
            targetsOf(c).forEach((name, tensor) -> {
                if (name.startsWith(CONTENT_TARGET)) {
                    contentTargets.put(name, tensor);
                }
            });
            Map<String, FloatTensor> grams = blendedGrams(s, styleWeights);
            Optimiser.Objective objective = objective(width, height, contentTargets, grams, settings);
            float[] x = g.data();
            if (luminanceOnly) {
                x = g.luminance();
                objective = onLuminance(objective, g.plane());
            }
            Optimiser optimiser = settings.method() == Method.ADAM
                    ? new Adam(settings.learningRate())
                    : new Lbfgs(settings.learningRate());
            for (int i = 0; i < settings.iterations(); i++) {
                if (cancelled.getAsBoolean()) {
                    return new Result(finish(g, content, settings), done, first, last, true);
                }
                Optimiser.Evaluation evaluation = optimiser.step(x, objective);
                if (luminanceOnly) {
                    g = Raster.grey(width, height, x);
                }
                if (!evaluation.finite()) {
                    throw new IllegalStateException("the loss became " + evaluation.cost() + " at iteration " + done
                            + " (lower the learning rate or the weights)");
                }
                if (first == null) {
                    first = evaluation;
                }
                last = evaluation;
                done++;
                if (done % settings.progressEvery() == 0 || done == total) {
                    listener.progress(
                            done,
                            total,
                            evaluation,
                            luminanceOnly ? g.withColoursOf(colours) : g,
                            System.nanoTime() - start);
                }
            }
        }
        return new Result(finish(g, content, settings), done, first, last, false);
    }

    private static Raster finish(Raster g, Raster content, Settings settings) {
        Raster image = g.width() == content.width() && g.height() == content.height()
                ? g.copy()
                : g.resized(content.width(), content.height());
        image.clamp();
        return settings.preserveColour() ? image.withColoursOf(content) : image;
    }

    /** Grey styles whose luminance has the content's mean and standard deviation (Gatys et al.'s matching). */
    private static List<Raster> luminanceMatched(List<Raster> styles, float[] contentLuminance) {
        double[] target = meanAndDeviation(contentLuminance);
        List<Raster> matched = new ArrayList<>();
        for (Raster style : styles) {
            float[] y = style.luminance();
            double[] own = meanAndDeviation(y);
            double scale = own[1] > 0 ? target[1] / own[1] : 1;
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) ((y[i] - own[0]) * scale + target[0]);
            }
            Raster grey = Raster.grey(style.width(), style.height(), y);
            grey.clamp();
            matched.add(grey);
        }
        return matched;
    }

    private static double[] meanAndDeviation(float[] values) {
        double sum = 0;
        double squares = 0;
        for (float value : values) {
            sum += value;
            squares += (double) value * value;
        }
        double mean = sum / values.length;
        return new double[] {mean, Math.sqrt(Math.max(0, squares / values.length - mean * mean))};
    }

    /** The objective over one luminance plane y, fed to the network as the grey picture (y, y, y): dJ/dy = sum over channels. */
    private static Optimiser.Objective onLuminance(Optimiser.Objective rgb, int plane) {
        return y -> {
            float[] x = new float[3 * plane];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(y, 0, x, c * plane, plane);
            }
            Optimiser.Evaluation evaluation = rgb.evaluate(x);
            float[] gradient = evaluation.gradient();
            float[] summed = new float[plane];
            for (int i = 0; i < plane; i++) {
                summed[i] = gradient[i] + gradient[plane + i] + gradient[2 * plane + i];
            }
            return new Optimiser.Evaluation(
                    evaluation.cost(), evaluation.contentCost(), evaluation.styleCost(), evaluation.tvCost(), summed);
        };
    }

    private Optimiser.Objective objective(
            int width,
            int height,
            Map<String, FloatTensor> contentTargets,
            Map<String, FloatTensor> grams,
            Settings settings) {
        Map<String, FloatInput> fixed = new LinkedHashMap<>();
        contentTargets.forEach((name, tensor) -> fixed.put(name, input(tensor)));
        grams.forEach((name, tensor) -> fixed.put(name, input(tensor)));
        fixed.put("alpha", scalar(settings.alpha()));
        fixed.put("beta", scalar(settings.beta()));
        fixed.put("gamma", scalar(settings.gamma()));
        for (String layer : styleLayers) {
            fixed.put(LAMBDA + layer, scalar(settings.lambdas().getOrDefault(layer, 1f)));
        }
        long[] shape = {1, 3, height, width};
        return x -> {
            Map<String, FloatInput> feed = new LinkedHashMap<>(fixed);
            feed.put(IMAGE, FloatInput.of(FloatBuffer.wrap(x), shape));
            Map<String, FloatTensor> out = gradient.run(feed);
            return new Optimiser.Evaluation(
                    out.get("J").data()[0],
                    settings.alpha() * out.get("J_content").data()[0],
                    settings.beta() * out.get("J_style").data()[0],
                    settings.gamma() * out.get("J_tv").data()[0],
                    out.get("grad_image").data());
        };
    }

    private static FloatInput input(FloatTensor tensor) {
        return FloatInput.of(FloatBuffer.wrap(tensor.data()), tensor.shape());
    }

    private static FloatInput scalar(double value) {
        return FloatInput.of(FloatBuffer.wrap(new float[] {(float) value}), new long[0]);
    }

    /** Seeded Gaussian noise around mid-grey (sigma 50), clamped to 0..255: the same seed, the same start. */
    static Raster noise(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Raster raster = Raster.blank(width, height);
        float[] data = raster.data();
        for (int i = 0; i < data.length; i++) {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            double gaussian = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
            data[i] = (float) (128 + 50 * gaussian);
        }
        raster.clamp();
        return raster;
    }
}
