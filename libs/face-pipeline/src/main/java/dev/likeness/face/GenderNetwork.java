package dev.likeness.face;

import java.nio.file.Path;
import java.util.List;

import dev.likeness.core.image.TensorEncoding;

/**
 * human-models' {@code gender} network, oarriaga's face_classification gender mini-Xception (IMDB faces; not the
 * SSR-Net gender, which human-models ships as {@code gender-ssrnet-imdb}): Human's whole face square at 64 x 64 grey
 * (luma 0.2989 R + 0.587 G + 0.114 B), scaled to -1..1 ({@code ssrnet-gender.ts}, which feeds it: (grey - 0.5) x 2 on
 * 0..1 values); softmax over (female, male), in that order.
 */
final class GenderNetwork extends AttributeNetwork {

    static final List<String> GENDERS = List.of("female", "male");

    GenderNetwork(Path onnx, FacePipelineConfig config, PipelineStage.Listener listener) {
        super(
                Analysis.GENDER,
                Analysis.GENDER.spec(onnx, 64, TensorEncoding.grey(127.5f, 127.5f), "Identity"),
                config,
                listener);
    }

    @Override
    List<FaceAttribute> decode(List<float[]> outputs) {
        return List.of(FaceAttribute.classified("gender", analysis().id(), identity(), GENDERS, outputs.get(0)));
    }
}
