package dev.likeness.stylising.engine;

import static dev.likeness.onnx.tools.graph.Attributes.ints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.OnnxModels;
import dev.likeness.onnx.tools.grad.StyleGraphs;
import dev.likeness.onnx.tools.grad.StyleLossSpec;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;

/**
 * Style transfer for sound in the manner of Ulyanov and Lebedev (2016): the log-magnitude spectrogram is a
 * 1-D signal [1, bins, frames] whose frequency bins are the channels; one wide layer of random filters
 * (a 1-D convolution over time, {@code filters} filters of {@link #FILTER_WIDTH} frames, He-scaled Gaussian
 * weights from a fixed seed, then ReLU) is the extractor, and its activations give both the content cost and
 * the Gram style cost. The graphs are generated here by onnx-tools' rank-3 style graphs, so the gradient is
 * exact. The spectrogram is optimised on a 0..255 scale (log-magnitude times 255 over the content's largest
 * value) with the image optimisers, then turned back into sound by Griffin-Lim.
 */
public final class SoundPainter implements AutoCloseable {

    public static final int FILTER_WIDTH = 11;
    /**
     * Content and style are analysed at this peak level: the log-magnitude (so the Grams) depends on the level,
     * and the headroom keeps the result, whose level the optimisation decides, from peaking over full scale.
     */
    public static final float REFERENCE_PEAK = 0.25f;

    static final String FEATURES = "features";

    /** Everything that decides the sound; values already defaulted and validated. */
    public record Settings(
            double alpha,
            double beta,
            int iterations,
            Gatys.Method method,
            double learningRate,
            int progressEvery,
            int griffinLimIterations,
            long seed) {}

    /** Called every {@code progressEvery} iterations and after the last one, on the job's thread. */
    public interface Listener {
        void progress(
                int iteration,
                int totalIterations,
                Optimiser.Evaluation evaluation,
                Spectrogram current,
                long elapsedNanos);
    }

    /** The sound, and the three spectrograms (0..255 scale = log-magnitude times scale) for pictures. */
    public record Result(
            Sound sound,
            float scale,
            Spectrogram content,
            Spectrogram style,
            Spectrogram result,
            int iterations,
            Optimiser.Evaluation first,
            Optimiser.Evaluation last,
            boolean cancelled) {}

    /** A spectrogram on the optimisation's 0..255 scale, bin-major. */
    public record Spectrogram(float[] values, int bins, int frames) {}

    private final Spectrograms spectrograms;
    private final OnnxModel targets;
    private final OnnxModel gradient;

