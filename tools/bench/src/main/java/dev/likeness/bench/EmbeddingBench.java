package dev.likeness.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

import ai.onnxruntime.OrtEnvironment;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.Analysis;
import dev.likeness.face.DetectedFace;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.face.ModelSpec;
import dev.likeness.face.PipelineStage;
import dev.likeness.face.PreparedImage;

/**
 * Sections 1, 2 and 4 of {@code make bench}: the raw networks (batch 1 and 8, 1 and 2 intra-op threads), the
 * in-process pipeline (JPEG bytes to embeddings) against the sum of its raw model times stage by stage, for
 * one-face 640x480 views and for the 1920 px group photos, with a CPU-time profile of where the rest goes, and the
 * same pipeline on onnxruntime-node (tools/bench/peer) in the same run; faces/s of each recognition network and of
 * their fusion. Usage: EmbeddingBench REPORT.md [SECTION...] (raw-models, embedding-pipeline, recognition-models, peer;
 * none = all)
 */
public final class EmbeddingBench {

    static final int ONE_FACE_IMAGES = 8;
    static final int WARM_UP = 3;
    static final int RUNS = 7;
    static final int PEER_ROUNDS = 3;
    static final int PEER_RUNS = 3;
    static final int PROFILED_RUNS = 150;
    static final String COMMAND = "make bench";
    static final Path IMAGES = Path.of("var/bench/images");

    private EmbeddingBench() {}

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        Path charts = report.toAbsolutePath().getParent().resolve("images");
        Path models = ModelsDirectory.locate();
        FacePipelineConfig defaults = FacePipelineConfig.defaults(models);
        List<Workload> workloads = workloads(defaults, models);

