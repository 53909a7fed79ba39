package dev.likeness.bench;

import java.util.Arrays;
import java.util.List;

import org.HdrHistogram.DoubleHistogram;

/** Repeated timings of one thing: median, min and max after warm-up. */
public record Measurement(double[] seconds) {

    /** Runs {@code body} {@code warmUp} times unmeasured, then {@code runs} times measured. */
    public static Measurement of(int warmUp, int runs, Body body) throws Exception {
        return interleaved(warmUp, runs, body)[0];
    }

    /**
     * Times the bodies one after the other, run by run, so that load on a shared machine hits them alike
     * and their ratios stay meaningful.
     */
    public static Measurement[] interleaved(int warmUp, int runs, Body... bodies) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            for (Body body : bodies) {
                body.run();
            }
        }
        double[][] seconds = new double[bodies.length][runs];
        for (int i = 0; i < runs; i++) {
            for (int b = 0; b < bodies.length; b++) {
                long start = System.nanoTime();
                bodies[b].run();
                seconds[b][i] = (System.nanoTime() - start) / 1e9;
            }
        }
        Measurement[] measured = new Measurement[bodies.length];
        for (int b = 0; b < bodies.length; b++) {
            measured[b] = new Measurement(sorted(seconds[b]));
        }
        return measured;
    }

    /** Measurements taken elsewhere (another process, a log). */
    public static Measurement ofSeconds(double... seconds) {
        return new Measurement(sorted(seconds.clone()));
    }

    /** All runs of several measurements of the same thing together. */
    public static Measurement merged(List<Measurement> parts) {
        return ofSeconds(
                parts.stream().flatMapToDouble(m -> Arrays.stream(m.seconds)).toArray());
    }

    /** Each run divided by {@code by} (seconds per image, per item). */
    public Measurement per(double by) {
        return new Measurement(Arrays.stream(seconds).map(s -> s / by).toArray());
    }

    private static double[] sorted(double[] values) {
        Arrays.sort(values);
        return values;
    }

    /** The value at a percentile, from an HdrHistogram of the runs (3 significant digits). */
    public double percentile(double percentile) {
        DoubleHistogram histogram = new DoubleHistogram(3);
        for (double value : seconds) {
            histogram.recordValue(value);
        }
        return histogram.getValueAtPercentile(percentile);
    }

    public double median() {
        int n = seconds.length;
        return n % 2 == 1 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
    }

    public double min() {
        return seconds[0];
    }

    public double max() {
        return seconds[seconds.length - 1];
    }

    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }
}
