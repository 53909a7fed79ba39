package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.likeness.core.onnx.ModelsDirectory;

/**
 * The recognition networks give the embeddings recorded in {@link ReferenceEmbeddings} on every face of the sample
 * photos, within 1e-3 cosine: a faster decoder, resampler or ONNX Runtime must not move what galleries hold (an
 * enrolled face would stop matching its own later photos). Calibrated thresholds assume these vectors too.
 */
@Tag("models")
class EmbeddingsUnchangedTest {

    /** Photo by photo, and all six in one call, which the pipeline runs as batches in flight. */
    @ParameterizedTest(name = "in one call: {0}")
    @ValueSource(booleans = {false, true})
    void everySampleFaceKeepsItsRecordedEmbedding(boolean inOneCall) throws Exception {
        List<ReferenceEmbeddings> recorded =
                ReferenceEmbeddings.read(Path.of("src/test/resources/reference-embeddings.tsv"));
        List<ReferenceEmbeddings> measured = ReferenceEmbeddings.measure(ModelsDirectory.locate(), inOneCall);

        assertThat(recorded).as("recorded faces").hasSize(2 * 22);
        assertThat(measured).as("faces found now").hasSameSizeAs(recorded);
        for (int i = 0; i < recorded.size(); i++) {
            ReferenceEmbeddings then = recorded.get(i);
            ReferenceEmbeddings now = measured.get(i);
            String face = then.network() + " " + then.photo() + " face " + then.face();
            assertThat(List.of(now.network(), now.photo(), now.face()))
                    .as(face)
                    .containsExactly(then.network(), then.photo(), then.face());
            assertThat(new float[] {
                        now.box().x1(),
                        now.box().y1(),
                        now.box().x2(),
                        now.box().y2()
                    })
                    .as(face + " box")
                    .containsExactly(
                            new float[] {
                                then.box().x1(),
                                then.box().y1(),
                                then.box().x2(),
                                then.box().y2()
                            },
                            within(0.5f));
            assertThat(cosine(now.embedding(), then.embedding()))
                    .as(face + " cosine")
                    .isGreaterThan(1 - 1e-3);
        }
    }

    private static double cosine(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }
}
