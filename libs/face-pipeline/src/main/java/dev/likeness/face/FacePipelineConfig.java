package dev.likeness.face;

import java.nio.file.Path;
import java.util.List;

import dev.likeness.core.image.ImageLimits;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.onnx.InferenceOptions;

/**
 * Everything the pipeline needs: the three networks, the detector's decision rule and the limits.
 *
 * @param detector        outputs: scores [N,K,2] (column 1 = face), boxes [N,K,4] corners normalised to the input
 * @param landmarker      output: [N, 2 * points] in [0,1] of a square crop of side = box height
 * @param embedder        output: [N, D]; D is read from the model
 * @param scoreThreshold  keep detections with at least this face score
 * @param nmsIou          suppress a detection overlapping a better one by more than this IoU
 * @param maxFaces        keep at most this many faces per image, best score first
 * @param minFacePx       ignore faces whose shorter box side is below this, in original pixels
 * @param maxBatch        most faces (or images, for detection) per ONNX Runtime call
 */
public record FacePipelineConfig(
        ModelSpec detector,
        ModelSpec landmarker,
        ModelSpec embedder,
        float scoreThreshold,
        float nmsIou,
        int maxFaces,
        int minFacePx,
        int maxBatch,
        ImageLimits limits,
        InferenceOptions inference) {

    /** The faceplugin networks from `make models` (batch variants), with the settings in ../shared/models.md. */
    public static FacePipelineConfig defaults(Path modelsDir) {
        Path batch = modelsDir.resolve("face/batch");
        return new FacePipelineConfig(
                new ModelSpec(
                        batch.resolve("fr_detect.onnx"),
                        "faceplugin-fr-detect",
                        "",
                        320,
                        240,
                        TensorEncoding.rgb(127, 128),
                        List.of("scores", "boxes")),
                new ModelSpec(
                        batch.resolve("fr_landmark.onnx"),
                        "faceplugin-fr-landmark",
                        "",
                        64,
                        64,
                        TensorEncoding.grey(0, 256),
                        List.of("output")),
                new ModelSpec(
                        batch.resolve("fr_feature.onnx"),
                        "faceplugin-fr-feature",
                        "",
                        112,
                        112,
                        TensorEncoding.rgb(127, 128),
                        List.of("output")),
                0.65f,
                0.4f,
                32,
                16,
                8,
                ImageLimits.defaults(),
                InferenceOptions.defaults());
    }
}
