package dev.likeness.face;

import java.nio.file.Path;
import java.util.List;

import dev.likeness.core.image.TensorEncoding;

/**
 * human-models' liveness network: Human's whole face square at 32 x 32 RGB, values 0..1 ({@code liveness.ts});
 * softmax over two classes, the first of which Human reports as the face's {@code live} score.
 */
final class LivenessNetwork extends AttributeNetwork {

    LivenessNetwork(Path onnx, FacePipelineConfig config, PipelineStage.Listener listener) {
        super(
                Analysis.LIVENESS,
                Analysis.LIVENESS.spec(onnx, 32, TensorEncoding.rgb(0, 255), "Identity"),
                config,
                listener);
    }

    @Override
    List<FaceAttribute> decode(List<float[]> outputs) {
        return List.of(FaceAttribute.classified(
                "liveness", analysis().id(), identity(), AntiSpoofNetwork.CLASSES, outputs.get(0)));
    }
}