        Set<String> sections = Set.copyOf(Arrays.asList(args).subList(Math.min(1, args.length), args.length));
        if (sections.isEmpty()) {
            Figures.reset();
        }
        if (runs(sections, "raw-models")) {
            Report.writeSection(report, "raw-models", rawModels(defaults, charts));
        }
        if (runs(sections, "embedding-pipeline")) {
            Report.writeSection(report, "embedding-pipeline", pipelineVsRaw(defaults, workloads, charts));
        }
        if (runs(sections, "recognition-models")) {
            Report.writeSection(report, "recognition-models", recognitionModels(models, workloads.get(0), charts));
        }
        if (runs(sections, "face-analysis")) {
            Report.writeSection(report, "face-analysis", faceAnalysis(models, workloads.get(1)));
        }
        if (runs(sections, "peer")) {
            Report.writeSection(report, "peer", peer(defaults, models, workloads, charts));
        }
    }

    /** No section named after the report = all of them (and the figures start afresh). */
    private static boolean runs(Set<String> sections, String section) {
        return sections.isEmpty() || sections.contains(section);
    }

    /** A set of images the pipeline is measured on, written to var/bench/images for the peer and the mesh. */
    record Workload(String name, String label, List<byte[]> images, List<Path> files) {}

    static List<Workload> workloads(FacePipelineConfig config, Path models) throws Exception {
        Files.createDirectories(IMAGES);
        List<byte[]> group = new ArrayList<>();
        List<Path> groupFiles = new ArrayList<>();
        for (int sample = 1; sample <= 6; sample++) {
            Path file = models.resolve("samples/sample" + sample + ".jpg");
            group.add(Files.readAllBytes(file));
            groupFiles.add(file.toAbsolutePath());
        }
        List<byte[]> oneFace;
        try (FacePipeline pipeline = FacePipeline.open(config)) {
            oneFace = oneFaceImages(pipeline, group);
        }
        List<Path> oneFaceFiles = new ArrayList<>();
        for (int i = 0; i < oneFace.size(); i++) {
            Path file = IMAGES.resolve("one-face-" + i + ".jpg").toAbsolutePath();
            Files.write(file, oneFace.get(i));
            oneFaceFiles.add(file);
        }
        return List.of(
                new Workload("one-face", "one-face 640x480 views (" + oneFace.size() + ")", oneFace, oneFaceFiles),
                new Workload("group", "1920 px group photos (" + group.size() + ")", group, groupFiles));
    }

    // ---------------------------------------------------------------- 1. raw models

    static String rawModels(FacePipelineConfig config, Path charts) throws Exception {
        Provenance provenance = Provenance.now();
        List<Results.RawModelRow> rows = new ArrayList<>();
        for (ModelSpec spec : List.of(config.detector(), config.landmarker(), embedder(config))) {
            for (int batch : new int[] {1, 8}) {
                int calls = batch == 1 ? 16 : 4;
                try (RawModel single = new RawModel(
                                spec,
                                InferenceOptions.builder().intraOpThreads(1).build());
                        RawModel dual = new RawModel(
                                spec,
                                InferenceOptions.builder().intraOpThreads(2).build())) {
                    Measurement[] m = Measurement.interleaved(
                            WARM_UP, RUNS, () -> single.run(batch, calls), () -> dual.run(batch, calls));
                    rows.add(new Results.RawModelRow(
                            spec.id(),
                            spec.inputWidth(),
                            spec.inputHeight(),
                            batch,
                            m[0].per(batch * calls),
                            m[1].per(batch * calls)));
                }
            }
        }
        return BenchReport.rawModels(
                new Results.RawModels(
                        provenance, OrtEnvironment.getEnvironment().getVersion(), rows),
                charts);
    }

    /** One network on random tensors, kept per batch size. */
    static final class RawModel implements AutoCloseable {
        final OnnxModel model;
        final ModelSpec spec;
        private final Map<Integer, FloatInput> inputs = new ConcurrentHashMap<>();
        /** Time in {@code run}, summed over the threads calling it. */
        private final LongAdder nanos = new LongAdder();

        RawModel(ModelSpec spec, InferenceOptions options) {
            this.spec = spec;
            this.model = OnnxModel.open(spec.path(), options);
        }

        void run(int batch, int calls) {
            FloatInput input = inputs.computeIfAbsent(batch, this::randomInput);
            String name = model.inputs().keySet().iterator().next();
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                model.run(Map.of(name, input));
            }
            nanos.add(System.nanoTime() - start);
        }

        long nanos() {
            return nanos.sum();
        }

        private FloatInput randomInput(int batch) {
            Random random = new Random(42);
            long[] shape = {batch, spec.encoding().channels().count(), spec.inputHeight(), spec.inputWidth()};
            FloatBuffer data = FloatInput.allocate(shape);
            while (data.hasRemaining()) {
                data.put(random.nextFloat() * 2 - 1);
            }
            data.flip();
            return FloatInput.of(data, shape);
        }

        @Override
        public void close() {
            model.close();
        }
    }

    // ---------------------------------------------------------------- 2. pipeline vs raw

    static String pipelineVsRaw(FacePipelineConfig defaults, List<Workload> workloads, Path charts) throws Exception {
        Provenance provenance = Provenance.now();
        List<Results.PipelineRow> rows = new ArrayList<>();
        for (Workload workload : workloads) {
            for (int batch : new int[] {1, 8}) {
                Map<PipelineStage, LongAdder> stageNanos = new EnumMap<>(PipelineStage.class);
                for (PipelineStage stage : PipelineStage.values()) {
                    stageNanos.put(stage, new LongAdder());
                }
                FacePipelineConfig config = defaults.withMaxBatch(batch);
                ExecutorService batchThreads = Executors.newFixedThreadPool(config.batchesInFlight());
                try (FacePipeline pipeline = FacePipeline.open(
                                config,
                                (stage, items, nanos) -> stageNanos.get(stage).add(nanos));
                        // In sequence: one call per network and batch, on the intra-op threads of config.inference()
                        // (one per processor), as every earlier round measured the networks' own time.
                        RawModel detect = new RawModel(config.detector(), config.inference());
                        RawModel landmark = new RawModel(config.landmarker(), config.inference());
                        RawModel embed = new RawModel(embedder(config), config.inference());
                        // As the pipeline runs them: its batches in flight at once, on its sessions' threads.
                        RawModel detectAsRun = new RawModel(config.detector(), config.sessionOptions());
                        RawModel landmarkAsRun = new RawModel(config.landmarker(), config.sessionOptions());
                        RawModel embedAsRun = new RawModel(embedder(config), config.sessionOptions())) {
                    List<List<int[]>> calls = callPattern(pipeline, config, workload.images(), batch);
                    int faces = calls.stream()
                            .flatMap(List::stream)
                            .mapToInt(b -> b[1])
                            .sum();
                    stageNanos.values().forEach(LongAdder::reset);
                    Measurement[] m = Measurement.interleaved(
                            WARM_UP,
                            RUNS,
                            () -> {
                                for (List<int[]> call : calls) {
                                    int callImages =
                                            call.stream().mapToInt(b -> b[0]).sum();
                                    int callFaces =
                                            call.stream().mapToInt(b -> b[1]).sum();
                                    runRaw(detect, landmark, embed, batch, callImages, callFaces);
                                }
                            },
                            () -> {
                                for (List<int[]> call : calls) {
                                    List<Future<?>> running = new ArrayList<>();
                                    for (int[] b : call) {
                                        running.add(batchThreads.submit(() ->
                                                runRaw(detectAsRun, landmarkAsRun, embedAsRun, batch, b[0], b[1])));
                                    }
                                    for (Future<?> done : running) {
                                        done.get();
                                    }
                                }
                            },
                            () -> runPipeline(pipeline, workload.images(), batch));
                    int images = workload.images().size();
                    Map<PipelineStage, Long> stageTotals = new EnumMap<>(PipelineStage.class);
                    stageNanos.forEach((stage, nanos) -> stageTotals.put(stage, nanos.sum()));
                    Results.PipelineRow row = new Results.PipelineRow(
                            workload.name(),
                            workload.label(),
                            batch,
                            faces,
                            images,
                            WARM_UP + RUNS,
                            config.batchesInFlight(),
                            m[0].per(images),
                            m[1].per(images),
                            m[2].per(images),
                            stageTotals,
                            detectAsRun.nanos(),
                            landmarkAsRun.nanos(),
                            embedAsRun.nanos());
                    Figures.put(
                            "pipeline." + workload.name() + ".b" + batch + ".ratio",
                            row.pipeline().median() / row.raw().median());
                    Figures.put(
                            "pipeline." + workload.name() + ".b" + batch + ".ratio-as-run",
                            row.pipeline().median() / row.rawAsRun().median());
                    rows.add(row);
                } finally {
                    batchThreads.shutdownNow();
                }
            }
        }
        Path stacks = Path.of("var/bench/pipeline.collapsed");
        Optional<String> noProfile = Profiles.unavailableHere();
        Optional<Profiles.Summary> profile =
                noProfile.isPresent() ? Optional.empty() : Optional.of(profile(defaults, workloads.get(0), stacks));
        return BenchReport.pipelineVsRaw(
                new Results.PipelineVsRaw(
                        provenance, rows, profile, noProfile, stacks.toString(), inFlight(defaults, workloads)),
                charts);
    }

    /** The networks on ready tensors for this many images and faces: detection, then landmarks and embeddings. */
    private static void runRaw(RawModel detect, RawModel landmark, RawModel embed, int batch, int images, int faces) {
        detect.run(images, 1);
        for (int done = 0; done < faces; done += batch) {
            int n = Math.min(batch, faces - done);
            landmark.run(n, 1);
            embed.run(n, 1);
        }
    }

    // ---------------------------------------------------------------- 3. faces/s per recognition model

    /**
     * Faces/s of each recognition network alone and of the fusion, the same pipeline otherwise, interleaved run by run
     * on the one-face set at batch 8. "Recognition" is the align and embed stages (the part a model choice changes);
     * "pipeline" the whole of it, from JPEG bytes.
     */
    static String recognitionModels(Path models, Workload workload, Path charts) throws Exception {
        List<String> ids = List.of(
                FaceNetworks.FR_FEATURE,
                FaceNetworks.DLIB,
                FaceNetworks.MOBILEFACENET,
                FaceNetworks.FACERES,
                FaceNetworks.FUSION);
        Provenance provenance = Provenance.now();
        List<FacePipeline> pipelines = new ArrayList<>();
        List<LongAdder> recognitionNanos = new ArrayList<>();
        try {
            for (String id : ids) {
                LongAdder nanos = new LongAdder();
                recognitionNanos.add(nanos);
                pipelines.add(FacePipeline.open(
                        FacePipelineConfig.defaults(models, id).withMaxBatch(8), (stage, items, stageNanos) -> {
                            if (stage == PipelineStage.ALIGN || stage == PipelineStage.EMBED) {
                                nanos.add(stageNanos);
                            }
                        }));
            }
            int faces = runPipeline(pipelines.get(0), workload.images(), 8);
            recognitionNanos.forEach(LongAdder::reset);
            Measurement.Body[] bodies = pipelines.stream()
                    .map(pipeline -> (Measurement.Body) () -> runPipeline(pipeline, workload.images(), 8))
                    .toArray(Measurement.Body[]::new);
            Measurement[] m = Measurement.interleaved(WARM_UP, RUNS, bodies);
            List<Results.RecognitionRow> rows = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                double recognitionRate = faces
                        * (double) (WARM_UP + RUNS)
                        / (recognitionNanos.get(i).sum() / 1e9);
                Measurement perFace = m[i].per(faces);
                Figures.put("recognition." + ids.get(i) + ".faces-per-second", 1 / perFace.median());
                rows.add(new Results.RecognitionRow(
                        ids.get(i),
                        FaceNetworks.embedding(ids.get(i), models).networks().size(),
                        recognitionRate,
                        perFace));
            }
            return BenchReport.recognitionModels(
                    new Results.RecognitionModels(provenance, workload.label(), faces, rows), charts);
        } finally {
            for (FacePipeline pipeline : pipelines) {
                pipeline.close();
            }
        }
    }

    /**
     * The default pipeline (the fusion) without and with every face analysis asked for, interleaved run by run on
     * the group photos; the analyse stage's own time from the pipeline's listener.
     */
    static String faceAnalysis(Path models, Workload workload) throws Exception {
        Provenance provenance = Provenance.now();
        Set<Analysis> all = EnumSet.allOf(Analysis.class);
        FacePipelineConfig config =
                FacePipelineConfig.defaults(models, FaceNetworks.DEFAULT).withMaxBatch(8);
        LongAdder analyseNanos = new LongAdder();
        try (FacePipeline plain = FacePipeline.open(config);
                FacePipeline analysing = FacePipeline.open(config.withAnalyses(models, all), (stage, items, nanos) -> {
                    if (stage == PipelineStage.ANALYSE) {
                        analyseNanos.add(nanos);
                    }
                })) {
            int faces = runPipeline(plain, workload.images(), 8, Set.of());
            analyseNanos.reset();
            Measurement[] m = Measurement.interleaved(
                    WARM_UP,
                    RUNS,
                    () -> runPipeline(plain, workload.images(), 8, Set.of()),
                    () -> runPipeline(analysing, workload.images(), 8, all));
            Measurement plainPerFace = m[0].per(faces), analysingPerFace = m[1].per(faces);
            double analyseRate = faces * (double) (WARM_UP + RUNS) / (analyseNanos.sum() / 1e9);
            Figures.put("face-analysis.all.faces-per-second", 1 / analysingPerFace.median());
            return BenchReport.faceAnalysis(new Results.FaceAnalysis(
                    provenance,
                    FaceNetworks.DEFAULT,
                    workload.label(),
                    faces,
                    plainPerFace,
                    analysingPerFace,
                    analyseRate));
        }
    }

    /** The one recognition network of a single-network configuration (the raw-model comparisons need one). */
    static ModelSpec embedder(FacePipelineConfig config) {
        return config.embedding().networks().get(0).model();
    }

    /**
     * Per analyseAll call, per batch the pipeline splits it into ({@link FacePipelineConfig#batchSizes}): {images,
     * faces}, as the pipeline does them for these images at this batch.
     */
    private static List<List<int[]>> callPattern(
            FacePipeline pipeline, FacePipelineConfig config, List<byte[]> images, int batch) throws Exception {
        List<List<int[]>> calls = new ArrayList<>();
        for (int from = 0; from < images.size(); from += batch) {
            List<PreparedImage> prepared = new ArrayList<>();
            for (byte[] image : images.subList(from, Math.min(images.size(), from + batch))) {
                prepared.add(pipeline.prepare(image, 0, 0));
            }
            List<FaceAnalysis> results = pipeline.analyseAll(prepared);
            List<int[]> batches = new ArrayList<>();
            int first = 0;
            for (int size : config.batchSizes(prepared.size())) {
                int faces = results.subList(first, first + size).stream()
                        .mapToInt(a -> a.faces().size())
                        .sum();
                batches.add(new int[] {size, faces});
                first += size;
            }
            calls.add(batches);
        }
        return calls;
    }

    static int runPipeline(FacePipeline pipeline, List<byte[]> images, int batch) throws Exception {
        return runPipeline(pipeline, images, batch, Set.of());
    }

    /** The same, each image asking for the given face analyses. */
    static int runPipeline(FacePipeline pipeline, List<byte[]> images, int batch, Set<Analysis> analyses)
            throws Exception {
        int faces = 0;
        for (int from = 0; from < images.size(); from += batch) {
            List<PreparedImage> prepared =
                    prepareInParallel(pipeline, images.subList(from, Math.min(images.size(), from + batch)), analyses);
            List<FaceAnalysis> results = pipeline.analyseAll(prepared);
            if (results.size() != prepared.size()) {
                throw new IllegalStateException("pipeline lost images");
            }
            faces += results.stream().mapToInt(r -> r.faces().size()).sum();
        }
        return faces;
    }

    /** Each image's {@code prepare} (its decode), in parallel as the embedding service decodes a poll's records. */
    static List<PreparedImage> prepareInParallel(FacePipeline pipeline, List<byte[]> images, Set<Analysis> analyses) {
        PreparedImage[] prepared = new PreparedImage[images.size()];
        IntStream.range(0, images.size()).parallel().forEach(i -> {
            try {
                prepared[i] = pipeline.prepare(images.get(i), 0, 0, analyses);
            } catch (ImageRejectedException e) {
                throw new IllegalStateException("a benchmark image was refused: " + e.getMessage(), e);
            }
        });
        return List.of(prepared);
    }

    /**
     * Batches in flight against one batch at a time (each network's calls on one intra-op thread per processor, the
     * pipeline before batches in flight), interleaved; each set repeated twice, batch 8.
     */
    private static List<Results.InFlightRow> inFlight(FacePipelineConfig defaults, List<Workload> workloads)
            throws Exception {
        List<Results.InFlightRow> rows = new ArrayList<>();
        FacePipelineConfig config = defaults.withMaxBatch(8);
        try (FacePipeline oneAtATime = FacePipeline.open(config.withBatchesInFlight(1));
                FacePipeline inFlight = FacePipeline.open(config)) {
            for (Workload workload : workloads) {
                List<byte[]> images = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    images.addAll(workload.images());
                }
                Measurement[] m = Measurement.interleaved(
                        1, 5, () -> runPipeline(oneAtATime, images, 8), () -> runPipeline(inFlight, images, 8));
                Measurement single = m[0].per(images.size());
                Measurement several = m[1].per(images.size());
                Figures.put("in-flight." + workload.name() + ".speedup", single.median() / several.median());
                rows.add(new Results.InFlightRow(workload.label(), config.batchesInFlight(), single, several));
            }
        }
        return rows;
    }

    /** CPU-time samples of the pipeline alone (one-face, batch 8): where the time beyond the networks goes. */
    private static Profiles.Summary profile(FacePipelineConfig defaults, Workload workload, Path stacks)
            throws Exception {
        try (FacePipeline pipeline = FacePipeline.open(defaults.withMaxBatch(8))) {
            runPipeline(pipeline, workload.images(), 8);
            Profiles.Summary summary = Profiles.record(stacks, () -> {
                for (int i = 0; i < PROFILED_RUNS; i++) {
                    runPipeline(pipeline, workload.images(), 8);
                }
            });
            Figures.put("pipeline.profile", summary.headline(4));
            return summary;
        }
    }

    // ---------------------------------------------------------------- 4. peer

    static String peer(FacePipelineConfig defaults, Path models, List<Workload> workloads, Path charts)
            throws Exception {
        Path script = Path.of("tools/bench/peer/peer.js").toAbsolutePath();
        Provenance provenance = Provenance.now();
        String runtime = "";
        List<Results.PeerRow> rows = new ArrayList<>();
        for (Workload workload : workloads) {
            for (int batch : new int[] {1, 8}) {
                List<Measurement> javaRuns = new ArrayList<>();
                List<Measurement> nodeRuns = new ArrayList<>();
                int javaFaces = 0;
                int nodeFaces = 0;
                try (FacePipeline pipeline = FacePipeline.open(defaults.withMaxBatch(batch))) {
                    javaFaces = runPipeline(pipeline, workload.images(), batch);
                    for (int round = 0; round < PEER_ROUNDS; round++) {
                        javaRuns.add(
                                Measurement.of(1, PEER_RUNS, () -> runPipeline(pipeline, workload.images(), batch)));
                        Peer.Result result = Peer.run(script, models, batch, 2, PEER_RUNS, workload.files());
                        nodeRuns.add(result.seconds());
                        nodeFaces = result.faces();
                        runtime = result.runtime();
                    }
                }
                int images = workload.images().size();
                Measurement java = Measurement.merged(javaRuns).per(images);
                Measurement node = Measurement.merged(nodeRuns).per(images);
                Figures.put("peer." + workload.name() + ".b" + batch + ".ratio", node.median() / java.median());
                rows.add(new Results.PeerRow(
                        workload.name(), workload.label(), batch, javaFaces, nodeFaces, java, node));
            }
        }
        return BenchReport.peer(new Results.PeerComparison(provenance, runtime, rows), charts);
    }

    // ---------------------------------------------------------------- shared

    /** 640x480 views of the sample photos centred on one face, kept where the pipeline finds exactly one face. */
    static List<byte[]> oneFaceImages(FacePipeline pipeline, List<byte[]> photos) throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (byte[] bytes : photos) {
            BufferedImage photo = pipeline.decoder().decode(bytes).image();
            for (AnalysedFace face : pipeline.analyse(bytes).faces()) {
                byte[] view = jpeg(view(photo, face.box()));
                if (pipeline.analyse(view).faces().size() == 1 && images.size() < ONE_FACE_IMAGES) {
                    images.add(view);
                }
            }
        }
        if (images.size() < ONE_FACE_IMAGES) {
            throw new IllegalStateException("only " + images.size() + " one-face views found");
        }
        return images;
    }

    private static BufferedImage view(BufferedImage photo, DetectedFace face) {
        double height = Math.min(photo.getHeight(), face.height() * 2.2), width = height * 4 / 3;
        double x = Math.max(0, Math.min(photo.getWidth() - width, (face.x1() + face.x2()) / 2 - width / 2));
        double y = Math.max(0, Math.min(photo.getHeight() - height, (face.y1() + face.y2()) / 2 - height / 2));
        BufferedImage out = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, 0, 0, 640, 480, (int) x, (int) y, (int) (x + width), (int) (y + height), null);
        g.dispose();
        return out;
    }

    static byte[] jpeg(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }
}
