package dev.likeness.bench;

import java.util.Arrays;

/** Repeated timings of one thing: median, min and max after warm-up. */
public record Measurement(double[] seconds) {

    /** Runs {@code body} {@code warmUp} times unmeasured, then {@code runs} times measured. */
    public static Measurement of(int warmUp, int runs, Body body) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            body.run();
        }
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            body.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return new Measurement(seconds);
    }

    /**
     * Times two bodies alternately, run by run, so that load on a shared machine hits both alike and
     * their ratio stays meaningful.
     */
    public static Measurement[] interleaved(int warmUp, int runs, Body first, Body second) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            first.run();
            second.run();
        }
        double[][] seconds = new double[2][runs];
        Body[] bodies = { first, second };
        for (int i = 0; i < runs; i++) {
            for (int b = 0; b < 2; b++) {
                long start = System.nanoTime();
                bodies[b].run();
                seconds[b][i] = (System.nanoTime() - start) / 1e9;
            }
        }
        Arrays.sort(seconds[0]);
        Arrays.sort(seconds[1]);
        return new Measurement[] { new Measurement(seconds[0]), new Measurement(seconds[1]) };
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
