package dev.likeness.stylising.engine;

/** Adam (Kingma and Ba) with the usual beta1 0.9, beta2 0.999, epsilon 1e-8; pixels clamped to 0..255. */
public final class Adam implements Optimiser {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final double learningRate;
    private float[] m;
    private float[] v;
    private int t;

    public Adam(double learningRate) {
        this.learningRate = learningRate;
    }

    @Override
    public Evaluation step(float[] x, Objective objective) {
        Evaluation at = objective.evaluate(x);
        if (!at.finite()) {
            return at;
        }
        if (m == null) {
            m = new float[x.length];
            v = new float[x.length];
        }
        t++;
        float[] g = at.gradient();
        double correction1 = 1 - Math.pow(BETA1, t);
        double correction2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < x.length; i++) {
            m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g[i]);
            v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g[i] * g[i]);
            double mHat = m[i] / correction1;
            double vHat = v[i] / correction2;
            x[i] -= (float) (learningRate * mHat / (Math.sqrt(vHat) + EPSILON));
        }
        Optimiser.clamp(x);
        return at;
    }
}
