package dev.likeness.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RocTest {

    @Test
    void aucCountsOrderedPairsAndHalfTheTies() {
        assertThat(Roc.auc(new double[] {3, 4}, new double[] {1, 2})).isEqualTo(1.0);
        assertThat(Roc.auc(new double[] {1, 2}, new double[] {3, 4})).isEqualTo(0.0);
        // 3 > {1, 2}: 2 wins; 2 > 1, 2 = 2: 1.5 wins; of 4 comparisons.
        assertThat(Roc.auc(new double[] {3, 2}, new double[] {1, 2})).isCloseTo(3.5 / 4, within(1e-12));
    }

    @Test
    void theOperatingPointKeepsTheFalseAcceptRateAtOrBelowTheTarget() {
        double[] different = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
        double[] same = {0.85, 0.95, 1.5, 2.0};

        Roc.OperatingPoint point = Roc.atFalseAcceptRate(same, different, 0.1);

        assertThat(point.falseAcceptRate()).isEqualTo(0.1);
        assertThat(point.threshold()).isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
        assertThat(point.falseRejectRate()).isEqualTo(0.25);
        assertThat(Roc.atFalseAcceptRate(same, different, 0).falseAcceptRate()).isZero();
    }

    @Test
    void theEqualErrorRateIsWhereBothRatesMeet() {
        // Accepting scores >= 0.6: 1 of 5 different pairs accepted (0.8), 1 of 5 same pairs rejected (0.5).
        double[] different = {0.1, 0.2, 0.3, 0.4, 0.8};
        double[] same = {0.5, 0.6, 0.7, 0.9, 1.0};

        Roc.OperatingPoint point = Roc.equalErrorRate(same, different);

        assertThat(point.falseAcceptRate()).isEqualTo(0.2);
        assertThat(point.falseRejectRate()).isEqualTo(0.2);
        assertThat(point.threshold()).isEqualTo(0.6);
    }
}
