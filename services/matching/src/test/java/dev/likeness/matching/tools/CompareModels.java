package dev.likeness.matching.tools;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.likeness.core.calibration.DistanceLogistic;
import dev.likeness.core.calibration.HeadTraining;
import dev.likeness.core.calibration.LabelledPair;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.calibration.Roc;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.face.PipelineStage;
import dev.likeness.face.PreparedImage;

/**
 * The table of docs/matching.md: each recognition network alone and their fusion on LFW view 1, every choice (the
 * fusion's weight, the accuracy threshold, the logistic) made on DevTrain, every figure reported on DevTest; tau at
 * false-accept rates over all pairs of the view's photos; faces/s of each. Not part of the test suite (LFW never
 * is); the command is in docs/matching.md.
 *
 * <p>Every photo is embedded once by every network compared ({@code --networks}, default fr_feature and dlib; one
 * pipeline, as a fusion runs them); each network's part of the vector is its own L2-normalised embedding, so a fusion
 * at any weights is computed from the same parts. Besides the shipped fusion (fr_feature and dlib), each further
 * network is tried as a third member of it, with all three weights fitted on DevTrain.
 */
public final class CompareModels {

    private static final double[] FARS = {1e-2, 1e-3, 1e-4};
    private static final int SPEED_PHOTOS = 256;
    private static final int SPEED_ROUNDS = 3;
    private static final int CORES = 2;

    private CompareModels() {}

