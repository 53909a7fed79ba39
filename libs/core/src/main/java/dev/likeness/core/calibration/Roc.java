package dev.likeness.core.calibration;

import java.util.Arrays;

/**
 * ROC facts of a score where higher means "same person": the area under the curve, and the operating
 * point at a chosen false-accept rate. A distance is passed negated.
 */
public final class Roc {

    private Roc() {}

    /** An operating point: accept when score >= threshold. */
    public record OperatingPoint(double threshold, double falseAcceptRate, double falseRejectRate) {}

    /** P(score of a same pair > score of a different pair), ties counted half (Mann-Whitney U). */
    public static double auc(double[] same, double[] different) {
        if (same.length == 0 || different.length == 0) {
            throw new IllegalArgumentException("need same and different pairs");
        }
        double[] sortedDifferent = different.clone();
        Arrays.sort(sortedDifferent);
        double wins = 0;
        for (double score : same) {
            int below = lowerBound(sortedDifferent, score);
            int notAbove = upperBound(sortedDifferent, score);
            wins += below + 0.5 * (notAbove - below);
        }
        return wins / ((double) same.length * different.length);
    }

    /**
     * The lowest threshold whose false-accept rate does not exceed {@code targetFar}, and the false-reject
     * rate there.
     */
    public static OperatingPoint atFalseAcceptRate(double[] same, double[] different, double targetFar) {
        double[] descending = different.clone();
        Arrays.sort(descending);
        reverse(descending);
        int allowed = (int) Math.floor(targetFar * descending.length);
        // Accepting exactly the `allowed` highest different pairs: the threshold sits just above the next one.
        double threshold = allowed < descending.length ? Math.nextUp(descending[allowed]) : Double.NEGATIVE_INFINITY;
        return at(same, different, threshold);
    }

    /**
     * The equal error rate: the operating point, among thresholds at every observed score, where the
     * false-accept and false-reject rates are closest; its rate is their mean.
     */
    public static OperatingPoint equalErrorRate(double[] same, double[] different) {
        double[] sortedSame = same.clone();
        double[] sortedDifferent = different.clone();
        Arrays.sort(sortedSame);
        Arrays.sort(sortedDifferent);
        double[] candidates = new double[same.length + different.length];
        System.arraycopy(same, 0, candidates, 0, same.length);
        System.arraycopy(different, 0, candidates, same.length, different.length);
        double bestGap = Double.POSITIVE_INFINITY;
        double bestThreshold = Double.NaN, bestFar = Double.NaN, bestFrr = Double.NaN;
        for (double threshold : candidates) {
            double far = (double) (different.length - lowerBound(sortedDifferent, threshold)) / different.length;
            double frr = (double) lowerBound(sortedSame, threshold) / same.length;
            double gap = Math.abs(far - frr);
            if (gap < bestGap || (gap == bestGap && threshold < bestThreshold)) {
                bestGap = gap;
                bestThreshold = threshold;
                bestFar = far;
                bestFrr = frr;
            }
        }
        return new OperatingPoint(bestThreshold, bestFar, bestFrr);
    }

    public static OperatingPoint at(double[] same, double[] different, double threshold) {
        long falseAccepts =
                Arrays.stream(different).filter(score -> score >= threshold).count();
        long falseRejects =
                Arrays.stream(same).filter(score -> score < threshold).count();
        return new OperatingPoint(
                threshold, (double) falseAccepts / different.length, (double) falseRejects / same.length);
    }

    private static int lowerBound(double[] sorted, double value) {
        int low = 0, high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static int upperBound(double[] sorted, double value) {
        int low = 0, high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static void reverse(double[] values) {
        for (int i = 0, j = values.length - 1; i < j; i++, j--) {
            double swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}
