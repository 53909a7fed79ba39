package dev.likeness.face;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import dev.likeness.core.image.ImageLimits;
import dev.likeness.core.onnx.InferenceOptions;

/**
 * Everything the pipeline needs: the networks, the detector's decision rule and the limits.
 *
 * @param detector        outputs: scores [N,K,2] (column 1 = face), boxes [N,K,4] corners normalised to the input
 * @param landmarker      output: [N, 2 * points] in [0,1] of a square crop of side = box height
 * @param embedding       the embedding events carry: one network, or a fusion of several
 * @param scoreThreshold  keep detections with at least this face score
 * @param nmsIou          suppress a detection overlapping a better one by more than this IoU
 * @param maxFaces        keep at most this many faces per image, best score first
 * @param minFacePx       ignore faces whose shorter box side is below this, in original pixels
 * @param maxBatch        most faces (or images, for detection) per ONNX Runtime call
 * @param batchesInFlight how many batches of one {@code analyseAll} call run at once, each on its own thread; when
 *                        {@code inference} leaves intra-op threads at 0, each session gets the available processors
 *                        divided among them (see {@link #sessionOptions})
 * @param analyses        the face-analysis networks to load, by analysis (none by default); requests pick among them
 */
public record FacePipelineConfig(
        ModelSpec detector,
        ModelSpec landmarker,
        EmbeddingSpec embedding,
        float scoreThreshold,
        float nmsIou,
        int maxFaces,
        int minFacePx,
        int maxBatch,
        int batchesInFlight,
        ImageLimits limits,
        InferenceOptions inference,
        Map<Analysis, Path> analyses) {

    /**
     * Two: on the 2-core machine this project measures on (2026-12-07), two batches on one intra-op thread each ran the
     * pipeline 1.1-1.3x faster than one batch on two threads, as ONNX Runtime's second thread adds up to 1.4x the CPU
     * work at batch 8 and each batch's Java work (decoding, resampling) overlaps the other's networks
     * (docs/benchmarks.md).
     */
    public static final int DEFAULT_BATCHES_IN_FLIGHT = 2;

    public FacePipelineConfig {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
        }
        if (batchesInFlight < 1) {
            throw new IllegalArgumentException("batchesInFlight must be >= 1, was " + batchesInFlight);
        }
        analyses = Map.copyOf(analyses);
    }

    /**
     * The options the pipeline's sessions are opened with: {@code inference} as configured, but for intra-op threads
     * left at 0, which become the processors available to the JVM divided among the batches in flight (at least one),
     * so that the batches running at once do not oversubscribe the cores.
     */
    public InferenceOptions sessionOptions() {
        if (inference.intraOpThreads() > 0) {
            return inference;
        }
        int perBatch = Math.max(1, Runtime.getRuntime().availableProcessors() / batchesInFlight);
        return inference.toBuilder().intraOpThreads(perBatch).build();
    }

    /** The networks from `make models`, embedding with {@link FaceNetworks#FR_FEATURE}, settings of ../shared/models.md. */
    public static FacePipelineConfig defaults(Path modelsDir) {
        return defaults(modelsDir, FaceNetworks.FR_FEATURE);
    }

    /** The same with the embedding of another known model id ({@link FaceNetworks#embedding}). */
    public static FacePipelineConfig defaults(Path modelsDir, String embeddingModel) {
        return new FacePipelineConfig(
                FaceNetworks.detector(modelsDir),
                FaceNetworks.landmarker(modelsDir),
                FaceNetworks.embedding(embeddingModel, modelsDir),
                0.65f,
                0.4f,
                32,
                16,
                8,
                DEFAULT_BATCHES_IN_FLIGHT,
                ImageLimits.defaults(),
                InferenceOptions.defaults(),
                Map.of());
    }

    /**
     * How {@code analyseAll} splits this many images into batches: evenly, into at least enough for {@code maxBatch}
     * and at least as many as {@code batchesInFlight} allows (one per image at most), so that a call of fewer images
     * than {@code maxBatch} still keeps every batch thread busy. The sizes, in order; they differ by at most one.
     */
    public int[] batchSizes(int images) {
        int count = Math.max(1, Math.max((images + maxBatch - 1) / maxBatch, Math.min(batchesInFlight, images)));
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            sizes[i] = images / count + (i < images % count ? 1 : 0);
        }
        return sizes;
    }

    public FacePipelineConfig withEmbedding(EmbeddingSpec other) {
        return with(other, maxBatch, batchesInFlight, inference, analyses);
    }

    public FacePipelineConfig withMaxBatch(int batch) {
        return with(embedding, batch, batchesInFlight, inference, analyses);
    }

    public FacePipelineConfig withBatchesInFlight(int batches) {
        return with(embedding, maxBatch, batches, inference, analyses);
    }

    public FacePipelineConfig withInference(InferenceOptions options) {
        return with(embedding, maxBatch, batchesInFlight, options, analyses);
    }

    /** The same, loading the given analyses' networks from where `make models` writes them. */
    public FacePipelineConfig withAnalyses(Path modelsDir, Set<Analysis> wanted) {
        Map<Analysis, Path> files = new EnumMap<>(Analysis.class);
        wanted.forEach(analysis -> files.put(analysis, analysis.defaultFile(modelsDir)));
        return with(embedding, maxBatch, batchesInFlight, inference, files);
    }

    /** This configuration with the components the withers change; the detector's settings and limits kept. */
    private FacePipelineConfig with(
            EmbeddingSpec embedding,
            int maxBatch,
            int batchesInFlight,
            InferenceOptions inference,
            Map<Analysis, Path> analyses) {
        return new FacePipelineConfig(
                detector,
                landmarker,
                embedding,
                scoreThreshold,
                nmsIou,
                maxFaces,
                minFacePx,
                maxBatch,
                batchesInFlight,
                limits,
                inference,
                analyses);
    }
}
