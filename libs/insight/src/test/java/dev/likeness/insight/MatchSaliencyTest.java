package dev.likeness.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.Alignment;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;

/**
 * The criterion (masks a quarter of the aligned face's side) on real faces: masking the most salient square
 * of a face changes the distance to the other face more than masking a random square of the same size.
 */
@Tag("models")
class MatchSaliencyTest {

    private static final int RANDOM_maskS = 8;

    @TempDir
    Path temp;

    @Test
    void dlib() throws Exception {
        Path models = ModelsDirectory.locate();
        maskingTheMostSalientSquareMovesTheDistanceMoreThanARandomOne(
                new EmbeddingSpec.Network(FaceNetworks.dlib(models), Alignment.DLIB_CHIP, 1), 38);
    }

    @Test
    void frFeature() throws Exception {
        Path models = ModelsDirectory.locate();
        maskingTheMostSalientSquareMovesTheDistanceMoreThanARandomOne(
                new EmbeddingSpec.Network(FaceNetworks.frFeature(models), Alignment.ARCFACE, 1), 28);
    }

    private void maskingTheMostSalientSquareMovesTheDistanceMoreThanARandomOne(EmbeddingSpec.Network network, int mask)
            throws Exception {
        Path models = ModelsDirectory.locate();
        List<InsightImage> faces = new ArrayList<>();
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models))) {
            for (Path photo : UnitAtlasTest.samplePhotos()) {
                faces.addAll(AlignedFaces.of(pipeline, photo, network));
            }
        }
        assertThat(faces).hasSizeGreaterThanOrEqualTo(6);

        try (MatchSaliency saliency = MatchSaliency.of(network, temp)) {
            Random random = new Random(17);
            int pairs = 0, salientWins = 0;
            double salientTotal = 0, randomTotal = 0;
            for (int i = 0; i < faces.size(); i++) {
                // Each face against the next two: every photo's faces, and faces of different photos, without
                // running all pairs.
                for (int j = i + 1; j < Math.min(faces.size(), i + 3); j++) {
                    InsightImage a = faces.get(i), b = faces.get(j);
                    MatchSaliency.Explanation explanation = saliency.explain(a, b);
                    assertThat(explanation.distance())
                            .isCloseTo(saliency.distance(a, b), org.assertj.core.data.Offset.offset(1e-5f));
                    int[] salient = SalientSquares.strongest(explanation.saliencyA(), a.width(), a.height(), mask);
                    double salientChange = Math.abs(
                            saliency.distance(masked(a, salient[0], salient[1], mask), b) - explanation.distance());
                    double randomChange = 0;
                    for (int k = 0; k < RANDOM_maskS; k++) {
                        InsightImage randomMasked = masked(
                                a, random.nextInt(a.height() - mask + 1), random.nextInt(a.width() - mask + 1), mask);
                        randomChange += Math.abs(saliency.distance(randomMasked, b) - explanation.distance());
                    }
                    randomChange /= RANDOM_maskS;
                    pairs++;
                    salientWins += salientChange > randomChange ? 1 : 0;
                    salientTotal += salientChange;
                    randomTotal += randomChange;
                }
            }
            System.out.printf(
                    "match saliency (%s, %d faces, %d pairs, %d px squares): mean |change of d| salient %.4f, random %.4f;"
                            + " salient larger in %d pairs%n",
                    network.model().id(),
                    faces.size(),
                    pairs,
                    mask,
                    salientTotal / pairs,
                    randomTotal / pairs,
                    salientWins);
            assertThat(salientTotal).isGreaterThan(1.5 * randomTotal);
            assertThat(salientWins).isGreaterThan(pairs / 2);
            MatchSaliency.write(
                    saliency.explain(faces.get(0), faces.get(1)),
                    faces.get(0),
                    faces.get(1),
                    temp.resolve("saliency.png"));
        }
    }

    /** The face with a mask x mask square set to mid-grey. */
    private static InsightImage masked(InsightImage face, int top, int left, int mask) {
        float[] pixels = face.pixels().clone();
        int plane = face.width() * face.height();
        for (int channel = 0; channel < 3; channel++) {
            for (int y = top; y < top + mask; y++) {
                for (int x = left; x < left + mask; x++) {
                    pixels[channel * plane + y * face.width() + x] = 128;
                }
            }
        }
        return new InsightImage(face.name() + " masked", pixels, face.width(), face.height());
    }
}
