package dev.likeness.learning.adaptation;

/** Adam (Kingma and Ba) on the head's parameters, in place. */
final class Adam {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final LinearHead head;
    private final double learningRate;
    private final double[] mW, vW, mB, vB;
    private int steps;

    Adam(LinearHead head, double learningRate) {
        this.head = head;
        this.learningRate = learningRate;
        this.mW = new double[head.weights.length];
        this.vW = new double[head.weights.length];
        this.mB = new double[head.bias.length];
        this.vB = new double[head.bias.length];
    }

    void step(TripletLoss.Gradient gradient) {
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        update(head.weights, gradient.weights(), mW, vW, correction1, correction2);
        update(head.bias, gradient.bias(), mB, vB, correction1, correction2);
    }

    private void update(
            double[] parameters, double[] gradient, double[] m, double[] v, double correction1, double correction2) {
        for (int i = 0; i < parameters.length; i++) {
            m[i] = BETA1 * m[i] + (1 - BETA1) * gradient[i];
            v[i] = BETA2 * v[i] + (1 - BETA2) * gradient[i] * gradient[i];
            parameters[i] -= learningRate * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + EPSILON);
        }
    }
}
