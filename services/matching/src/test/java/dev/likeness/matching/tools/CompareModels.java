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
 * <p>Every photo is embedded once by both networks (one pipeline, as the fusion runs them); each network's part of
 * the vector is its own L2-normalised embedding, so the fusion at any weight is computed from the same parts.
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
            System.err.println("usage: CompareModels --lfw LFW_VIEW1_FOLDER [--models DIR] [--speed-only true]");
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

        List<String> ids = List.of(FaceNetworks.FR_FEATURE, FaceNetworks.DLIB, FaceNetworks.FUSION);
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
        EmbeddingSpec both = FaceNetworks.embedding(FaceNetworks.FUSION, models);
        Map<String, Map<Path, float[]>> parts =
                embedParts(FacePipelineConfig.defaults(models).withEmbedding(both), photos);
        Embedded frFeature = new Embedded(FaceNetworks.FR_FEATURE, parts.get(FaceNetworks.FR_FEATURE));
        Embedded dlib = new Embedded(FaceNetworks.DLIB, parts.get(FaceNetworks.DLIB));

        double dlibWeight = fitFusionWeight(frFeature, dlib, train);
        Embedded fusion = new Embedded(FaceNetworks.FUSION, fuse(frFeature, dlib, dlibWeight));

        Map<String, double[]> speeds = facesPerSecond(models, ids, photos);

        System.out.println(
                "\n| model | accuracy | ROC AUC | TAR at FAR 1e-2 | TAR at FAR 1e-3 | faces/s (recognition) | faces/s (pipeline) |");
        System.out.println("|---|---|---|---|---|---|---|");
        Map<String, String> properties = new LinkedHashMap<>();
        List<String> tauRows = new ArrayList<>();
        for (Embedded model : List.of(frFeature, dlib, fusion)) {
            List<LabelledPair> trainPairs = LfwPairs.labelled(train, model.vectors()::get);
            List<LabelledPair> testPairs = LfwPairs.labelled(test, model.vectors()::get);
            double threshold = bestThreshold(trainPairs);
            double[][] scores = scores(testPairs);
            double[] speed = speeds.get(model.id());
            System.out.printf(
                    Locale.ROOT,
                    "| `%s` | %.2f %% | %.5f | %.2f %% | %.2f %% | %.0f | %.0f |%n",
                    model.id(),
                    100 * accuracy(testPairs, threshold),
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
        System.out.printf(
                Locale.ROOT,
                "%nlikeness.embedding.fusion.weights.\"%s\"=%.2f%nlikeness.embedding.fusion.weights.\"%s\"=%.2f%n",
                FaceNetworks.FR_FEATURE,
                1 - dlibWeight,
                FaceNetworks.DLIB,
                dlibWeight);
        properties.forEach((key, value) -> System.out.println(key + "=" + value));
    }

    /** Each network's own L2-normalised embedding of the subject of every photo, by network id. */
    private static Map<String, Map<Path, float[]>> embedParts(FacePipelineConfig config, Set<Path> photos)
            throws IOException, ImageRejectedException {
        List<EmbeddingSpec.Network> networks = config.embedding().networks();
        Map<String, Map<Path, float[]>> parts = new LinkedHashMap<>();
        networks.forEach(network -> parts.put(network.model().id(), new LinkedHashMap<>()));
        int missing = 0;
        try (FaceEmbedder embedder = new FaceEmbedder(config)) {
            List<Integer> dimensions = embedder.pipeline().networkDimensions();
            for (Path photo : photos) {
                float[] vector = embedder.analyse(Files.readAllBytes(photo))
                        .subject()
                        .map(AnalysedFace::embedding)
                        .orElse(null);
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

    /** dlib's weight with the highest ROC AUC on the training pairs, in steps of 0.05. */
    private static double fitFusionWeight(Embedded frFeature, Embedded dlib, List<LfwPairs.PhotoPair> train) {
        double best = 0, bestAuc = -1;
        for (int step = 0; step <= 20; step++) {
            double weight = step / 20.0;
            Map<Path, float[]> fused = fuse(frFeature, dlib, weight);
            double[][] scores = scores(LfwPairs.labelled(train, fused::get));
            double auc = Roc.auc(scores[0], scores[1]);
            System.out.printf(Locale.ROOT, "DevTrain, dlib weight %.2f: ROC AUC %.5f%n", weight, auc);
            if (auc > bestAuc) {
                bestAuc = auc;
                best = weight;
            }
        }
        System.out.printf(Locale.ROOT, "chosen dlib weight %.2f%n", best);
        return best;
    }

    /** sqrt(1 - w) fr_feature ++ sqrt(w) dlib: squared distances add up with weights 1 - w and w. */
    private static Map<Path, float[]> fuse(Embedded frFeature, Embedded dlib, double dlibWeight) {
        Map<Path, float[]> fused = new LinkedHashMap<>();
        float a = (float) Math.sqrt(1 - dlibWeight), b = (float) Math.sqrt(dlibWeight);
        frFeature.vectors().forEach((photo, first) -> {
            float[] second = dlib.vectors().get(photo);
            float[] vector = new float[first.length + second.length];
            for (int i = 0; i < first.length; i++) {
                vector[i] = a * first[i];
            }
            for (int i = 0; i < second.length; i++) {
                vector[first.length + i] = b * second[i];
            }
            fused.put(photo, vector);
        });
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
                FacePipelineConfig defaults = FacePipelineConfig.defaults(models, id);
                FacePipelineConfig oneThread = new FacePipelineConfig(
                        defaults.detector(),
                        defaults.landmarker(),
                        defaults.embedding(),
                        defaults.scoreThreshold(),
                        defaults.nmsIou(),
                        defaults.maxFaces(),
                        defaults.minFacePx(),
                        defaults.maxBatch(),
                        defaults.limits(),
                        InferenceOptions.builder().intraOpThreads(1).build());
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
