package dev.likeness.core.calibration;

/** The calibrated probability that two faces are the same person. */
public interface SameProbability {

    /**
     * @param probe     unit embedding of the face asked about
     * @param reference unit embedding it is compared with
     * @param distance  ||probe - reference||^2
     */
    float probability(float[] probe, float[] reference, float distance);

    /** Where the parameters come from, for logs and the API. */
    String description();
}