    /** One model's vectors for every photo that shows a face. */
    private record Embedded(String id, Map<Path, float[]> vectors) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--lfw")) {
            System.err.println("usage: CompareModels --lfw LFW_VIEW1_FOLDER [--models DIR] [--networks ID,ID,...]"
                    + " [--speed false] [--speed-only true]");
            System.exit(2);
        }
        Path lfw = Path.of(options.get("--lfw"));
        Path models = Path.of(options.getOrDefault(
                "--models", FaceEmbedder.modelsDirFromSystemProperty().toString()));
        List<LfwPairs.PhotoPair> train = LfwPairs.read(lfw.resolve("pairsDevTrain.txt"), lfw.resolve("images"));
        List<LfwPairs.PhotoPair> test = LfwPairs.read(lfw.resolve("pairsDevTest.txt"), lfw.resolve("images"));
        Set<Path> photos = new LinkedHashSet<>();
        for (LfwPairs.PhotoPair pair : concat(train, test)) {
            photos.add(pair.first());
            photos.add(pair.second());
        }

        List<String> networks =
                List.of(options.getOrDefault("--networks", FaceNetworks.FR_FEATURE + "," + FaceNetworks.DLIB)
                        .split(","));
        List<String> ids = new ArrayList<>(networks);
        ids.add(FaceNetworks.FUSION);
        if (Boolean.parseBoolean(options.getOrDefault("--speed-only", "false"))) {
            facesPerSecond(models, ids, photos)
                    .forEach((id, speed) -> System.out.printf(
                            Locale.ROOT,
                            "%s: %.0f faces/s (recognition), %.0f faces/s (pipeline)%n",
                            id,
                            speed[0],
                            speed[1]));
            return;
        }
        // One pipeline runs every network (the weights only matter to a fusion's vector, not to its parts).
        EmbeddingSpec all = new EmbeddingSpec(
                "compared",
                "",
                networks.stream()
                        .map(id -> {
                            EmbeddingSpec.Network alone = FaceNetworks.embedding(id, models)
                                    .networks()
                                    .get(0);
                            return new EmbeddingSpec.Network(alone.model(), alone.alignment(), 1.0 / networks.size());
                        })
                        .toList());
        Map<String, Map<Path, float[]>> parts =
                embedParts(FacePipelineConfig.defaults(models).withEmbedding(all), photos);
        List<Embedded> compared = new ArrayList<>();
        networks.forEach(id -> compared.add(new Embedded(id, parts.get(id))));
        double[] shippedWeights = null;
        if (networks.containsAll(List.of(FaceNetworks.FR_FEATURE, FaceNetworks.DLIB))) {
            Embedded frFeature = new Embedded(FaceNetworks.FR_FEATURE, parts.get(FaceNetworks.FR_FEATURE));
            Embedded dlib = new Embedded(FaceNetworks.DLIB, parts.get(FaceNetworks.DLIB));
            shippedWeights = fitFusionWeights(List.of(frFeature, dlib), train);
            compared.add(new Embedded(FaceNetworks.FUSION, fuse(List.of(frFeature, dlib), shippedWeights)));
            for (String other : networks) {
                if (other.equals(FaceNetworks.FR_FEATURE) || other.equals(FaceNetworks.DLIB)) {
                    continue;
                }
                // Each further network as a third member of the fusion, all three weights fitted on DevTrain.
                List<Embedded> members = List.of(frFeature, dlib, new Embedded(other, parts.get(other)));
                double[] weights = fitFusionWeights(members, train);
                compared.add(new Embedded(FaceNetworks.FUSION + " + " + other, fuse(members, weights)));
            }
        }

        Map<String, double[]> speeds = Boolean.parseBoolean(options.getOrDefault("--speed", "true"))
                ? facesPerSecond(models, ids, photos)
                : Map.of();

        System.out.println(
                "\n| model | accuracy | ROC AUC | TAR at FAR 1e-2 | TAR at FAR 1e-3 | faces/s (recognition) | faces/s (pipeline) |");
        System.out.println("|---|---|---|---|---|---|---|");
        Map<String, String> properties = new LinkedHashMap<>();
        List<String> tauRows = new ArrayList<>();
        for (Embedded model : compared) {
            List<LabelledPair> trainPairs = LfwPairs.labelled(train, model.vectors()::get);
            List<LabelledPair> testPairs = LfwPairs.labelled(test, model.vectors()::get);
            double threshold = bestThreshold(trainPairs);
            double[][] scores = scores(testPairs);
            double[] speed = speeds.getOrDefault(model.id(), new double[] {Double.NaN, Double.NaN});
            System.out.printf(
                    Locale.ROOT,
                    "| `%s` | %.2f %% (DevTrain %.2f %%) | %.5f | %.2f %% | %.2f %% | %.0f | %.0f |%n",
                    model.id(),
                    100 * accuracy(testPairs, threshold),
                    100 * accuracy(trainPairs, threshold),
                    Roc.auc(scores[0], scores[1]),
                    100 * tar(scores, 1e-2),
                    100 * tar(scores, 1e-3),
                    speed[0],
                    speed[1]);

            List<LfwPairs.Operating> points = LfwPairs.allPairs(model.vectors(), FARS);
            StringBuilder row = new StringBuilder("| `" + model.id() + "` |");
            points.forEach(point ->
                    row.append(String.format(Locale.ROOT, " %.4f (FRR %.1f %%) |", point.tau(), 100 * point.frr())));
            tauRows.add(row.toString());
            DistanceLogistic logistic = HeadTraining.fit(
                            new ModelKey(model.id(), ""), trainPairs, testPairs, 1e-2, HeadTraining.DEFAULT_LAMBDA)
                    .distanceCalibration();
            String key = "likeness.matching.models.\"" + model.id() + "\".";
            properties.put(
                    key + "threshold",
                    String.format(Locale.ROOT, "%.4f", points.get(2).tau()));
            properties.put(key + "probability-intercept", String.format(Locale.ROOT, "%.4f", logistic.intercept()));
            properties.put(key + "probability-slope", String.format(Locale.ROOT, "%.4f", logistic.slope()));
        }
        System.out.println("\n| model | tau at FAR 1e-2 | tau at FAR 1e-3 | tau at FAR 1e-4 |");
        System.out.println("|---|---|---|---|");
        tauRows.forEach(System.out::println);
        if (shippedWeights != null) {
            System.out.printf(
                    Locale.ROOT,
                    "%nlikeness.embedding.fusion.weights.\"%s\"=%.2f%nlikeness.embedding.fusion.weights.\"%s\"=%.2f%n",
                    FaceNetworks.FR_FEATURE,
                    shippedWeights[0],
                    FaceNetworks.DLIB,
                    shippedWeights[1]);
        }
        properties.forEach((key, value) -> System.out.println(key + "=" + value));
    }

    /** Each network's own L2-normalised embedding of the subject of every photo, by network id. */
    private static Map<String, Map<Path, float[]>> embedParts(FacePipelineConfig config, Set<Path> photos)
            throws IOException, ImageRejectedException {
        List<EmbeddingSpec.Network> networks = config.embedding().networks();
        Map<String, Map<Path, float[]>> parts = new LinkedHashMap<>();
        networks.forEach(network -> parts.put(network.model().id(), new LinkedHashMap<>()));
        int missing = 0, done = 0;
        try (FaceEmbedder embedder = new FaceEmbedder(config)) {
            List<Integer> dimensions = embedder.pipeline().networkDimensions();
            for (Path photo : photos) {
                float[] vector = embedder.analyse(Files.readAllBytes(photo))
                        .subject()
                        .map(AnalysedFace::embedding)
                        .orElse(null);
                if (++done % 500 == 0) {
                    System.out.printf(Locale.ROOT, "%d of %d photos embedded%n", done, photos.size());
                }
                if (vector == null) {
                    missing++;
                    continue;
                }
                int offset = 0;
                for (int m = 0; m < networks.size(); m++) {
                    int length = dimensions.get(m);
                    parts.get(networks.get(m).model().id())
                            .put(photo, normalised(Arrays.copyOfRange(vector, offset, offset + length)));
                    offset += length;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d photos embedded, %d without a face%n", photos.size() - missing, missing);
        return parts;
    }

    /**
     * The members' weights (summing to 1, in steps of 0.05) with the highest ROC AUC on the training pairs; the
     * first of equal AUCs in the order tried.
     */
    private static double[] fitFusionWeights(List<Embedded> members, List<LfwPairs.PhotoPair> train) {
        double[] best = null;
        double bestAuc = -1;
        for (double[] weights : weightGrid(members.size(), 20)) {
            double[][] scores = scores(LfwPairs.labelled(train, fuse(members, weights)::get));
            double auc = Roc.auc(scores[0], scores[1]);
            if (auc > bestAuc) {
                bestAuc = auc;
                best = weights;
            }
        }
        StringBuilder chosen = new StringBuilder("DevTrain, chosen weights");
        for (int m = 0; m < members.size(); m++) {
            chosen.append(String.format(Locale.ROOT, " %s %.2f", members.get(m).id(), best[m]));
        }
        System.out.printf(Locale.ROOT, "%s: ROC AUC %.5f%n", chosen, bestAuc);
        return best;
    }

    /** Every way of splitting {@code steps} steps among {@code count} weights, as shares of 1. */
    private static List<double[]> weightGrid(int count, int steps) {
        List<double[]> grid = new ArrayList<>();
        if (count == 1) {
            grid.add(new double[] {1});
            return grid;
        }
        for (int first = 0; first <= steps; first++) {
            for (double[] rest : weightGrid(count - 1, steps - first)) {
                double[] weights = new double[count];
                weights[0] = (double) first / steps;
                for (int m = 1; m < count; m++) {
                    weights[m] = rest[m - 1] * (steps - first) / steps;
                }
                grid.add(weights);
            }
        }
        return grid;
    }

    /** Each member's vector scaled by sqrt(w), concatenated: squared distances add up with the weights. */
    private static Map<Path, float[]> fuse(List<Embedded> members, double[] weights) {
        Map<Path, float[]> fused = new LinkedHashMap<>();
        for (Path photo : members.get(0).vectors().keySet()) {
            int length = members.stream()
                    .mapToInt(member -> member.vectors().get(photo).length)
                    .sum();
            float[] vector = new float[length];
            int offset = 0;
            for (int m = 0; m < members.size(); m++) {
                float[] part = members.get(m).vectors().get(photo);
                float scale = (float) Math.sqrt(weights[m]);
                for (int i = 0; i < part.length; i++) {
                    vector[offset + i] = scale * part[i];
                }
                offset += part.length;
            }
            fused.put(photo, vector);
        }
        return fused;
    }

    /** The distance threshold with the best accuracy on these pairs (midway between the two distances around it). */
    private static double bestThreshold(List<LabelledPair> pairs) {
        List<LabelledPair> sorted = new ArrayList<>(pairs);
        sorted.sort((x, y) -> Float.compare(x.distance(), y.distance()));
        long differentTotal = pairs.stream().filter(pair -> !pair.same()).count();
        // Accepting the first k pairs: correct = same among them + different after them.
        int sameSoFar = 0, differentSoFar = 0, best = -1;
        double bestThreshold = 0;
        for (int k = 0; k < sorted.size(); k++) {
            if (sorted.get(k).same()) {
                sameSoFar++;
            } else {
                differentSoFar++;
            }
            int correct = sameSoFar + (int) (differentTotal - differentSoFar);
            if (correct > best) {
                best = correct;
                double next = k + 1 < sorted.size()
                        ? sorted.get(k + 1).distance()
                        : sorted.get(k).distance();
                bestThreshold = (sorted.get(k).distance() + next) / 2;
            }
        }
        return bestThreshold;
    }

    private static double accuracy(List<LabelledPair> pairs, double threshold) {
        return (double) pairs.stream()
                        .filter(pair -> (pair.distance() <= threshold) == pair.same())
                        .count()
                / pairs.size();
    }

    private static double tar(double[][] scores, double far) {
        return 1 - Roc.atFalseAcceptRate(scores[0], scores[1], far).falseRejectRate();
    }

    /** Negated distances (higher = more alike) of the same pairs, then of the different ones. */
    private static double[][] scores(List<LabelledPair> pairs) {
        Function<Boolean, double[]> of = same -> pairs.stream()
                .filter(pair -> pair.same() == same)
                .mapToDouble(pair -> -pair.distance())
                .toArray();
        return new double[][] {of.apply(true), of.apply(false)};
    }

    /**
     * Faces per second of each embedding on 2 cores, from the CPU time it takes with one ONNX Runtime thread on the
     * first photos, in batches of 8 as the service runs them: 2 / (CPU seconds per face), i.e. two such pipelines
     * side by side (two consumers). Wall-clock rates on a shared machine measure the neighbours; the CPU time of a
     * single-threaded run does not (a pool's idle threads spin, which CPU time would charge). The recognition stages (alignment and the networks) are charged the CPU time between the listener's calls that
     * end them; "pipeline" is everything, decoding, detection and landmarks included. After a warm-up pass per
     * model, {@value #SPEED_ROUNDS} timed passes are taken in turns; the cheapest counts.
     */
    private static Map<String, double[]> facesPerSecond(Path models, List<String> ids, Set<Path> photos)
            throws IOException, ImageRejectedException {
        List<byte[]> images = new ArrayList<>();
        for (Path photo : photos) {
            if (images.size() == SPEED_PHOTOS) {
                break;
            }
            images.add(Files.readAllBytes(photo));
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] lastCpu = new long[1];
        long[] recognitionCpu = new long[1];
        PipelineStage.Listener charge = (stage, items, time) -> {
            long now = os.getProcessCpuTime();
            if (stage == PipelineStage.ALIGN || stage == PipelineStage.EMBED) {
                recognitionCpu[0] += now - lastCpu[0];
            }
            lastCpu[0] = now;
        };
        Map<String, FacePipeline> pipelines = new LinkedHashMap<>();
        Map<String, double[]> best = new LinkedHashMap<>();
        try {
            for (String id : ids) {
                // One batch at a time on one thread: the listener charges the process's CPU between stage ends.
                FacePipelineConfig oneThread = FacePipelineConfig.defaults(models, id)
                        .withInference(
                                InferenceOptions.builder().intraOpThreads(1).build())
                        .withBatchesInFlight(1);
                FacePipeline pipeline = FacePipeline.open(oneThread, charge);
                pipelines.put(id, pipeline);
                run(pipeline, images);
                best.put(id, new double[2]);
            }
            for (int round = 0; round < SPEED_ROUNDS; round++) {
                for (String id : ids) {
                    recognitionCpu[0] = 0;
                    long start = os.getProcessCpuTime();
                    lastCpu[0] = start;
                    int faces = run(pipelines.get(id), images);
                    long all = os.getProcessCpuTime() - start;
                    double[] speed = best.get(id);
                    speed[0] = Math.max(speed[0], CORES * faces / (recognitionCpu[0] / 1e9));
                    speed[1] = Math.max(speed[1], CORES * faces / (all / 1e9));
                }
            }
        } finally {
            pipelines.values().forEach(FacePipeline::close);
        }
        return best;
    }

    private static int run(FacePipeline pipeline, List<byte[]> images) throws ImageRejectedException {
        int faces = 0;
        for (int from = 0; from < images.size(); from += 8) {
            List<PreparedImage> batch = new ArrayList<>();
            for (byte[] image : images.subList(from, Math.min(images.size(), from + 8))) {
                batch.add(pipeline.prepare(image, 0, 0));
            }
            for (FaceAnalysis analysis : pipeline.analyseAll(batch)) {
                faces += analysis.faces().size();
            }
        }
        return faces;
    }

    private static float[] normalised(float[] vector) {
        double sum = 0;
        for (float value : vector) {
            sum += value * value;
        }
        float inverse = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= inverse;
        }
        return vector;
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
