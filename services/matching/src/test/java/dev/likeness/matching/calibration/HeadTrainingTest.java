package dev.likeness.matching.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.calibration.HeadFiles;
import dev.likeness.core.calibration.HeadReport;
import dev.likeness.core.calibration.HeadTraining;
import dev.likeness.core.calibration.LabelledPairs;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.calibration.SiameseHead;
import dev.likeness.matching.SyntheticEmbeddings;
import dev.likeness.matching.search.VectorMath;

class HeadTrainingTest {

    private static final ModelKey MODEL = new ModelKey("synthetic", "1");

    /**
     * People whose views differ mostly in "nuisance" dimensions (pose, light): a head that learns to
     * down-weight those separates pairs better than the plain distance, which weighs every dimension alike.
     */
    @Test
    void theHeadLearnsWhichDimensionsMatterAndBeatsTheRawDistance() {
        Map<String, List<float[]>> training = people(1, 60);
        Map<String, List<float[]>> evaluation = people(2, 40);

        HeadTraining.Result result = HeadTraining.fit(
                MODEL,
                LabelledPairs.from(training, 20, 1),
                LabelledPairs.from(evaluation, 20, 2),
                0.01,
                HeadTraining.DEFAULT_LAMBDA);

        HeadReport report = result.report();
        assertThat(report.headAuc()).isGreaterThan(report.distanceAuc());
        assertThat(report.headFalseAcceptRate()).isLessThanOrEqualTo(0.01);
        assertThat(report.distanceFalseAcceptRate()).isLessThanOrEqualTo(0.01);
        assertThat(result.distanceCalibration().slope()).isNegative();
    }

    @Test
    void aHeadSurvivesTheRoundTripThroughItsFile(@TempDir Path directory) {
        HeadTraining.Result result = HeadTraining.fit(
                MODEL,
                LabelledPairs.from(people(3, 20), 10, 3),
                LabelledPairs.from(people(4, 20), 10, 4),
                0.05,
                HeadTraining.DEFAULT_LAMBDA);

        HeadFiles.write(result.head(), directory);
        List<SiameseHead> read = HeadFiles.readAll(directory);

        assertThat(read).hasSize(1);
        assertThat(read.get(0).model()).isEqualTo(MODEL);
        assertThat(read.get(0).weights()).containsExactly(result.head().weights());
        assertThat(read.get(0).report()).isEqualTo(result.report());
    }

    /** 32 dimensions of identity signal, 32 of per-view nuisance at a larger scale. */
    private static Map<String, List<float[]>> people(long seed, int count) {
        SyntheticEmbeddings identity = new SyntheticEmbeddings(seed, 32);
        SyntheticEmbeddings nuisance = new SyntheticEmbeddings(seed + 1000, 32);
        Map<String, List<float[]>> people = new LinkedHashMap<>();
        for (int p = 0; p < count; p++) {
            float[] face = identity.person();
            List<float[]> views = new ArrayList<>();
            for (int v = 0; v < 4; v++) {
                float[] view = identity.view(face, 0.8);
                float[] noise = nuisance.person();
                float[] combined = new float[64];
                for (int i = 0; i < 32; i++) {
                    combined[i] = view[i];
                    combined[32 + i] = 1.5f * noise[i];
                }
                views.add(VectorMath.normalised(combined));
            }
            people.put("person-" + p, views);
        }
        return people;
    }
}
