package dev.likeness.onnx.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import ai.onnxruntime.OrtSession;
import dev.likeness.onnx.tools.MakeHumanModels.Conversion;
import dev.likeness.onnx.tools.tfjs.TfjsGraphImporter;
import dev.likeness.onnx.tools.tfjs.TfjsGraphImporter.Options;
import dev.likeness.onnx.tools.tfjs.TfjsGraphModel;
import dev.likeness.onnx.tools.tfjs.TfjsReference;
import dev.likeness.onnx.tools.tfjs.TfjsReference.Tensor;

/**
 * The human-models networks that {@code make models} imports ({@code models/human/*.onnx}) give the outputs of
 * their TF.js graph models run by the pure-JavaScript {@code @tensorflow/tfjs} in node, on the same random batch;
 * and MobileFaceNet's PReLU repair brings its negative branches back.
 */
@Tag("models")
class HumanModelsGoldenTest {

    private static final int BATCH = 2;
    /** float32 rounding of two different operation orders; the largest difference seen was 6e-7. */
    private static final double TOLERANCE = 1e-5;

    static Stream<Conversion> shippedGraphs() {
        return MakeHumanModels.CONVERSIONS.stream()
                .filter(conversion -> !conversion.options().restorePrelu());
    }

    @Test
    void theGeneratedModelsAreWhatTheImporterMakes() throws Exception {
        for (Conversion conversion : MakeHumanModels.CONVERSIONS) {
            byte[] built = TfjsGraphImporter.importModel(modelJson(conversion), conversion.options())
                    .toByteArray();
            assertThat(built)
                    .as(conversion.target())
                    .isEqualTo(Files.readAllBytes(ModelFiles.generated("human/" + conversion.target() + ".onnx")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedGraphs")
    void onnxRuntimeGivesWhatTfjsGives(Conversion conversion) throws Exception {
        Path modelJson = modelJson(conversion);
        try (OrtSession session =
                OrtRuns.session(Files.readAllBytes(ModelFiles.generated("human/" + conversion.target() + ".onnx")))) {
            long[] nchw = OrtRuns.inputShape(session).clone();
            nchw[0] = BATCH;
            float[] input = OrtRuns.randomValues(Math.toIntExact(BATCH * OrtRuns.elementsPerItem(nchw)), 16);
            List<String> outputs = List.copyOf(session.getOutputNames());

            Map<String, float[]> actual = OrtRuns.run(session, input, nchw);
            Map<String, Tensor> expected = TfjsReference.runGraphModel(
                    modelJson,
                    Map.of(
                            session.getInputNames().iterator().next(),
                            new Tensor(new long[] {BATCH, nchw[2], nchw[3], nchw[1]}, toNhwc(input, nchw))),
                    outputs);

            for (String output : outputs) {
                float[] reference = expected.get(output).values();
                assertThat(actual.get(output)).as(output).hasSameSizeAs(reference);
                double largest = 0;
                double difference = 0;
                for (int i = 0; i < reference.length; i++) {
                    largest = Math.max(largest, Math.abs(reference[i]));
                    difference = Math.max(difference, Math.abs(reference[i] - actual.get(output)[i]));
                }
                System.out.printf(
                        "%s %s: max |ONNX - TF.js| %.2g (largest |value| %.3g)%n",
                        conversion.target(), output, difference, largest);
                assertThat(difference).as(output).isLessThanOrEqualTo(TOLERANCE * Math.max(1, largest));
                assertThat(largest).as("%s is not all zero", output).isGreaterThan(0);
            }
        }
    }

    @Test
    void restoringMobileFaceNetsPreluBringsBackItsNegativeBranch() throws Exception {
        Path modelJson = ModelFiles.generated("human-tfjs/mobilefacenet.json");
        TfjsGraphModel graph = TfjsGraphModel.read(modelJson);
        List<String> repaired = TfjsGraphImporter.prelusAfterFusedRelu(graph);
        assertThat(repaired).hasSize(16);

        // The negative branch x - |x| of each repaired PReLU: zero as shipped, negative where x < 0 once restored.
        List<String> negativeBranches = repaired.stream()
                .map(convolution -> graph.nodes().stream()
                        .filter(node ->
                                node.op().equals("Sub") && node.inputs().get(0).equals(convolution))
                        .findFirst()
                        .orElseThrow()
                        .name())
                .toList();
        Map<String, Double> shipped = negativeBranchMagnitudes(modelJson, negativeBranches, false);
        Map<String, Double> restored = negativeBranchMagnitudes(modelJson, negativeBranches, true);
        for (String branch : negativeBranches) {
            assertThat(shipped.get(branch)).as(branch).isZero();
            assertThat(restored.get(branch)).as(branch).isGreaterThan(0);
        }
    }

    /** The largest |value| of each named node on a random face-sized batch. */
    private static Map<String, Double> negativeBranchMagnitudes(
            Path modelJson, List<String> branches, boolean restorePrelu) throws Exception {
        byte[] model = TfjsGraphImporter.importModel(modelJson, new Options(branches, restorePrelu))
                .toByteArray();
        try (OrtSession session = OrtRuns.session(model)) {
            long[] shape = {BATCH, 3, 112, 112};
            Map<String, float[]> outputs = OrtRuns.run(
                    session, OrtRuns.randomValues(Math.toIntExact(BATCH * OrtRuns.elementsPerItem(shape)), 3), shape);
            Map<String, Double> magnitudes = new LinkedHashMap<>();
            outputs.forEach((name, values) -> {
                double largest = 0;
                for (float value : values) {
                    largest = Math.max(largest, Math.abs(value));
                }
                magnitudes.put(name, largest);
            });
            return magnitudes;
        }
    }

    private static Path modelJson(Conversion conversion) {
        return ModelFiles.generated("human-tfjs/" + conversion.source() + ".json");
    }

    private static float[] toNhwc(float[] nchw, long[] shape) {
        int channels = (int) shape[1];
        int plane = (int) (shape[2] * shape[3]);
        float[] nhwc = new float[nchw.length];
        for (int n = 0; n < shape[0]; n++) {
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < plane; p++) {
                    nhwc[(n * plane + p) * channels + c] = nchw[(n * channels + c) * plane + p];
                }
            }
        }
        return nhwc;
    }
}
