package dev.likeness.matching.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.calibration.HeadTraining;
import dev.likeness.core.calibration.LabelledPairs;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.matching.tools.FaceCrops;
import dev.likeness.matching.tools.FaceEmbedder;

/**
 * The learned head fitted on labelled pairs of real faces, through the same path as the calibration tool:
 * a folder per identity (here: each face of the six sample photos, in eight perturbed crops; the woman of
 * sample1 and sample3 is one identity), pairs drawn from it, half the identities to fit and the other half to
 * evaluate. The head must separate the evaluation pairs about as well as the raw distance does.
 */
@Tag("models")
class CalibrationOnPhotosTest {

    private static final int CROPS_PER_FACE = 8;
    private static final double AUC_SAMPLING_ERROR = 0.01;

    @Test
    void theHeadSeparatesSameAndDifferentPairsAsWellAsTheDistanceWithinSamplingError(@TempDir Path folders)
            throws IOException {
        Path models = FaceEmbedder.modelsDirFromSystemProperty();
        SplittableRandom random = new SplittableRandom(11);
        try (FaceEmbedder embedder = new FaceEmbedder(models)) {
            for (int sample = 1; sample <= 6; sample++) {
                byte[] bytes = Files.readAllBytes(models.resolve("samples/sample" + sample + ".jpg"));
                BufferedImage photo = FaceCrops.read(bytes);
                FaceAnalysis analysis = embedder.analyse(bytes);
                for (int face = 0; face < analysis.faces().size(); face++) {
                    // The woman of sample1 (face 2) is also face 1 of sample3: one identity, one folder.
                    String identity = sample == 3 && face == 1 ? "s1f2" : "s" + sample + "f" + face;
                    Path person = Files.createDirectories(folders.resolve(identity));
                    AnalysedFace analysed = analysis.faces().get(face);
                    for (int crop = 0; crop < CROPS_PER_FACE; crop++) {
                        FaceCrops.Perturbation perturbation = new FaceCrops.Perturbation(
                                random.nextDouble(-0.06, 0.06),
                                random.nextDouble(0.85, 1.15),
                                (float) random.nextDouble(0.6, 1.4),
                                random.nextDouble(-15, 15),
                                random.nextDouble(0.12, 0.5),
                                (float) random.nextDouble(0.3, 0.9));
                        Files.write(
                                person.resolve("s" + sample + "-" + crop + ".jpg"),
                                FaceCrops.crop(photo, analysed.box(), perturbation));
                    }
                }
            }

            Map<String, List<float[]>> embedded = embedder.embedFolders(folders);
            LabelledPairs.Split pairs = LabelledPairs.splitByIdentity(embedded, 20, 5);
            HeadTraining.Result result = HeadTraining.fit(
                    embedder.model(), pairs.training(), pairs.evaluation(), 0.01, HeadTraining.DEFAULT_LAMBDA);

            System.out.println("Calibration on the sample photos, model " + embedder.model() + ":\n"
                    + result.report().summary());
            assertThat(embedded).hasSize(21);
            assertThat(embedded.get("s1f2")).hasSize(2 * CROPS_PER_FACE);
            // Not saturated (both AUCs 1.0 would make the comparison unable to fail), and the head no worse
            // than the distance beyond the sampling error of an AUC on 200 + 200 pairs (about 0.01).
            assertThat(result.report().distanceAuc()).isLessThan(0.995);
            assertThat(result.report().headAuc())
                    .isGreaterThanOrEqualTo(result.report().distanceAuc() - AUC_SAMPLING_ERROR);
            assertThat(result.report().headAuc()).isGreaterThan(0.95);
        }
    }
}
