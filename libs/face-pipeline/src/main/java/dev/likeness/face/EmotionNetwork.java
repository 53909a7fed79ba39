package dev.likeness.face;

import java.nio.file.Path;
import java.util.List;

import dev.likeness.core.image.TensorEncoding;

/**
 * oarriaga's face_classification emotion network (mini-Xception, FER-2013): Human's whole face square at 64 x 64
 * grey, scaled to -1..1 ({@code emotion.ts}); softmax over its seven FER-2013 classes, in its order.
 */
final class EmotionNetwork extends AttributeNetwork {

    static final List<String> EMOTIONS = List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");

    EmotionNetwork(Path onnx, FacePipelineConfig config, PipelineStage.Listener listener) {
        super(
                Analysis.EMOTION,
                Analysis.EMOTION.spec(onnx, 64, TensorEncoding.grey(127.5f, 127.5f), "Identity"),
                config,
                listener);
    }

    @Override
    List<FaceAttribute> decode(List<float[]> outputs) {
        return List.of(FaceAttribute.classified("emotion", analysis().id(), identity(), EMOTIONS, outputs.get(0)));
    }
}
