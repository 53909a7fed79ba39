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
        ImageLimits limits,
        InferenceOptions inference,
        Map<Analysis, Path> analyses) {

    public FacePipelineConfig {
        analyses = Map.copyOf(analyses);
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
                ImageLimits.defaults(),
                InferenceOptions.defaults(),
                Map.of());
    }

    public FacePipelineConfig withEmbedding(EmbeddingSpec other) {
        return new FacePipelineConfig(
                detector,
                landmarker,
                other,
                scoreThreshold,
                nmsIou,
                maxFaces,
                minFacePx,
                maxBatch,
                limits,
                inference,
                analyses);
    }

    public FacePipelineConfig withMaxBatch(int batch) {
        return new FacePipelineConfig(
                detector,
                landmarker,
                embedding,
                scoreThreshold,
                nmsIou,
                maxFaces,
                minFacePx,
                batch,
                limits,
                inference,
                analyses);
    }

    /** The same, loading the given analyses' networks from where `make models` writes them. */
    public FacePipelineConfig withAnalyses(Path modelsDir, Set<Analysis> wanted) {
        Map<Analysis, Path> files = new EnumMap<>(Analysis.class);
        wanted.forEach(analysis -> files.put(analysis, analysis.defaultFile(modelsDir)));
        return new FacePipelineConfig(
                detector,
                landmarker,
                embedding,
                scoreThreshold,
                nmsIou,
                maxFaces,
                minFacePx,
                maxBatch,
                limits,
                inference,
                files);
    }
}
