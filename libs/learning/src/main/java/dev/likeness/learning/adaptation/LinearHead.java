package dev.likeness.learning.adaptation;

import java.util.SplittableRandom;

/**
 * The adapter on top of the frozen embedding x (unit, D values): f(x) = (W x + b) / ||W x + b||, with W of
 * shape [K, D]. Starts as the identity when K = D (the adapted model then begins exactly where the base
 * model is), or as a random orthonormal projection when K < D (which keeps distances about as they were).
 */
public final class LinearHead {

    final int inputs;
    final int outputs;
    /** Row-major [outputs][inputs]. */
    final double[] weights;

    final double[] bias;

    LinearHead(int inputs, int outputs, double[] weights, double[] bias) {
        if (weights.length != inputs * outputs || bias.length != outputs) {
            throw new IllegalArgumentException("weights must be " + outputs + " x " + inputs);
        }
        this.inputs = inputs;
        this.outputs = outputs;
        this.weights = weights;
        this.bias = bias;
    }

    public static LinearHead initial(int inputs, int outputs, long seed) {
        if (outputs < 1 || outputs > inputs) {
            throw new IllegalArgumentException(
                    "the output dimension must be between 1 and " + inputs + ", got " + outputs);
        }
        double[] weights = new double[inputs * outputs];
        if (outputs == inputs) {
            for (int k = 0; k < outputs; k++) {
                weights[k * inputs + k] = 1;
            }
        } else {
            // Gaussian rows made orthonormal (Gram-Schmidt).
            SplittableRandom random = new SplittableRandom(seed);
            for (int k = 0; k < outputs; k++) {
                for (int j = 0; j < inputs; j++) {
                    weights[k * inputs + j] = gaussian(random);
                }
                for (int previous = 0; previous < k; previous++) {
                    double dot = 0;
                    for (int j = 0; j < inputs; j++) {
                        dot += weights[k * inputs + j] * weights[previous * inputs + j];
                    }
                    for (int j = 0; j < inputs; j++) {
                        weights[k * inputs + j] -= dot * weights[previous * inputs + j];
                    }
                }
                double norm = 0;
                for (int j = 0; j < inputs; j++) {
                    norm += weights[k * inputs + j] * weights[k * inputs + j];
                }
                norm = Math.sqrt(norm);
                for (int j = 0; j < inputs; j++) {
                    weights[k * inputs + j] /= norm;
                }
            }
        }
        return new LinearHead(inputs, outputs, weights, new double[outputs]);
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /** z = W x + b, before normalisation. */
    double[] linear(float[] x) {
        if (x.length != inputs) {
            throw new IllegalArgumentException("the head expects " + inputs + " values, got " + x.length);
        }
        double[] z = bias.clone();
        for (int k = 0; k < outputs; k++) {
            double sum = 0;
            int row = k * inputs;
            for (int j = 0; j < inputs; j++) {
                sum += weights[row + j] * x[j];
            }
            z[k] += sum;
        }
        return z;
    }

    /** f(x): the adapted unit embedding. */
    public float[] apply(float[] x) {
        double[] z = linear(x);
        double norm = norm(z);
        float[] f = new float[outputs];
        for (int k = 0; k < outputs; k++) {
            f[k] = (float) (z[k] / norm);
        }
        return f;
    }

    /** W^T as float [inputs][outputs] row-major: the ONNX MatMul's right operand for row vectors. */
    public float[] transposedWeights() {
        float[] transposed = new float[inputs * outputs];
        for (int k = 0; k < outputs; k++) {
            for (int j = 0; j < inputs; j++) {
                transposed[j * outputs + k] = (float) weights[k * inputs + j];
            }
        }
        return transposed;
    }

    public float[] biasValues() {
        float[] values = new float[outputs];
        for (int k = 0; k < outputs; k++) {
            values[k] = (float) bias[k];
        }
        return values;
    }

    LinearHead copy() {
        return new LinearHead(inputs, outputs, weights.clone(), bias.clone());
    }

    static double norm(double[] z) {
        double sum = 0;
        for (double v : z) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
