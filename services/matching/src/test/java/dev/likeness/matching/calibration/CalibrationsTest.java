package dev.likeness.matching.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.likeness.core.calibration.DistanceLogistic;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.calibration.SiameseHead;

class CalibrationsTest {

    private static final DistanceLogistic ANY_VERSION = new DistanceLogistic(10, -8);
    private static final DistanceLogistic VERSION_2 = new DistanceLogistic(12, -9);
    private static final SiameseHead HEAD_OF_VERSION_3 =
            new SiameseHead(new ModelKey("model", "3"), new float[4], 1, null);

    private final Calibrations calibrations = new Calibrations(
            List.of(
                    new Calibrations.Defaults("model", Optional.empty(), 1.1f, ANY_VERSION),
                    new Calibrations.Defaults("model", Optional.of("2"), 1.3f, VERSION_2)),
            List.of(HEAD_OF_VERSION_3));

    @Test
    void aPinnedVersionWinsAndAHeadReplacesTheLogisticForItsExactModel() {
        assertThat(calibrations.forModel(new ModelKey("model", "1")).orElseThrow())
                .returns(1.1f, ModelCalibration::threshold)
                .returns(ANY_VERSION, ModelCalibration::probability);
        assertThat(calibrations.forModel(new ModelKey("model", "2")).orElseThrow())
                .returns(1.3f, ModelCalibration::threshold)
                .returns(VERSION_2, ModelCalibration::probability);
        assertThat(calibrations.forModel(new ModelKey("model", "3")).orElseThrow())
                .returns(1.1f, ModelCalibration::threshold)
                .returns(HEAD_OF_VERSION_3, ModelCalibration::probability);
        assertThat(calibrations.forModel(new ModelKey("other", "1"))).isEmpty();
    }
}
