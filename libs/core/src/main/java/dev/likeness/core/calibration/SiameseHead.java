package dev.likeness.core.calibration;

/**
 * The learned head: p = sigmoid(sum_k w_k |f1_k - f2_k| + b), one weight per embedding dimension, fitted
 * by logistic regression on labelled pairs of one embedding model.
 */
public record SiameseHead(ModelKey model, float[] weights, float bias, HeadReport report) implements SameProbability {

    @Override
    public float probability(float[] probe, float[] reference, float distance) {
        return (float) Logistic.sigmoid(logit(probe, reference));
    }

    public double logit(float[] a, float[] b) {
        if (a.length != weights.length || b.length != weights.length) {
            throw new IllegalArgumentException("the head expects " + weights.length + " dimensions");
        }
        double sum = bias;
        for (int k = 0; k < weights.length; k++) {
            sum += weights[k] * Math.abs(a[k] - b[k]);
        }
        return sum;
    }

    @Override
    public String description() {
        return "learned head for " + model + " (" + report.trainPairs() + " training pairs, AUC " + report.headAuc()
                + ")";
    }
}
