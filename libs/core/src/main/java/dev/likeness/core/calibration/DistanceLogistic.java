package dev.likeness.core.calibration;

/** p = sigmoid(intercept + slope * d): Platt scaling of the squared distance (slope < 0). */
public record DistanceLogistic(double intercept, double slope) implements SameProbability {

    @Override
    public float probability(float[] probe, float[] reference, float distance) {
        return (float) Logistic.sigmoid(intercept + slope * distance);
    }

    @Override
    public String description() {
        return "logistic on distance (intercept " + intercept + ", slope " + slope + ")";
    }
}
