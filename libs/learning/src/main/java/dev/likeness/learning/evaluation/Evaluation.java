package dev.likeness.learning.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.likeness.core.calibration.Roc;
import dev.likeness.learning.LabelledFaces;

/**
 * How well an embedding separates a user's identities, in the matching service's terms: squared distance
 * d = ||f1 - f2||^2 between unit embeddings, "same person" when d <= tau.
 */
public final class Evaluation {

    /** The false-accept rates reported by default. */
    public static final double[] DEFAULT_FARS = {1e-2, 1e-3};

    private Evaluation() {}

    /**
     * The verification rate at one false-accept rate.
     *
     * @param tau            accept when d <= tau
     * @param measuredFar    the false-accept rate at tau on these pairs (at most the target)
     * @param resolvedEnough false when there are fewer than 1/far impostor pairs: the figure is then coarse
     */
    public record TarAtFar(double targetFar, double tar, double tau, double measuredFar, boolean resolvedEnough) {}

    /**
     * @param genuine   distances of every same-person pair
     * @param impostors distances of the different-person pairs (all, or a random sample)
     * @param eerTau    the distance threshold at the equal error rate
     * @param rank1     one-shot identification: each identity's first photo enrolled, each other photo queried
     *                  against all enrolled; the fraction whose nearest enrolled photo is its own identity
     */
    public record Result(
            int identities,
            int images,
            double[] genuine,
            double[] impostors,
            double auc,
            double eer,
            double eerTau,
            List<TarAtFar> tars,
            double rank1,
            int rank1Queries) {

        public TarAtFar tarAt(double far) {
            return tars.stream()
                    .filter(t -> t.targetFar() == far)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("not evaluated at FAR " + far));
        }
    }

    /**
     * @param maxImpostorPairs every different-person pair when there are at most this many, else a random
     *                         sample of this many (drawn with {@code seed})
     */
    public static Result evaluate(LabelledFaces faces, double[] fars, int maxImpostorPairs, long seed) {
        Map<String, List<float[]>> byIdentity = faces.byIdentity();
        List<float[]> all = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        int identity = 0;
        for (List<float[]> embeddings : byIdentity.values()) {
            for (float[] embedding : embeddings) {
                all.add(embedding);
                owner.add(identity);
            }
            identity++;
        }
        if (byIdentity.size() < 2) {
            throw new IllegalArgumentException(
                    "an evaluation needs at least two identities, found " + byIdentity.size());
        }
        double[] genuine = genuineDistances(byIdentity);
        if (genuine.length == 0) {
            throw new IllegalArgumentException("no identity has two photos: there is no same-person pair to evaluate");
        }
        double[] impostors = impostorDistances(all, owner, maxImpostorPairs, seed);

        // Roc takes scores where higher means "same": negated distances.
        double[] sameScores = negated(genuine);
        double[] differentScores = negated(impostors);
        Roc.OperatingPoint eer = Roc.equalErrorRate(sameScores, differentScores);
        List<TarAtFar> tars = new ArrayList<>();
        for (double far : fars) {
            Roc.OperatingPoint point = Roc.atFalseAcceptRate(sameScores, differentScores, far);
            tars.add(new TarAtFar(
                    far,
                    1 - point.falseRejectRate(),
                    tau(point.threshold()),
                    point.falseAcceptRate(),
                    impostors.length * far >= 1));
        }
        int[] rank1 = rankOne(byIdentity);
        return new Result(
                byIdentity.size(),
                all.size(),
                genuine,
                impostors,
                Roc.auc(sameScores, differentScores),
                (eer.falseAcceptRate() + eer.falseRejectRate()) / 2,
                tau(eer.threshold()),
                List.copyOf(tars),
                rank1[1] == 0 ? Double.NaN : (double) rank1[0] / rank1[1],
                rank1[1]);
    }

    public static double squaredDistance(float[] a, float[] b) {
        double dot = 0;
        for (int k = 0; k < a.length; k++) {
            dot += a[k] * b[k];
        }
        return Math.min(4, Math.max(0, 2 - 2 * dot));
    }

    private static double[] genuineDistances(Map<String, List<float[]>> byIdentity) {
        List<Double> distances = new ArrayList<>();
        for (List<float[]> faces : byIdentity.values()) {
            for (int i = 0; i < faces.size(); i++) {
                for (int j = i + 1; j < faces.size(); j++) {
                    distances.add(squaredDistance(faces.get(i), faces.get(j)));
                }
            }
        }
        return distances.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] impostorDistances(List<float[]> all, List<Integer> owner, int maxPairs, long seed) {
        int n = all.size();
        long total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (!owner.get(i).equals(owner.get(j))) {
                    total++;
                }
            }
        }
        if (total <= maxPairs) {
            double[] distances = new double[(int) total];
            int k = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (!owner.get(i).equals(owner.get(j))) {
                        distances[k++] = squaredDistance(all.get(i), all.get(j));
                    }
                }
            }
            return distances;
        }
        // Sampled with replacement: at this many pairs, repeats change no figure that matters.
        SplittableRandom random = new SplittableRandom(seed);
        double[] distances = new double[maxPairs];
        for (int k = 0; k < maxPairs; ) {
            int i = random.nextInt(n);
            int j = random.nextInt(n);
            if (!owner.get(i).equals(owner.get(j))) {
                distances[k++] = squaredDistance(all.get(i), all.get(j));
            }
        }
        return distances;
    }

    /** [correct, queries]. */
    private static int[] rankOne(Map<String, List<float[]>> byIdentity) {
        List<float[]> enrolled =
                byIdentity.values().stream().map(faces -> faces.get(0)).toList();
        int correct = 0, queries = 0, identity = 0;
        for (List<float[]> faces : byIdentity.values()) {
            for (float[] query : faces.subList(1, faces.size())) {
                int best = -1;
                double bestDistance = Double.POSITIVE_INFINITY;
                for (int e = 0; e < enrolled.size(); e++) {
                    double d = squaredDistance(query, enrolled.get(e));
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = e;
                    }
                }
                queries++;
                if (best == identity) {
                    correct++;
                }
            }
            identity++;
        }
        return new int[] {correct, queries};
    }

    /** Roc accepts score >= threshold; for distances that is d <= -threshold. */
    private static double tau(double scoreThreshold) {
        return Double.isInfinite(scoreThreshold) ? 4 : -scoreThreshold;
    }

    private static double[] negated(double[] values) {
        double[] negated = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            negated[i] = -values[i];
        }
        return negated;
    }
}
