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
 * a folder per identity (here: each face of the six sample photos, in eight perturbed crops), pairs drawn
 * from it, half the identities to fit and the other half to evaluate. The head must separate the
 * evaluation pairs at least as well as the raw distance does.
 */
@Tag("models")
class CalibrationOnPhotosTest {

    private static final int CROPS_PER_FACE = 8;

    @Test
    void theHeadSeparatesSameAndDifferentPairsAtLeastAsWellAsTheDistance(@TempDir Path folders) throws IOException {
        Path models = FaceEmbedder.modelsDirFromSystemProperty();
        SplittableRandom random = new SplittableRandom(11);
        try (FaceEmbedder embedder = new FaceEmbedder(models)) {
            for (int sample = 1; sample <= 6; sample++) {
                byte[] bytes = Files.readAllBytes(models.resolve("samples/sample" + sample + ".jpg"));
                BufferedImage photo = FaceCrops.read(bytes);
                FaceAnalysis analysis = embedder.analyse(bytes);
                for (int face = 0; face < analysis.faces().size(); face++) {
                    Path person = Files.createDirectories(folders.resolve("s" + sample + "f" + face));
                    AnalysedFace analysed = analysis.faces().get(face);
                    for (int crop = 0; crop < CROPS_PER_FACE; crop++) {
                        FaceCrops.Perturbation perturbation = new FaceCrops.Perturbation(
                                random.nextDouble(-0.06, 0.06),
                                random.nextDouble(0.85, 1.15),
                                (float) random.nextDouble(0.6, 1.4),
                                random.nextDouble(-15, 15),
                                random.nextDouble(0.12, 0.5),
                                (float) random.nextDouble(0.3, 0.9));
                        Files.write(person.resolve(crop + ".jpg"), FaceCrops.crop(photo, analysed.box(), perturbation));
                    }
                }
            }

            Map<String, List<float[]>> embedded = embedder.embedFolders(folders);
            LabelledPairs.Split pairs = LabelledPairs.splitByIdentity(embedded, 20, 5);
            HeadTraining.Result result = HeadTraining.fit(
                    embedder.model(), pairs.training(), pairs.evaluation(), 0.01, HeadTraining.DEFAULT_LAMBDA);

            System.out.println("Calibration on the sample photos, model " + embedder.model() + ":\n"
                    + result.report().summary());
            assertThat(embedded).hasSize(22);
            assertThat(result.report().headAuc())
                    .isGreaterThanOrEqualTo(result.report().distanceAuc());
            assertThat(result.report().headAuc()).isGreaterThan(0.95);
        }
    }
}
