package dev.likeness.onnx.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OrtSession;
import dev.likeness.onnx.model.ModelProto;

@Tag("models")
class OnnxModelsTest {

    @Test
    void roundTripKeepsTheFileAndItsOutputs(@TempDir Path temp) throws Exception {
        Path original = ModelFiles.faceModel("fr_feature");
        Path copy = temp.resolve("fr_feature.onnx");

        ModelProto model = OnnxModels.read(original);
        OnnxModels.write(model, copy);

        assertThat(model.getGraph().getNodeCount()).isPositive();
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(original));
        try (OrtSession originalSession = OrtRuns.session(Files.readAllBytes(original));
                OrtSession copySession = OrtRuns.session(Files.readAllBytes(copy))) {
            long[] shape = OrtRuns.inputShape(originalSession);
            float[] input = OrtRuns.randomValues((int) OrtRuns.elementsPerItem(shape), 42);
            Map<String, float[]> expected = OrtRuns.run(originalSession, input, shape);
            Map<String, float[]> actual = OrtRuns.run(copySession, input, shape);
            assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
            expected.forEach(
                    (name, values) -> assertThat(actual.get(name)).as(name).containsExactly(values));
        }
    }
}
