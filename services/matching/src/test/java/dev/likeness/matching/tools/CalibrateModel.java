package dev.likeness.matching.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.likeness.core.calibration.HeadFiles;
import dev.likeness.core.calibration.HeadTraining;
import dev.likeness.core.calibration.LabelledPair;
import dev.likeness.core.calibration.LabelledPairs;
import dev.likeness.core.calibration.Roc;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipelineConfig;

/**
 * Calibrates an embedding model of the face pipeline ({@code --model}, default the embedding service's) on labelled
 * faces, and fits its learned head.
 *
 * <p>Two layouts: LFW (a folder per identity plus LFW pair files: {@code --train pairsDevTrain.txt --evaluate
 * pairsDevTest.txt}), or a plain folder per identity (pairs are drawn from it; half the identities train,
 * the other half evaluate). Prints the report and the {@code likeness.matching.models} properties; with
 * {@code --heads-dir} also writes the head where the service reads it. Not part of the test suite: see
 * docs/matching.md for the command.
 */
public final class CalibrateModel {

    private CalibrateModel() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        Path images = Path.of(required(options, "--images"));
        double targetFar = Double.parseDouble(options.getOrDefault("--far", "0.01"));
        double lambda =
                Double.parseDouble(options.getOrDefault("--lambda", String.valueOf(HeadTraining.DEFAULT_LAMBDA)));
        Path models = Path.of(options.getOrDefault(
                "--models", FaceEmbedder.modelsDirFromSystemProperty().toString()));

        String model = options.getOrDefault("--model", FaceNetworks.DEFAULT);

        try (FaceEmbedder embedder = new FaceEmbedder(FacePipelineConfig.defaults(models, model))) {
            List<LabelledPair> training;
            List<LabelledPair> evaluation;
            Map<Path, float[]> cache = new HashMap<>();
            if (options.containsKey("--train")) {
                training = lfwPairs(Path.of(options.get("--train")), images, embedder, cache);
                evaluation = lfwPairs(Path.of(required(options, "--evaluate")), images, embedder, cache);
            } else {
                LabelledPairs.Split split = LabelledPairs.splitByIdentity(embedder.embedFolders(images), 50, 1);
                training = split.training();
                evaluation = split.evaluation();
            }
            HeadTraining.Result result = HeadTraining.fit(embedder.model(), training, evaluation, targetFar, lambda);
            System.out.println("Model " + embedder.model());
            System.out.println(result.report().summary());
            printOperatingPoints(evaluation);
            if (!cache.isEmpty()) {
                for (LfwPairs.Operating point : LfwPairs.allPairs(cache, 1e-2, 1e-3, 1e-4)) {
                    System.out.printf(
                            Locale.ROOT,
                            "all pairs, distance: FAR <= %.0e at tau %.4f (FRR %.4f)%n",
                            point.far(),
                            point.tau(),
                            point.frr());
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%nlikeness.matching.models.\"%s\".threshold=%.4f%n"
                            + "likeness.matching.models.\"%s\".probability-intercept=%.4f%n"
                            + "likeness.matching.models.\"%s\".probability-slope=%.4f%n",
                    embedder.model().id(),
                    result.report().distanceThreshold(),
                    embedder.model().id(),
                    result.distanceCalibration().intercept(),
                    embedder.model().id(),
                    result.distanceCalibration().slope());
            if (options.containsKey("--heads-dir")) {
                System.out.println(
                        "Head written to " + HeadFiles.write(result.head(), Path.of(options.get("--heads-dir"))));
            }
        }
    }

    /** The distance threshold at a few false-accept rates, and the best single-threshold accuracy. */
    private static void printOperatingPoints(List<LabelledPair> pairs) {
        double[] same = pairs.stream()
                .filter(LabelledPair::same)
                .mapToDouble(pair -> -pair.distance())
                .toArray();
        double[] different = pairs.stream()
                .filter(pair -> !pair.same())
                .mapToDouble(pair -> -pair.distance())
                .toArray();
        for (double far : new double[] {0.1, 0.01, 0.001}) {
            Roc.OperatingPoint point = Roc.atFalseAcceptRate(same, different, far);
            System.out.printf(
                    Locale.ROOT,
                    "evaluation, distance: FAR <= %.3f at tau %.4f (FAR %.4f, FRR %.4f)%n",
                    far,
                    -point.threshold(),
                    point.falseAcceptRate(),
                    point.falseRejectRate());
        }
        double bestAccuracy = 0;
        double bestTau = 0;
        for (double tau = 0; tau <= 4; tau += 0.005) {
            Roc.OperatingPoint point = Roc.at(same, different, -tau);
            double accuracy = 1
                    - (point.falseAcceptRate() * different.length + point.falseRejectRate() * same.length)
                            / (same.length + different.length);
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                bestTau = tau;
            }
        }
        System.out.printf(Locale.ROOT, "evaluation, distance: best accuracy %.4f at tau %.3f%n", bestAccuracy, bestTau);
    }

    /** The LFW pairs whose photos both show a face; photos without one are counted, not guessed. */
    private static List<LabelledPair> lfwPairs(Path file, Path images, FaceEmbedder embedder, Map<Path, float[]> cache)
            throws IOException {
        List<LfwPairs.PhotoPair> pairs = LfwPairs.read(file, images);
        Map<Path, Boolean> seen = new HashMap<>();
        for (LfwPairs.PhotoPair pair : pairs) {
            for (Path photo : List.of(pair.first(), pair.second())) {
                if (seen.putIfAbsent(photo, true) == null && !cache.containsKey(photo)) {
                    embedder.subjectFace(photo).ifPresent(face -> cache.put(photo, face));
                }
            }
        }
        List<LabelledPair> labelled = LfwPairs.labelled(pairs, cache::get);
        System.out.printf(
                "%s: %d pairs, %d skipped (no face found)%n",
                file.getFileName(), labelled.size(), pairs.size() - labelled.size());
        return labelled;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(
                    "missing " + name + "; usage: --images DIR [--train PAIRS --evaluate PAIRS]"
                            + " [--far 0.01] [--lambda 0.001] [--heads-dir DIR] [--models DIR] [--model ID]");
        }
        return value;
    }
}
