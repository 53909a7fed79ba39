package dev.likeness.matching.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.likeness.core.calibration.HeadFiles;
import dev.likeness.core.calibration.HeadTraining;
import dev.likeness.core.calibration.LabelledPair;
import dev.likeness.core.calibration.LabelledPairs;
import dev.likeness.core.calibration.Roc;
import dev.likeness.matching.search.VectorMath;

/**
 * Calibrates the embedding model of the face pipeline on labelled faces, and fits its learned head.
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

        try (FaceEmbedder embedder = new FaceEmbedder(models)) {
            List<LabelledPair> training;
            List<LabelledPair> evaluation;
            Map<Path, Optional<float[]>> cache = new HashMap<>();
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
                printAllPairOperatingPoints(cache);
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

    /**
     * The pair files hold too few different pairs to place a threshold at a low false-accept rate: compare
     * every embedded photo with every other one (identity = its folder) and report the distance threshold
     * at 1e-2 .. 1e-4 false accepts, with the false-reject rate over all same-person pairs.
     */
    private static void printAllPairOperatingPoints(Map<Path, Optional<float[]>> embedded) {
        List<String> identities = new ArrayList<>();
        List<float[]> faces = new ArrayList<>();
        embedded.forEach((photo, face) -> face.ifPresent(embedding -> {
            identities.add(photo.getParent().getFileName().toString());
            faces.add(embedding);
        }));
        int n = faces.size();
        float[] different = new float[n * (n - 1) / 2];
        List<Float> sameDistances = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                float distance = VectorMath.squaredDistanceOfUnitVectors(VectorMath.dot(faces.get(i), faces.get(j)));
                if (identities.get(i).equals(identities.get(j))) {
                    sameDistances.add(distance);
                } else {
                    different[count++] = distance;
                }
            }
        }
        float[] sorted = Arrays.copyOf(different, count);
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "all photos of both files: %d photos, %d same-person and %d different-person pairs%n",
                n,
                sameDistances.size(),
                count);
        for (double far : new double[] {1e-2, 1e-3, 1e-4}) {
            // Accept at most far * count different pairs: tau sits just below the next one.
            float tau = Math.nextDown(sorted[(int) Math.floor(far * count)]);
            long rejected =
                    sameDistances.stream().filter(distance -> distance > tau).count();
            System.out.printf(
                    Locale.ROOT,
                    "all pairs, distance: FAR <= %.0e at tau %.4f (FRR %.4f)%n",
                    far,
                    tau,
                    (double) rejected / sameDistances.size());
        }
    }

    /** LFW pair files: a count line, then "name i j" (same) or "name1 i name2 j" (different). */
    private static List<LabelledPair> lfwPairs(
            Path file, Path images, FaceEmbedder embedder, Map<Path, Optional<float[]>> cache) throws IOException {
        List<LabelledPair> pairs = new ArrayList<>();
        int skipped = 0;
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length != 3 && fields.length != 4) {
                continue;
            }
            boolean same = fields.length == 3;
            Path first = lfwImage(images, fields[0], fields[1]);
            Path second = same ? lfwImage(images, fields[0], fields[2]) : lfwImage(images, fields[2], fields[3]);
            Optional<float[]> a = cache.computeIfAbsent(first, embedder::centralFace);
            Optional<float[]> b = cache.computeIfAbsent(second, embedder::centralFace);
            if (a.isPresent() && b.isPresent()) {
                pairs.add(new LabelledPair(a.get(), b.get(), same));
            } else {
                skipped++;
            }
        }
        System.out.printf("%s: %d pairs, %d skipped (no face found)%n", file.getFileName(), pairs.size(), skipped);
        return pairs;
    }

    private static Path lfwImage(Path images, String name, String number) {
        return images.resolve(name).resolve(String.format(Locale.ROOT, "%s_%04d.jpg", name, Integer.parseInt(number)));
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
                            + " [--far 0.01] [--lambda 0.001] [--heads-dir DIR] [--models DIR]");
        }
        return value;
    }
}
