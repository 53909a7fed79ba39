package dev.likeness.face;

import java.nio.file.Path;
import java.util.List;

import dev.likeness.core.image.TensorEncoding;

/**
 * SSR-Net's age (shamangary/SSR-Net): Human's whole face square at 64 x 64 RGB, values 0..255 (its
 * {@code ssrnet-age.ts} multiplies the 0..1 crop by 255); one output, the age in years (the soft stagewise regression
 * is inside the graph).
 */
final class SsrNetAge extends AttributeNetwork {

    SsrNetAge(Path onnx, FacePipelineConfig config, PipelineStage.Listener listener) {
        super(Analysis.AGE, Analysis.AGE.spec(onnx, 64, TensorEncoding.rgb(0, 1), "Identity"), config, listener);
    }

    @Override
    List<FaceAttribute> decode(List<float[]> outputs) {
        return List.of(FaceAttribute.valued("age", analysis().id(), identity(), outputs.get(0)[0]));
    }
}
