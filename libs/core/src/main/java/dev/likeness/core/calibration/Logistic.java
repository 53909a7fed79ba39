package dev.likeness.core.calibration;

/**
 * Binary logistic regression fitted by Newton's method (iteratively reweighted least squares), with an
 * L2 penalty that pulls the weights towards a prior instead of towards zero.
 */
public final class Logistic {

    private static final int MAX_ITERATIONS = 100;
    private static final double TOLERANCE = 1e-9;

    private Logistic() {}

    public static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** Weights and bias of p = sigmoid(bias + weights . x). */
    public record Model(double[] weights, double bias) {
        public double logit(double[] x) {
            double z = bias;
            for (int j = 0; j < weights.length; j++) {
                z += weights[j] * x[j];
            }
            return z;
        }
    }

    /**
     * Minimises mean log-loss + lambda/2 ||w - prior||^2 (the bias is not penalised).
     *
     * @param x      one row of features per example
     * @param y      the labels
     * @param start  where Newton's method starts; its weights are also the prior
     * @param lambda penalty strength; > 0 keeps a separable problem finite
     */
    public static Model fit(double[][] x, boolean[] y, Model start, double lambda) {
        int n = x.length;
        if (n == 0 || n != y.length) {
            throw new IllegalArgumentException("need as many labels as examples, and at least one");
        }
        int d = start.weights().length;
        double[] prior = start.weights().clone();
        // Parameters: weights then bias.
        double[] theta = new double[d + 1];
        System.arraycopy(prior, 0, theta, 0, d);
        theta[d] = start.bias();
        double loss = loss(x, y, theta, prior, lambda);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] gradient = new double[d + 1];
            double[][] hessian = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double p = sigmoid(logit(x[i], theta));
                double residual = p - (y[i] ? 1 : 0);
                double weight = Math.max(p * (1 - p), 1e-12);
                for (int a = 0; a <= d; a++) {
                    double xa = a < d ? x[i][a] : 1;
                    gradient[a] += residual * xa;
                    double wa = weight * xa;
                    double[] row = hessian[a];
                    for (int b = 0; b <= a; b++) {
                        row[b] += wa * (b < d ? x[i][b] : 1);
                    }
                }
            }
            for (int a = 0; a <= d; a++) {
                gradient[a] /= n;
                for (int b = 0; b <= a; b++) {
                    hessian[a][b] /= n;
                    hessian[b][a] = hessian[a][b];
                }
                if (a < d) {
                    gradient[a] += lambda * (theta[a] - prior[a]);
                    hessian[a][a] += lambda;
                }
                // A whisper of damping keeps the system solvable when a feature is constant.
                hessian[a][a] += 1e-10;
            }
            double[] step = Cholesky.solve(hessian, gradient);
            // Halve the Newton step until the loss does not increase.
            double scale = 1;
            double[] candidate = new double[d + 1];
            double candidateLoss;
            do {
                for (int a = 0; a <= d; a++) {
                    candidate[a] = theta[a] - scale * step[a];
                }
                candidateLoss = loss(x, y, candidate, prior, lambda);
                scale /= 2;
            } while (candidateLoss > loss && scale > 1e-6);
            if (candidateLoss > loss) {
                break;
            }
            theta = candidate.clone();
            boolean converged = loss - candidateLoss < TOLERANCE * Math.max(1, Math.abs(loss));
            loss = candidateLoss;
            if (converged) {
                break;
            }
        }
        double[] weights = new double[d];
        System.arraycopy(theta, 0, weights, 0, d);
        return new Model(weights, theta[d]);
    }

    private static double logit(double[] x, double[] theta) {
        int d = x.length;
        double z = theta[d];
        for (int j = 0; j < d; j++) {
            z += theta[j] * x[j];
        }
        return z;
    }

    private static double loss(double[][] x, boolean[] y, double[] theta, double[] prior, double lambda) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double z = logit(x[i], theta);
            // log(1 + e^-z) for a positive, log(1 + e^z) for a negative, computed without overflow.
            double margin = y[i] ? z : -z;
            sum += margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin));
        }
        double penalty = 0;
        for (int j = 0; j < prior.length; j++) {
            double diff = theta[j] - prior[j];
            penalty += diff * diff;
        }
        return sum / x.length + lambda / 2 * penalty;
    }
}