    /**
     * Generates the random-filter extractor's targets and gradient graphs into {@code folder} and opens them.
     *
     * @param window  STFT window in samples (a power of two); bins = window / 2 + 1 channels
     * @param filters the width of the random layer
     */
    public SoundPainter(int window, int filters, long seed, Path folder, InferenceOptions options) {
        this.spectrograms = new Spectrograms(window);
        ModelProto extractor = extractor(spectrograms.bins(), filters, seed);
        StyleLossSpec spec = new StyleLossSpec(List.of(FEATURES), List.of(FEATURES), OptionalDouble.empty());
        try {
            Files.createDirectories(folder);
            Path targetsFile = folder.resolve("sound_style_targets.onnx");
            Path gradientFile = folder.resolve("sound_style_grad.onnx");
            OnnxModels.write(StyleGraphs.targets(extractor, spec), targetsFile);
            OnnxModels.write(StyleGraphs.gradient(extractor, spec), gradientFile);
            this.targets = OnnxModel.open(targetsFile, options);
            this.gradient = OnnxModel.open(gradientFile, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** image [1, bins, frames] → Conv1d (filters x bins x 11, padded to keep the length) → ReLU = features. */
    static ModelProto extractor(int bins, int filters, long seed) {
        GraphProto.Builder graph =
                GraphProto.newBuilder().addInput(Graphs.floatValue(StyleGraphs.IMAGE, 1, bins, "frames"));
        GraphBuilder builder = new GraphBuilder(graph);
        SplittableRandom random = new SplittableRandom(seed);
        float[] weights = new float[filters * bins * FILTER_WIDTH];
        double deviation = Math.sqrt(2.0 / (bins * FILTER_WIDTH));
        for (int i = 0; i < weights.length; i++) {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            weights[i] = (float) (deviation * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
        }
        String convolved = builder.node(
                "Conv",
                List.of(StyleGraphs.IMAGE, builder.floats("random_filters", weights, filters, bins, FILTER_WIDTH)),
                "random_layer",
                ints("pads", FILTER_WIDTH / 2, FILTER_WIDTH / 2));
        builder.nodeWithOutputs("Relu", List.of(convolved), List.of(builder.exact(FEATURES)));
        graph.addOutput(Graphs.floatValue(FEATURES, 1, filters, "frames"));
        graph.setName("random_filters_" + filters + "x" + FILTER_WIDTH);
        return Graphs.model(graph.build());
    }

    @Override
    public void close() {
        targets.close();
        gradient.close();
    }

    public Spectrograms spectrograms() {
        return spectrograms;
    }

    /**
     * Both sounds must have the same sample rate; both are analysed at {@link #REFERENCE_PEAK}; the result has
     * the content's length and its loudness: the same RMS, unless that would peak over full scale (a texture
     * such as noise bursts has higher peaks for its RMS than a melody), then as loud as full scale allows.
     */
    public Result run(Sound original, Sound style, Settings settings, Listener listener, BooleanSupplier cancelled) {
        long start = System.nanoTime();
        Sound content = atReferenceLevel(original);
        style = atReferenceLevel(style);
        float scale = scaleOf(content);
        Spectrogram contentSpectrogram = spectrogram(content, scale);
        Spectrogram styleSpectrogram = spectrogram(style, scale);
        Map<String, FloatInput> fixed = new LinkedHashMap<>();
        fixed.put(
                StyleGraphs.contentTarget(FEATURES),
                input(targetsOf(contentSpectrogram).get(StyleGraphs.contentTarget(FEATURES))));
        fixed.put(StyleGraphs.styleGram(FEATURES), input(styleGram(styleSpectrogram)));
        fixed.put(StyleGraphs.ALPHA, scalar(settings.alpha()));
        fixed.put(StyleGraphs.BETA, scalar(settings.beta()));
        fixed.put(StyleGraphs.GAMMA, scalar(0));
        fixed.put(StyleGraphs.styleWeight(FEATURES), scalar(1));
        long[] shape = {1, contentSpectrogram.bins(), contentSpectrogram.frames()};
        Optimiser.Objective objective = x -> {
            Map<String, FloatInput> feed = new LinkedHashMap<>(fixed);
            feed.put(StyleGraphs.IMAGE, FloatInput.of(FloatBuffer.wrap(x), shape));
            Map<String, FloatTensor> out = gradient.run(feed);
            return new Optimiser.Evaluation(
                    out.get(StyleGraphs.J).data()[0],
                    settings.alpha() * out.get(StyleGraphs.J_CONTENT).data()[0],
                    settings.beta() * out.get(StyleGraphs.J_STYLE).data()[0],
                    0,
                    out.get(StyleGraphs.GRADIENT).data());
        };
        float[] x = contentSpectrogram.values().clone();
        Optimiser optimiser = settings.method() == Gatys.Method.ADAM
                ? new Adam(settings.learningRate())
                : new Lbfgs(settings.learningRate());
        Optimiser.Evaluation first = null;
        Optimiser.Evaluation last = null;
        int done = 0;
        boolean stopped = false;
        for (int i = 0; i < settings.iterations(); i++) {
            if (cancelled.getAsBoolean()) {
                stopped = true;
                break;
            }
            Optimiser.Evaluation evaluation = optimiser.step(x, objective);
            if (!evaluation.finite()) {
                throw new IllegalStateException("the loss became " + evaluation.cost() + " at iteration " + done
                        + " (lower the learning rate or the weights)");
            }
            first = first == null ? evaluation : first;
            last = evaluation;
            done++;
            if (done % settings.progressEvery() == 0 || done == settings.iterations()) {
                listener.progress(
                        done,
                        settings.iterations(),
                        evaluation,
                        new Spectrogram(x, contentSpectrogram.bins(), contentSpectrogram.frames()),
                        System.nanoTime() - start);
            }
        }
        Spectrogram result = new Spectrogram(x, contentSpectrogram.bins(), contentSpectrogram.frames());
        float[] logMagnitude = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            logMagnitude[i] = x[i] / scale;
        }
        float[] samples = spectrograms.griffinLim(
                logMagnitude, content.samples().length, settings.griffinLimIterations(), settings.seed());
        return new Result(
                new Sound(asLoudAs(samples, rms(original.samples())), content.sampleRate()),
                scale,
                contentSpectrogram,
                styleSpectrogram,
                result,
                done,
                first,
                last,
                stopped);
    }

    /** The style Gram matrix of a spectrogram (0..255 scale) of any length. */
    public FloatTensor styleGram(Spectrogram spectrogram) {
        return targetsOf(spectrogram).get(StyleGraphs.styleGram(FEATURES));
    }

    private Map<String, FloatTensor> targetsOf(Spectrogram spectrogram) {
        return targets.run(Map.of(StyleGraphs.IMAGE, FloatInput.of(FloatBuffer.wrap(spectrogram.values()), new long[] {
            1, spectrogram.bins(), spectrogram.frames()
        })));
    }

    /** The spectrogram of a sound on a run's 0..255 scale (log-magnitude times {@code scale}). */
    public Spectrogram spectrogram(Sound sound, float scale) {
        return scaled(spectrograms.logMagnitude(sound.samples()), scale);
    }

    /** The sound scaled to peak at {@link #REFERENCE_PEAK}. */
    public static Sound atReferenceLevel(Sound sound) {
        float peak = 0;
        for (float sample : sound.samples()) {
            peak = Math.max(peak, Math.abs(sample));
        }
        float[] scaled = sound.samples().clone();
        if (peak > 0) {
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= REFERENCE_PEAK / peak;
            }
        }
        return new Sound(scaled, sound.sampleRate());
    }

    /** Root mean square of the samples. */
    public static double rms(float[] samples) {
        double sum = 0;
        for (float sample : samples) {
            sum += sample * (double) sample;
        }
        return Math.sqrt(sum / Math.max(1, samples.length));
    }

    /** The samples scaled in place to the given RMS, or less where that would peak over 1 (silence stays). */
    private static float[] asLoudAs(float[] samples, double targetRms) {
        double current = rms(samples);
        float peak = 0;
        for (float sample : samples) {
            peak = Math.max(peak, Math.abs(sample));
        }
        if (current > 0) {
            double gain = Math.min(targetRms / current, 1 / peak);
            for (int i = 0; i < samples.length; i++) {
                samples[i] *= (float) gain;
            }
        }
        return samples;
    }

    /**
     * The scale of a run on this content: 255 over the largest log-magnitude of its spectrogram at the
     * reference level.
     */
    public float scaleOf(Sound content) {
        float largest = 1e-6f;
        for (float value : spectrograms.logMagnitude(atReferenceLevel(content).samples())) {
            largest = Math.max(largest, value);
        }
        return 255 / largest;
    }

    /**
     * Spectrograms side by side (e.g. content | style | result), 4 px apart, low frequencies at the bottom,
     * louder brighter (0..255 as grey levels, tinted warm), each {@code height} px high.
     */
    public static Raster picture(List<Spectrogram> spectrograms, int height) {
        int gap = 4;
        int width = -gap;
        for (Spectrogram spectrogram : spectrograms) {
            width += spectrogram.frames() + gap;
        }
        Raster picture = Raster.blank(width, height);
        float[] data = picture.data();
        int plane = width * height;
        Arrays.fill(data, 255);
        int left = 0;
        for (Spectrogram spectrogram : spectrograms) {
            for (int y = 0; y < height; y++) {
                int bin = (height - 1 - y) * (spectrogram.bins() - 1) / Math.max(1, height - 1);
                for (int frame = 0; frame < spectrogram.frames(); frame++) {
                    float value = spectrogram.values()[bin * spectrogram.frames() + frame];
                    int at = y * width + left + frame;
                    data[at] = value;
                    data[plane + at] = value * 0.8f;
                    data[2 * plane + at] = value * 0.5f;
                }
            }
            left += spectrogram.frames() + gap;
        }
        return picture;
    }

    private Spectrogram scaled(float[] logMagnitude, float scale) {
        float[] values = new float[logMagnitude.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.min(255, logMagnitude[i] * scale);
        }
        return new Spectrogram(values, spectrograms.bins(), values.length / spectrograms.bins());
    }

    private static FloatInput input(FloatTensor tensor) {
        return FloatInput.of(FloatBuffer.wrap(tensor.data()), tensor.shape());
    }

    private static FloatInput scalar(double value) {
        return FloatInput.of(FloatBuffer.wrap(new float[] {(float) value}), new long[0]);
    }
}
