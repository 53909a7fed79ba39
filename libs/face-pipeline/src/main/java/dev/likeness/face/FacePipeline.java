package dev.likeness.face;

import java.awt.Rectangle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.likeness.core.image.DecodeOptions;
import dev.likeness.core.image.DecodedImage;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.onnx.OnnxModel;

/**
 * Image bytes -> faces: detection on a decode reduced to at least twice the detector's side (small images
 * whole), 68 landmarks and alignment on full-resolution pixels (that same decode when it is whole, else a decode
 * of the face regions only), then the embedding: one network's, or a fusion of several, each network aligned as it
 * was trained. One class per role ({@link FaceDetector}, {@link FaceLandmarker}, {@link FaceRecogniser}, as
 * insightface's model zoo); every network runs once per batch of images (or faces), not once per face. Thread-safe.
 */
public final class FacePipeline implements AutoCloseable {

    /** The landmark crop is a square of side = box height; alignment also needs some margin around it. */
    private static final double REGION_MARGIN = 0.35;
    /** Decode face regions so that the smallest face keeps at least this many pixels of height. */
    private static final int DETAIL_FACE_PX = 160;

    private final FacePipelineConfig config;
    private final ImageDecoder decoder;
    private final FaceDetector detector;
    private final FaceLandmarker landmarker;
    private final FaceEmbedder embedder;
    private final Map<Analysis, AttributeNetwork> analysers = new EnumMap<>(Analysis.class);
    private final ModelIdentity detectorIdentity;
    private final ModelIdentity landmarkerIdentity;
    private final ModelIdentity embeddingIdentity;
    private final PipelineStage.Listener listener;
    /** Runs the batches in flight beyond the calling thread's own; none when one batch at a time. */
    private final ExecutorService batchThreads;

    /** The id and resolved version of one model, as written into events. */
    public record ModelIdentity(String id, String version) {}

