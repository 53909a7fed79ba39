package dev.likeness.onnx.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import ai.onnxruntime.OrtSession;

/** Runs each batch variant on 8 distinct inputs at once and compares with 8 runs of the original model. */
@Tag("models")
class BatchVariantsTest {

    private static final int BATCH = 8;
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest
    @FieldSource("dev.likeness.onnx.tools.BatchVariants#FACE_MODELS")
    void batchOutputsEqualBatchOneOutputsOfTheOriginal(String name) throws Exception {
        byte[] original = Files.readAllBytes(ModelFiles.faceModel(name));
        byte[] variant = BatchVariants.batchVariant(OnnxModels.read(ModelFiles.faceModel(name)))
                .toByteArray();

        try (OrtSession single = OrtRuns.session(original);
                OrtSession batched = OrtRuns.session(variant)) {
            long[] itemShape = OrtRuns.inputShape(single);
            int itemSize = (int) OrtRuns.elementsPerItem(itemShape);
            float[] batchInput = new float[BATCH * itemSize];
            for (int item = 0; item < BATCH; item++) {
                System.arraycopy(OrtRuns.randomValues(itemSize, item), 0, batchInput, item * itemSize, itemSize);
            }
            long[] batchShape = itemShape.clone();
            batchShape[0] = BATCH;

            Map<String, float[]> batchOutputs = OrtRuns.run(batched, batchInput, batchShape);
            double maxAbsDiff = 0;
            for (int item = 0; item < BATCH; item++) {
                float[] itemInput = OrtRuns.randomValues(itemSize, item);
                Map<String, float[]> itemOutputs = OrtRuns.run(single, itemInput, itemShape);
                for (Map.Entry<String, float[]> output : itemOutputs.entrySet()) {
                    float[] expected = output.getValue();
                    float[] batch = batchOutputs.get(output.getKey());
                    assertThat(batch).as(output.getKey()).hasSize(BATCH * expected.length);
                    for (int index = 0; index < expected.length; index++) {
                        maxAbsDiff =
                                Math.max(maxAbsDiff, Math.abs(batch[item * expected.length + index] - expected[index]));
                    }
                }
            }
            System.out.printf("%s: batch of %d vs batch-1 original, max |diff| = %.2e%n", name, BATCH, maxAbsDiff);
            assertThat(maxAbsDiff).isLessThan(TOLERANCE);
        }
    }
}
