package dev.likeness.learning.adaptation;

import java.util.ArrayList;
import java.util.List;

/**
 * The seed's triplet loss on the head's outputs, L(A, P, N) = max(||f(A) - f(P)||^2 - ||f(A) - f(N)||^2 + margin, 0),
 * averaged over the triplets of a batch (J / number of triplets, so the step size does not depend on the
 * batch), with its gradient with respect to the head's W and b, derived by hand:
 *
 * <pre>
 * dL/df(A) = 2 (f(N) - f(P)),   dL/df(P) = -2 (f(A) - f(P)),   dL/df(N) = 2 (f(A) - f(N))   (when L > 0)
 * f = z / ||z||:   dL/dz = (dL/df - f (f . dL/df)) / ||z||
 * z = W x + b:     dL/dW = sum over photos of dL/dz x^T,   dL/db = sum of dL/dz
 * </pre>
 */
public final class TripletLoss {

    private TripletLoss() {}

    /** Indices into a batch: anchor, positive (same identity), negative (another identity). */
    public record Triplet(int anchor, int positive, int negative) {}

    /** The mean loss of the triplets and its gradient, shaped like the head's parameters. */
    public record Gradient(double loss, double activeFraction, double[] weights, double[] bias) {}

    /**
     * Semi-hard mining (FaceNet): for every anchor-positive pair of the batch, the negative closest to the
     * anchor that is still farther than the positive; when none is, the farthest negative (the easiest, so
     * that an unsolvable batch does not pull the embedding apart).
     *
     * @param f      the head's outputs for the batch
     * @param labels identity of each photo of the batch
     */
    public static List<Triplet> mineSemiHard(List<float[]> f, int[] labels) {
        int n = f.size();
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                d[i][j] = d[j][i] = squaredDistance(f.get(i), f.get(j));
            }
        }
        List<Triplet> triplets = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            for (int p = 0; p < n; p++) {
                if (p == a || labels[p] != labels[a]) {
                    continue;
                }
                int semiHard = -1, farthest = -1;
                for (int candidate = 0; candidate < n; candidate++) {
                    if (labels[candidate] == labels[a]) {
                        continue;
                    }
                    if (d[a][candidate] > d[a][p] && (semiHard < 0 || d[a][candidate] < d[a][semiHard])) {
                        semiHard = candidate;
                    }
                    if (farthest < 0 || d[a][candidate] > d[a][farthest]) {
                        farthest = candidate;
                    }
                }
                int negative = semiHard >= 0 ? semiHard : farthest;
                if (negative >= 0) {
                    triplets.add(new Triplet(a, p, negative));
                }
            }
        }
        return triplets;
    }

    /** The loss of given triplets at the head's current parameters, and its gradient. */
    public static Gradient of(LinearHead head, List<float[]> x, List<Triplet> triplets, double margin) {
        int n = x.size();
        int outputs = head.outputs;
        double[][] z = new double[n][];
        double[] norms = new double[n];
        double[][] f = new double[n][outputs];
        for (int i = 0; i < n; i++) {
            z[i] = head.linear(x.get(i));
            norms[i] = LinearHead.norm(z[i]);
            for (int k = 0; k < outputs; k++) {
                f[i][k] = z[i][k] / norms[i];
            }
        }
        double[][] gf = new double[n][outputs];
        double loss = 0;
        int active = 0;
        double scale = triplets.isEmpty() ? 0 : 1.0 / triplets.size();
        for (Triplet t : triplets) {
            double[] fa = f[t.anchor()], fp = f[t.positive()], fn = f[t.negative()];
            double l = squared(fa, fp) - squared(fa, fn) + margin;
            if (l <= 0) {
                continue;
            }
            loss += l * scale;
            active++;
            for (int k = 0; k < outputs; k++) {
                gf[t.anchor()][k] += 2 * (fn[k] - fp[k]) * scale;
                gf[t.positive()][k] += -2 * (fa[k] - fp[k]) * scale;
                gf[t.negative()][k] += 2 * (fa[k] - fn[k]) * scale;
            }
        }
        double[] gw = new double[outputs * head.inputs];
        double[] gb = new double[outputs];
        for (int i = 0; i < n; i++) {
            double projection = 0;
            for (int k = 0; k < outputs; k++) {
                projection += f[i][k] * gf[i][k];
            }
            float[] xi = x.get(i);
            for (int k = 0; k < outputs; k++) {
                double gz = (gf[i][k] - f[i][k] * projection) / norms[i];
                if (gz == 0) {
                    continue;
                }
                gb[k] += gz;
                int row = k * head.inputs;
                for (int j = 0; j < head.inputs; j++) {
                    gw[row + j] += gz * xi[j];
                }
            }
        }
        return new Gradient(loss, triplets.isEmpty() ? 0 : (double) active / triplets.size(), gw, gb);
    }

    /**
     * The mean loss over every triplet of a labelled set (every anchor-positive pair with every negative):
     * the figure training should lower, independent of mining and batches.
     */
    public static double meanOverAllTriplets(List<float[]> f, int[] labels, double margin) {
        int n = f.size();
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                d[i][j] = d[j][i] = squaredDistance(f.get(i), f.get(j));
            }
        }
        double sum = 0;
        long count = 0;
        for (int a = 0; a < n; a++) {
            for (int p = 0; p < n; p++) {
                if (p == a || labels[p] != labels[a]) {
                    continue;
                }
                for (int negative = 0; negative < n; negative++) {
                    if (labels[negative] != labels[a]) {
                        sum += Math.max(d[a][p] - d[a][negative] + margin, 0);
                        count++;
                    }
                }
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no triplet: need an identity with two photos and another identity");
        }
        return sum / count;
    }

    static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            double diff = a[k] - b[k];
            sum += diff * diff;
        }
        return sum;
    }

    private static double squared(double[] a, double[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            double diff = a[k] - b[k];
            sum += diff * diff;
        }
        return sum;
    }
}
