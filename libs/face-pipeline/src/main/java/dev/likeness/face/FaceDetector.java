package dev.likeness.face;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InputBuffers;
import dev.likeness.core.onnx.OnnxModel;

/**
 * The detection role: whole images in (stretched to the network's input), boxes in original pixels out, with the
 * score threshold, minimum size, IoU non-maximum suppression and per-image cap applied. Outputs: scores [N,K,2]
 * (column 1 = face), boxes [N,K,4] corners normalised to the input.
 */
final class FaceDetector implements AutoCloseable {

    private final ModelSpec spec;
    private final OnnxModel model;
    private final FacePipelineConfig config;
    private final PipelineStage.Listener listener;
    private final InputBuffers buffers = new InputBuffers();

    FaceDetector(FacePipelineConfig config, PipelineStage.Listener listener) {
        this.spec = config.detector();
        this.model = OnnxModel.open(spec.path(), config.sessionOptions());
        this.config = config;
        this.listener = listener;
    }

    /** The faces of each image, best score first, batching up to maxBatch images per call. */
    List<List<DetectedFace>> detect(List<PreparedImage> images, boolean inParallel) {
        int width = spec.inputWidth(), height = spec.inputHeight();
        int channels = spec.encoding().channels().count();
        List<List<DetectedFace>> detections = new ArrayList<>();
        for (int from = 0; from < images.size(); from += config.maxBatch()) {
            long start = System.nanoTime();
            List<PreparedImage> chunk = images.subList(from, Math.min(images.size(), from + config.maxBatch()));
            // Stretch, not letterbox: the detector's boxes are then plain fractions of the whole image.
            Map<String, FloatTensor> out;
            try (InputBuffers.Batch input = buffers.fill(
                    chunk.size(),
                    channels,
                    height,
                    width,
                    inParallel,
                    (i, slice) -> ImageTensors.resize(
                            chunk.get(i).forDetection().image(), width, height, spec.encoding(), slice))) {
                out = input.run(model, Set.copyOf(spec.outputNames()));
            }
            FloatTensor scores = out.get(spec.outputNames().get(0));
            FloatTensor boxes = out.get(spec.outputNames().get(1));
            int anchors = (int) scores.shape()[1];
            for (int i = 0; i < chunk.size(); i++) {
                detections.add(decode(chunk.get(i), scores.data(), boxes.data(), i, anchors));
            }
            listener.completed(PipelineStage.DETECT, chunk.size(), System.nanoTime() - start);
        }
        return detections;
    }

    private List<DetectedFace> decode(PreparedImage image, float[] scores, float[] boxes, int item, int anchors) {
        float w = image.width(), h = image.height();
        int minFace = image.minFacePx() > 0 ? image.minFacePx() : config.minFacePx();
        List<DetectedFace> candidates = new ArrayList<>();
        for (int k = 0; k < anchors; k++) {
            float score = scores[(item * anchors + k) * 2 + 1];
            if (score < config.scoreThreshold()) {
                continue;
            }
            int b = (item * anchors + k) * 4;
            DetectedFace face = new DetectedFace(
                    clamp(boxes[b] * w, w),
                    clamp(boxes[b + 1] * h, h),
                    clamp(boxes[b + 2] * w, w),
                    clamp(boxes[b + 3] * h, h),
                    score);
            if (Math.min(face.width(), face.height()) >= minFace) {
                candidates.add(face);
            }
        }
        int maxFaces = image.maxFaces() > 0 ? Math.min(image.maxFaces(), config.maxFaces()) : config.maxFaces();
        return NonMaxSuppression.apply(candidates, config.nmsIou(), maxFaces);
    }

    private static float clamp(float value, float max) {
        return Math.max(0, Math.min(max, value));
    }

    OnnxModel model() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }
}
