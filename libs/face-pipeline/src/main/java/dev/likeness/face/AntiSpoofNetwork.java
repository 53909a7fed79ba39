package dev.likeness.face;

import java.nio.file.Path;
import java.util.List;

import dev.likeness.core.image.TensorEncoding;

/**
 * human-models' anti-spoofing network: Human's whole face square at 128 x 128 RGB, values 0..1 ({@code antispoof.ts});
 * one sigmoid, which Human reports as the face's {@code real} score: the probability of live, spoof is its complement.
 */
final class AntiSpoofNetwork extends AttributeNetwork {

    static final List<String> CLASSES = List.of("live", "spoof");

    AntiSpoofNetwork(Path onnx, FacePipelineConfig config, PipelineStage.Listener listener) {
        super(
                Analysis.ANTISPOOF,
                Analysis.ANTISPOOF.spec(onnx, 128, TensorEncoding.rgb(0, 255), "Identity"),
                config,
                listener);
    }

    @Override
    List<FaceAttribute> decode(List<float[]> outputs) {
        float live = outputs.get(0)[0];
        return List.of(FaceAttribute.classified(
                "liveness", analysis().id(), identity(), CLASSES, new float[] {live, 1 - live}));
    }
}
