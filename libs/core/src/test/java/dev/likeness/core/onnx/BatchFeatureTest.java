package dev.likeness.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.geom.Rectangle2D;
import java.nio.FloatBuffer;
import java.nio.file.Files;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.image.DecodedImage;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.image.TensorEncoding;

/** The batch-capable feature network gives every item of a batch exactly what a batch of one gives. */
@Tag("models")
class BatchFeatureTest {

    private static final int BATCH = 8;
    private static final int SIDE = 112;
    private static final TensorEncoding FACE = TensorEncoding.rgb(127, 128);

    @Test
    void batchOfEightEqualsEightBatchesOfOne() throws Exception {
        DecodedImage photo =
                new ImageDecoder().decode(Files.readAllBytes(ModelsDirectory.resolve("samples/sample1.jpg")));
        InferenceOptions options = InferenceOptions.builder().intraOpThreads(2).build();

        try (OnnxModel feature = OnnxModel.open(ModelsDirectory.resolve("face/batch/fr_feature.onnx"), options)) {
            assertThat(feature.input("input").isSymbolic(0))
                    .as("batch dimension is symbolic")
                    .isTrue();
            int perItem = FACE.floatsPerImage(SIDE, SIDE);
            FloatBuffer batch = FloatInput.allocate(BATCH, 3, SIDE, SIDE);
            FloatBuffer[] singles = new FloatBuffer[BATCH];
            for (int item = 0; item < BATCH; item++) {
                // Eight different square crops across the group photo, like face boxes of varying size.
                Rectangle2D crop = new Rectangle2D.Double(
                        150 + item * 200, 250 + (item % 3) * 180, 180 + item * 15, 180 + item * 15);
                ImageTensors.resize(photo.image(), crop, SIDE, SIDE, FACE, batch);
                singles[item] = FloatInput.allocate(1, 3, SIDE, SIDE);
                ImageTensors.resize(photo.image(), crop, SIDE, SIDE, FACE, singles[item]);
                singles[item].flip();
            }
            assertThat(batch.position()).isEqualTo(BATCH * perItem);
            batch.flip();

            FloatTensor batched = feature.run(batch, BATCH, 3, SIDE, SIDE);

            assertThat(batched.shape()).containsExactly(BATCH, 512);
            for (int item = 0; item < BATCH; item++) {
                float[] alone = feature.run(singles[item], 1, 3, SIDE, SIDE).row(0);
                assertThat(maxAbsDifference(batched.row(item), alone))
                        .as("item %d", item)
                        .isLessThan(1e-5f);
            }
            assertThat(maxAbsDifference(batched.row(0), batched.row(1)))
                    .as("different crops differ")
                    .isGreaterThan(1e-2f);
        }
    }

    private static float maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
