package dev.likeness.stylising.engine;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Limited-memory BFGS (two-loop recursion, {@value #HISTORY} pairs) with a backtracking Armijo line search
 * starting at step {@code learningRate} (the first step is scaled by 1/|g|_inf so it moves pixels by about
 * one grey level times the rate). Pixels are clamped to 0..255 after each step. One step costs one loss and
 * gradient evaluation when the first trial step is accepted (the usual case), more when it backtracks.
 */
public final class Lbfgs implements Optimiser {

    static final int HISTORY = 10;
    private static final int MAX_BACKTRACKS = 8;
    private static final double ARMIJO = 1e-4;

    private final double learningRate;
    private final Deque<Pair> pairs = new ArrayDeque<>();
    private Evaluation current;
    private int evaluations;

    public Lbfgs(double learningRate) {
        this.learningRate = learningRate;
    }

    public int evaluations() {
        return evaluations;
    }

    @Override
    public Evaluation step(float[] x, Objective objective) {
        if (current == null) {
            current = evaluate(objective, x);
            if (!current.finite()) {
                return current;
            }
        }
        float[] g = current.gradient();
        double[] direction = direction(g);
        double slope = dot(direction, g);
        if (slope >= 0) { // not a descent direction: forget the curvature and go down the gradient
            pairs.clear();
            direction = direction(g);
            slope = dot(direction, g);
        }
        double step = learningRate;
        if (pairs.isEmpty()) {
            double gMax = 0;
            for (float value : g) {
                gMax = Math.max(gMax, Math.abs(value));
            }
            step = gMax > 0 ? learningRate / gMax * 255 / 50 : learningRate;
        }
        float[] start = x.clone();
        Evaluation next = null;
        for (int attempt = 0; attempt <= MAX_BACKTRACKS; attempt++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (start[i] + step * direction[i]);
            }
            Optimiser.clamp(x);
            next = evaluate(objective, x);
            if (next.finite() && next.cost() <= current.cost() + ARMIJO * step * slope) {
                break;
            }
            step *= 0.5;
        }
        if (!next.finite() || next.cost() > current.cost()) {
            System.arraycopy(start, 0, x, 0, x.length); // no progress possible along this direction
            pairs.clear();
            return current;
        }
        float[] s = new float[x.length];
        float[] y = new float[x.length];
        double sy = 0;
        for (int i = 0; i < x.length; i++) {
            s[i] = x[i] - start[i];
            y[i] = next.gradient()[i] - g[i];
            sy += (double) s[i] * y[i];
        }
        if (sy > 1e-10) {
            pairs.addLast(new Pair(s, y, 1 / sy));
            if (pairs.size() > HISTORY) {
                pairs.removeFirst();
            }
        }
        current = next;
        return next;
    }

    private Evaluation evaluate(Objective objective, float[] x) {
        evaluations++;
        return objective.evaluate(x);
    }

    /** -H g by the two-loop recursion. */
    private double[] direction(float[] gradient) {
        double[] q = new double[gradient.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = gradient[i];
        }
        Pair[] history = pairs.toArray(new Pair[0]);
        double[] alphas = new double[history.length];
        for (int k = history.length - 1; k >= 0; k--) {
            alphas[k] = history[k].rho() * dot(q, history[k].s());
            axpy(-alphas[k], history[k].y(), q);
        }
        if (history.length > 0) {
            Pair last = history[history.length - 1];
            double gamma = 1 / (last.rho() * dot(last.y(), last.y()));
            for (int i = 0; i < q.length; i++) {
                q[i] *= gamma;
            }
        }
        for (int k = 0; k < history.length; k++) {
            double beta = history[k].rho() * dot(q, history[k].y());
            axpy(alphas[k] - beta, history[k].s(), q);
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = -q[i];
        }
        return q;
    }

    /** A curvature pair, stored as floats (half the memory: 10 pairs of a 1024 px picture are 250 MB). */
    private record Pair(float[] s, float[] y, double rho) {}

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    private static double dot(double[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, float[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }
}