    private FacePipeline(FacePipelineConfig config, PipelineStage.Listener listener) {
        this.config = config;
        this.listener = listener;
        this.decoder = new ImageDecoder(config.limits());
        this.detectorIdentity = identify(config.detector());
        this.landmarkerIdentity = identify(config.landmarker());
        this.embeddingIdentity = identify(config.embedding());
        // Warm-up runs at the declared shapes with the symbolic batch dimension set to 1.
        this.detector = new FaceDetector(config, listener);
        this.landmarker = new FaceLandmarker(config, listener);
        this.embedder = new FaceEmbedder(config.embedding(), config, listener);
        this.batchThreads = config.batchesInFlight() > 1
                ? Executors.newFixedThreadPool(config.batchesInFlight() - 1, batchThreadFactory())
                : null;
        try {
            for (Analysis analysis : Analysis.values()) {
                Path file = config.analyses().get(analysis);
                if (file != null) {
                    analysers.put(analysis, analysis.open(file, config, listener));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Daemon threads: a pipeline left open must not keep the JVM alive. */
    private static ThreadFactory batchThreadFactory() {
        AtomicInteger created = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "face-pipeline-batch-" + created.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public static FacePipeline open(FacePipelineConfig config) {
        return open(config, PipelineStage.Listener.NONE);
    }

    public static FacePipeline open(FacePipelineConfig config, PipelineStage.Listener listener) {
        return new FacePipeline(config, listener);
    }

    /** Checks the limits and decodes for detection (see the class comment); the part that refuses bad input. */
    public PreparedImage prepare(byte[] bytes, int maxFaces, int minFacePx) throws ImageRejectedException {
        return prepare(bytes, maxFaces, minFacePx, Set.of());
    }

    /**
     * The same, also asking for face analyses; each must be one the pipeline loaded ({@link #analyses()}).
     *
     * @throws IllegalArgumentException for an analysis the pipeline did not load
     */
    public PreparedImage prepare(byte[] bytes, int maxFaces, int minFacePx, Set<Analysis> analyses)
            throws ImageRejectedException {
        for (Analysis analysis : analyses) {
            if (!analysers.containsKey(analysis)) {
                throw new IllegalArgumentException("analysis " + analysis.id() + " is not enabled here; enabled: "
                        + String.join(
                                ", ", analyses().stream().map(Analysis::id).toList()));
            }
        }
        long start = System.nanoTime();
        // At least twice the detector's side: the JDK's JPEG reader decodes every pixel whatever the subsampling,
        // so reducing a small image saves no decoding, and keeping it whole lets its faces be cut from the same pixels
        // (one decode instead of two; detailDecode). Large photos are still reduced, to bound memory.
        int longSide =
                2 * Math.max(config.detector().inputWidth(), config.detector().inputHeight());
        DecodedImage reduced = decoder.decode(bytes, DecodeOptions.reducedTo(longSide));
        listener.completed(PipelineStage.DECODE, 1, System.nanoTime() - start);
        return new PreparedImage(bytes, reduced, maxFaces, minFacePx, analyses);
    }

    /** Convenience for one image with the pipeline's defaults. */
    public FaceAnalysis analyse(byte[] bytes) throws ImageRejectedException {
        return analyseAll(List.of(prepare(bytes, 0, 0))).get(0);
    }

    /**
     * Finds, aligns and embeds the faces of every image, batching each network across the images: the images are split
     * into batches ({@link FacePipelineConfig#batchSizes}), up to {@code batchesInFlight} of which run at once, the
     * calling thread running one; results in the order of the images.
     */
    public List<FaceAnalysis> analyseAll(List<PreparedImage> images) throws ImageRejectedException {
        List<List<PreparedImage>> batches = batches(images);
        if (batches.size() == 1) {
            return analyseBatch(images, true);
        }
        List<FaceAnalysis>[] results = analyseInFlight(batches);
        List<FaceAnalysis> all = new ArrayList<>(images.size());
        for (List<FaceAnalysis> batch : results) {
            all.addAll(batch);
        }
        return all;
    }

    /** Contiguous runs of the images, as {@link FacePipelineConfig#batchSizes} sizes them. */
    private List<List<PreparedImage>> batches(List<PreparedImage> images) {
        int[] sizes = config.batchSizes(images.size());
        List<List<PreparedImage>> batches = new ArrayList<>(sizes.length);
        int from = 0;
        for (int size : sizes) {
            batches.add(images.subList(from, from + size));
            from += size;
        }
        return batches;
    }

    /**
     * Runs the batches on the calling thread and up to {@code batchesInFlight - 1} of the pipeline's own, each taking
     * the next batch not yet taken. On a failure no further batch is started; the first failure is thrown once every
     * running batch has finished (unless the caller is interrupted), so none still uses the networks when the caller
     * sees it.
     */
    @SuppressWarnings("unchecked")
    private List<FaceAnalysis>[] analyseInFlight(List<List<PreparedImage>> batches) throws ImageRejectedException {
        List<FaceAnalysis>[] results = new List[batches.size()];
        AtomicInteger next = new AtomicInteger();
        Callable<Void> worker = () -> {
            try {
                for (int b = next.getAndIncrement(); b < batches.size(); b = next.getAndIncrement()) {
                    results[b] = analyseBatch(batches.get(b), false);
                }
                return null;
            } catch (Exception | Error e) {
                next.set(batches.size());
                throw e;
            }
        };
        int helpers = Math.min(config.batchesInFlight(), batches.size()) - 1;
        List<Future<Void>> helping = new ArrayList<>(helpers);
        // Whoever sets a helper's flag first decides: the helper's thread (it runs) or the caller (it never will).
        List<AtomicBoolean> started = new ArrayList<>(helpers);
        try {
            for (int i = 0; i < helpers; i++) {
                AtomicBoolean claim = new AtomicBoolean();
                helping.add(batchThreads.submit(() -> claim.compareAndSet(false, true) ? worker.call() : null));
                started.add(claim);
            }
        } catch (RejectedExecutionException closed) {
            // The pipeline is closing: the calling thread takes every batch, and the closed models say why.
        }
        Throwable failure = null;
        try {
            worker.call();
        } catch (Exception | Error e) {
            failure = e;
        }
        for (int i = 0; i < helping.size(); i++) {
            // One still queued (its thread busy with another caller's batch) has nothing left to take.
            if (started.get(i).compareAndSet(false, true)) {
                continue;
            }
            try {
                helping.get(i).get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                next.set(batches.size());
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof ImageRejectedException rejected) {
            throw rejected;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new IllegalStateException("a batch of the pipeline failed: " + failure, failure);
        }
        return results;
    }

    /**
     * One batch: each network runs once (or once per {@code maxBatch} faces) over all of its images. A batch that runs
     * alone spreads its per-image Java work (decodes, tensor fills) over the common fork-join pool; one among others in
     * flight keeps it on its own thread, as the others keep the other cores busy. Measured on 2 cores (2026-12-07):
     * batches in flight ran 1.1x faster that way; and two batch threads waiting in the pool for each other's items
     * can spin (with no pool thread at all, {@code common.parallelism=0}, for good).
     */
    private List<FaceAnalysis> analyseBatch(List<PreparedImage> images, boolean alone) throws ImageRejectedException {
        List<List<DetectedFace>> detections = detector.detect(images, alone);
        long decodeStart = System.nanoTime();
        DecodedImage[] details = detailDecodes(images, detections, alone);
        List<FaceJob> jobs = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            for (DetectedFace face : detections.get(i)) {
                jobs.add(new FaceJob(i, face, details[i]));
            }
        }
        listener.completed(PipelineStage.DECODE, jobs.size(), System.nanoTime() - decodeStart);
        landmarker.locate(jobs, alone);
        embedder.embed(jobs, alone);
        for (Map.Entry<Analysis, AttributeNetwork> analyser : analysers.entrySet()) {
            List<FaceJob> asked = jobs.stream()
                    .filter(job -> images.get(job.imageIndex).analyses().contains(analyser.getKey()))
                    .toList();
            analyser.getValue().analyse(asked, alone);
        }

        List<List<AnalysedFace>> perImage = new ArrayList<>();
        images.forEach(image -> perImage.add(new ArrayList<>()));
        for (FaceJob job : jobs) {
            perImage.get(job.imageIndex)
                    .add(new AnalysedFace(
                            job.face,
                            job.landmarks5,
                            job.landmarks68,
                            job.embedding,
                            job.sharpness,
                            FaceLandmarks.yawDegrees(job.landmarks5),
                            job.attributes));
        }
        List<FaceAnalysis> results = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            results.add(new FaceAnalysis(images.get(i).width(), images.get(i).height(), perImage.get(i)));
        }
        return results;
    }

    /**
     * One photo's faces and the pixels they were aligned from (decoded again: the pipeline keeps no pixels), for
     * explaining the embedding in terms of the photo's pixels.
     */
    public AlignedPhoto alignedPhoto(byte[] bytes) throws ImageRejectedException {
        PreparedImage image = prepare(bytes, 0, 0);
        List<AnalysedFace> faces = analyseAll(List.of(image)).get(0).faces();
        DecodedImage pixels = faces.isEmpty()
                ? image.forDetection()
                : detailDecode(image, faces.stream().map(AnalysedFace::box).toList());
        return new AlignedPhoto(pixels, faces);
    }

    /**
     * The pixels each image's faces are cut from (none for an image without faces), the images decoded in parallel on
     * the common fork-join pool ({@code inParallel}): a group photo's region decode is most of its Java work.
     */
    private DecodedImage[] detailDecodes(
            List<PreparedImage> images, List<List<DetectedFace>> detections, boolean inParallel)
            throws ImageRejectedException {
        DecodedImage[] details = new DecodedImage[images.size()];
        ImageRejectedException[] refusals = new ImageRejectedException[images.size()];
        IntStream indices = IntStream.range(0, images.size());
        (inParallel ? indices.parallel() : indices).forEach(i -> {
            if (!detections.get(i).isEmpty()) {
                try {
                    details[i] = detailDecode(images.get(i), detections.get(i));
                } catch (ImageRejectedException e) {
                    refusals[i] = e;
                }
            }
        });
        for (ImageRejectedException refusal : refusals) {
            if (refusal != null) {
                throw refusal;
            }
        }
        return details;
    }

    /**
     * Decodes, once per image, the union of its face regions at the resolution the faces need: a 1920 px
     * group photo is decoded again only where faces are, and only as finely as alignment needs.
     */
    private DecodedImage detailDecode(PreparedImage image, List<DetectedFace> faces) throws ImageRejectedException {
        if (image.forDetection().subsampling() == 1) {
            return image.forDetection();
        }
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = 0, maxY = 0, smallest = Double.MAX_VALUE;
        for (DetectedFace face : faces) {
            double side = face.height() * (1 + 2 * REGION_MARGIN);
            double cx = (face.x1() + face.x2()) / 2, cy = (face.y1() + face.y2()) / 2;
            minX = Math.min(minX, cx - side / 2);
            minY = Math.min(minY, cy - side / 2);
            maxX = Math.max(maxX, cx + side / 2);
            maxY = Math.max(maxY, cy + side / 2);
            smallest = Math.min(smallest, face.height());
        }
        int x = (int) Math.max(0, Math.floor(minX)), y = (int) Math.max(0, Math.floor(minY));
        Rectangle region = new Rectangle(
                x,
                y,
                (int) Math.min(image.width(), Math.ceil(maxX)) - x,
                (int) Math.min(image.height(), Math.ceil(maxY)) - y);
        int subsampling = (int) Math.max(1, Math.floor(smallest / DETAIL_FACE_PX));
        return decoder.decode(image.bytes(), new DecodeOptions(region, subsampling, 0));
    }

    static ModelIdentity identify(ModelSpec spec) {
        return new ModelIdentity(spec.id(), spec.version().isBlank() ? sha256Prefix(spec.path()) : spec.version());
    }

    /** A fusion's version, unless configured: a hash of its networks' ids, versions and weights. */
    static ModelIdentity identify(EmbeddingSpec spec) {
        if (!spec.version().isBlank()) {
            return new ModelIdentity(spec.id(), spec.version());
        }
        if (!spec.fused()) {
            return new ModelIdentity(
                    spec.id(), identify(spec.networks().get(0).model()).version());
        }
        StringBuilder parts = new StringBuilder();
        for (EmbeddingSpec.Network network : spec.networks()) {
            ModelIdentity identity = identify(network.model());
            // Six decimals: 0.2 configured and 1 - 0.8 computed are the same weight.
            parts.append(identity.id())
                    .append('@')
                    .append(identity.version())
                    .append('*')
                    .append(String.format(Locale.ROOT, "%.6f", network.weight()))
                    .append(';');
        }
        return new ModelIdentity(spec.id(), sha256Prefix(parts.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static String sha256Prefix(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest())
                    .substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash model file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String sha256Prefix(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    .substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public ModelIdentity detectorModel() {
        return detectorIdentity;
    }

    public ModelIdentity landmarkModel() {
        return landmarkerIdentity;
    }

    /** The model whose embeddings the analyses carry: a network's, or the fusion's. */
    public ModelIdentity embeddingModel() {
        return embeddingIdentity;
    }

    /** The embedding's networks, alignments and weights, as configured. */
    public EmbeddingSpec embedding() {
        return config.embedding();
    }

    public int embeddingDimension() {
        return embedder.dimension();
    }

    /** The dimension of each network's part of the embedding, in the order of the embedding's networks. */
    public List<Integer> networkDimensions() {
        return embedder.recognisers().stream().map(FaceRecogniser::dimension).toList();
    }

    /** The analyses the pipeline loaded, which requests may ask for. */
    public Set<Analysis> analyses() {
        return analysers.isEmpty() ? Set.of() : EnumSet.copyOf(analysers.keySet());
    }

    /** The model of each loaded analysis. */
    public Map<Analysis, ModelIdentity> analysisModels() {
        Map<Analysis, ModelIdentity> models = new EnumMap<>(Analysis.class);
        analysers.forEach((analysis, network) -> models.put(analysis, network.identity()));
        return models;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** The models, for health and diagnostics (provider, fallback). */
    public List<OnnxModel> models() {
        List<OnnxModel> models = new ArrayList<>(List.of(detector.model(), landmarker.model()));
        embedder.recognisers().forEach(recogniser -> models.add(recogniser.model()));
        analysers.values().forEach(network -> models.add(network.model()));
        return models;
    }

    @Override
    public void close() {
        if (batchThreads != null) {
            batchThreads.shutdownNow();
        }
        detector.close();
        landmarker.close();
        embedder.close();
        analysers.values().forEach(AttributeNetwork::close);
    }
}
