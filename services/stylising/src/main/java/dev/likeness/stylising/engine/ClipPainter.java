package dev.likeness.stylising.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.likeness.core.onnx.FloatTensor;

/**
 * Style transfer for a clip, a volume of frames over time [1, 3, T, H, W], by optimisation. Every frame has
 * its own content cost and shares the style's Gram matrices; in the {@link Method#VOLUME} method a temporal
 * term ties each frame to the one before it,
 *
 * <pre>
 * J_temporal(G_t) = delta * sum(((G_t - G_{t-1}) - (C_t - C_{t-1}))^2) / (3 H W)
 * </pre>
 *
 * so consecutive painted frames differ as much as the content frames do (the 3-D generalisation of total
 * variation, along time and measured against the content's own change; no optical flow). The frames are
 * optimised in order, each warm-started from the previous result carried along the content's change,
 * {@code G_{t-1} + (C_t - C_{t-1})}, with the painted G_{t-1} fixed. {@link Method#PER_FRAME} paints every frame
 * on its own from its content (the baseline whose flicker the volume method is measured against).
 */
public final class ClipPainter {

    public enum Method {
        VOLUME,
        PER_FRAME
    }

    /** Called every {@code progressEvery} iterations of a frame and after its last one, on the job's thread. */
    public interface Listener {
        void progress(
                int frame,
                int frames,
                int iteration,
                int totalIterations,
                Optimiser.Evaluation evaluation,
                Raster current,
                long elapsedNanos);
    }

    public record Result(
            List<Raster> frames,
            int iterations,
            Optimiser.Evaluation first,
            Optimiser.Evaluation last,
            double finalCost,
            boolean cancelled) {}

    private final Gatys gatys;

    public ClipPainter(Gatys gatys) {
        this.gatys = gatys;
    }

    /**
     * Paints {@code content} (frames of one size, already at the output size) in the blended style of
     * {@code styles}. {@code settings.iterations()} is per frame; progress counts iterations over the whole
     * clip. {@code finalCost} is the sum over frames of each frame's last J.
     */
    public Result run(
            List<Raster> content,
            List<Raster> styles,
            float[] styleWeights,
            Gatys.Settings settings,
            double temporalWeight,
            Method method,
            Listener listener,
            BooleanSupplier cancelled) {
        long start = System.nanoTime();
        Map<String, FloatTensor> grams = gatys.blendedGrams(styles, styleWeights);
        int frames = content.size();
        int total = settings.iterations() * frames;
        List<Raster> painted = new ArrayList<>();
        Optimiser.Evaluation first = null;
        Optimiser.Evaluation last = null;
        double finalCost = 0;
        int done = 0;
        for (int t = 0; t < frames; t++) {
            Raster c = content.get(t);
            Optimiser.Objective objective = gatys.objective(c, grams, settings);
            Raster g;
            if (method == Method.VOLUME && t > 0) {
                Raster previous = painted.get(t - 1);
                float[] target = carried(previous, content.get(t - 1), c);
                objective = withTemporal(objective, target, temporalWeight);
                g = new Raster(c.width(), c.height(), target.clone());
                g.clamp();
            } else {
                g = settings.init() == Gatys.Init.CONTENT
                        ? c.copy()
                        : Gatys.noise(c.width(), c.height(), settings.seed());
            }
            Optimiser optimiser = settings.method() == Gatys.Method.ADAM
                    ? new Adam(settings.learningRate())
                    : new Lbfgs(settings.learningRate());
            Optimiser.Evaluation frameLast = null;
            for (int i = 0; i < settings.iterations(); i++) {
                if (cancelled.getAsBoolean()) {
                    painted.add(g);
                    return new Result(finished(painted), done, first, last, finalCost, true);
                }
                Optimiser.Evaluation evaluation = optimiser.step(g.data(), objective);
                if (!evaluation.finite()) {
                    throw new IllegalStateException("the loss became " + evaluation.cost() + " at frame " + t
                            + ", iteration " + (i + 1) + " (lower the learning rate or the weights)");
                }
                if (first == null) {
                    first = evaluation;
                }
                last = evaluation;
                frameLast = evaluation;
                done++;
                if ((i + 1) % settings.progressEvery() == 0 || i + 1 == settings.iterations()) {
                    listener.progress(t, frames, done, total, evaluation, g, System.nanoTime() - start);
                }
            }
            finalCost += frameLast == null ? 0 : frameLast.cost();
            Raster result = g.copy();
            result.clamp();
            painted.add(result);
        }
        return new Result(painted, done, first, last, finalCost, false);
    }

    private static List<Raster> finished(List<Raster> frames) {
        List<Raster> copies = new ArrayList<>();
        for (Raster frame : frames) {
            Raster copy = frame.copy();
            copy.clamp();
            copies.add(copy);
        }
        return copies;
    }

    /** G_{t-1} + (C_t - C_{t-1}): the previous painted frame moved as the content moved. */
    static float[] carried(Raster previousPainted, Raster previousContent, Raster content) {
        float[] target = new float[content.data().length];
        for (int i = 0; i < target.length; i++) {
            target[i] = previousPainted.data()[i]
                    + content.data()[i]
                    - previousContent.data()[i];
        }
        return target;
    }

    /** Adds delta * sum((G - target)^2) / n and its gradient 2 delta (G - target) / n to a frame's objective. */
    static Optimiser.Objective withTemporal(Optimiser.Objective frame, float[] target, double delta) {
        return x -> {
            Optimiser.Evaluation evaluation = frame.evaluate(x);
            float[] gradient = evaluation.gradient().clone();
            double sum = 0;
            double scale = 2 * delta / x.length;
            for (int i = 0; i < x.length; i++) {
                double difference = x[i] - target[i];
                sum += difference * difference;
                gradient[i] += (float) (scale * difference);
            }
            double temporal = delta * sum / x.length;
            return new Optimiser.Evaluation(
                    evaluation.cost() + temporal,
                    evaluation.contentCost(),
                    evaluation.styleCost(),
                    evaluation.tvCost(),
                    temporal,
                    gradient);
        };
    }

    /**
     * Flicker: the mean absolute difference of consecutive frames (0..255 per channel value), averaged over
     * the clip's frame pairs.
     */
    public static double meanFrameDifference(List<Raster> frames) {
        double sum = 0;
        for (int t = 1; t < frames.size(); t++) {
            float[] a = frames.get(t - 1).data();
            float[] b = frames.get(t).data();
            double frameSum = 0;
            for (int i = 0; i < a.length; i++) {
                frameSum += Math.abs(b[i] - a[i]);
            }
            sum += frameSum / a.length;
        }
        return frames.size() < 2 ? 0 : sum / (frames.size() - 1);
    }
}
