package dev.likeness.core.calibration;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Fits the learned head and the logistic-on-distance calibration of one embedding model on labelled
 * pairs, and measures both against the raw distance on separate evaluation pairs.
 */
public final class HeadTraining {

    /** Penalty towards the uniform-weight head; chosen on LFW view 1 (see docs/matching.md). */
    public static final double DEFAULT_LAMBDA = 1e-3;
    /** Keeps the one-feature fits finite when the pairs happen to be separable. */
    private static final double SCALAR_LAMBDA = 1e-6;

    private HeadTraining() {}

    /** The fitted head and distance calibration, with the report that goes with them. */
    public record Result(SiameseHead head, DistanceLogistic distanceCalibration, HeadReport report) {}

    public static Result fit(
            ModelKey model,
            List<LabelledPair> training,
            List<LabelledPair> evaluation,
            double targetFalseAcceptRate,
            double lambda) {
        requireBothLabels(training, "training");
        requireBothLabels(evaluation, "evaluation");
        int dimension = training.get(0).first().length;
        boolean[] labels = labels(training);

        // Logistic on the squared distance: the default calibration, and the AUC baseline.
        double[][] distances =
                training.stream().map(pair -> new double[] {pair.distance()}).toArray(double[][]::new);
        Logistic.Model onDistance =
                Logistic.fit(distances, labels, new Logistic.Model(new double[1], 0), SCALAR_LAMBDA);

        // The head starts from (and is pulled towards) the best uniform-weight head, i.e. a logistic on the
        // L1 distance: with few pairs it stays close to a plain distance, with many it learns which
        // dimensions matter.
        double[][] differences =
                training.stream().map(HeadTraining::absoluteDifferences).toArray(double[][]::new);
        double[][] l1 =
                Arrays.stream(differences).map(row -> new double[] {sum(row)}).toArray(double[][]::new);
        Logistic.Model onL1 = Logistic.fit(l1, labels, new Logistic.Model(new double[1], 0), SCALAR_LAMBDA);
        double[] uniform = new double[dimension];
        Arrays.fill(uniform, onL1.weights()[0]);
        Logistic.Model fitted = Logistic.fit(differences, labels, new Logistic.Model(uniform, onL1.bias()), lambda);

        float[] weights = new float[dimension];
        for (int k = 0; k < dimension; k++) {
            weights[k] = (float) fitted.weights()[k];
        }
        SiameseHead unreported = new SiameseHead(model, weights, (float) fitted.bias(), null);
        DistanceLogistic distanceCalibration =
                new DistanceLogistic(onDistance.bias(), onDistance.weights()[0]);

        double[][] headScores =
                scores(evaluation, pair -> Logistic.sigmoid(unreported.logit(pair.first(), pair.second())));
        double[][] distanceScores = scores(evaluation, pair -> -pair.distance());
        Roc.OperatingPoint headPoint = Roc.atFalseAcceptRate(headScores[0], headScores[1], targetFalseAcceptRate);
        Roc.OperatingPoint distancePoint =
                Roc.atFalseAcceptRate(distanceScores[0], distanceScores[1], targetFalseAcceptRate);
        HeadReport report = new HeadReport(
                training.size(),
                evaluation.size(),
                lambda,
                Roc.auc(headScores[0], headScores[1]),
                Roc.auc(distanceScores[0], distanceScores[1]),
                targetFalseAcceptRate,
                headPoint.threshold(),
                headPoint.falseAcceptRate(),
                headPoint.falseRejectRate(),
                -distancePoint.threshold(),
                distancePoint.falseAcceptRate(),
                distancePoint.falseRejectRate(),
                distanceCalibration.intercept(),
                distanceCalibration.slope());
        return new Result(new SiameseHead(model, weights, (float) fitted.bias(), report), distanceCalibration, report);
    }

    static double[] absoluteDifferences(LabelledPair pair) {
        float[] a = pair.first();
        float[] b = pair.second();
        double[] x = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            x[k] = Math.abs(a[k] - b[k]);
        }
        return x;
    }

    /** [0] = scores of same pairs, [1] = scores of different pairs. */
    private static double[][] scores(List<LabelledPair> pairs, ToDoubleFunction<LabelledPair> score) {
        return new double[][] {
            pairs.stream().filter(LabelledPair::same).mapToDouble(score).toArray(),
            pairs.stream().filter(pair -> !pair.same()).mapToDouble(score).toArray()
        };
    }

    private static boolean[] labels(List<LabelledPair> pairs) {
        boolean[] labels = new boolean[pairs.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = pairs.get(i).same();
        }
        return labels;
    }

    private static double sum(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum;
    }

    private static void requireBothLabels(List<LabelledPair> pairs, String name) {
        if (pairs.stream().noneMatch(LabelledPair::same) || pairs.stream().allMatch(LabelledPair::same)) {
            throw new IllegalArgumentException("the " + name + " pairs need both same and different pairs");
        }
    }
}
