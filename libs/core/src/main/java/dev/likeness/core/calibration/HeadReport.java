package dev.likeness.core.calibration;

import java.util.Locale;

/**
 * What a fit measured on its evaluation pairs: how well the head and the raw distance separate same from
 * different pairs, and the operating points at the chosen false-accept rate.
 *
 * @param distanceThreshold tau: "same" when ||f1 - f2||^2 <= tau, at the target false-accept rate
 * @param headThreshold     the head's probability threshold at the same false-accept rate
 */
public record HeadReport(
        int trainPairs,
        int evaluationPairs,
        double lambda,
        double headAuc,
        double distanceAuc,
        double targetFalseAcceptRate,
        double headThreshold,
        double headFalseAcceptRate,
        double headFalseRejectRate,
        double distanceThreshold,
        double distanceFalseAcceptRate,
        double distanceFalseRejectRate,
        double distanceIntercept,
        double distanceSlope) {

    public String summary() {
        return String.format(
                Locale.ROOT,
                "pairs: %d training, %d evaluation (lambda %.3g)%n"
                        + "ROC AUC: head %.4f, raw distance %.4f%n"
                        + "at FAR <= %.4f: head p >= %.4f (FAR %.4f, FRR %.4f); distance d <= %.4f (FAR %.4f, FRR %.4f)%n"
                        + "logistic on distance: p = sigmoid(%.4f + %.4f * d)",
                trainPairs,
                evaluationPairs,
                lambda,
                headAuc,
                distanceAuc,
                targetFalseAcceptRate,
                headThreshold,
                headFalseAcceptRate,
                headFalseRejectRate,
                distanceThreshold,
                distanceFalseAcceptRate,
                distanceFalseRejectRate,
                distanceIntercept,
                distanceSlope);
    }
}
