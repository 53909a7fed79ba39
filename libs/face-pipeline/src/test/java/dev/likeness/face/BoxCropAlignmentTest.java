package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.geom.Rectangle2D;

import org.junit.jupiter.api.Test;

/** {@link Alignment#BOX_CROP}: the detector's box with its margin fills the input, stretched, without rotation. */
class BoxCropAlignmentTest {

    @Test
    void theBoxWithItsMarginFillsTheInput() {
        Rectangle2D box = new Rectangle2D.Double(40, 30, 100, 120);
        double[] toInput = Alignment.BOX_CROP.imageToInput(null, null, box, 224, 224);

        double margin = Alignment.BOX_MARGIN;
        assertMapsTo(toInput, 40 - margin * 100, 30 - margin * 120, 0, 0);
        assertMapsTo(toInput, 140 + margin * 100, 150 + margin * 120, 224, 224);
        assertThat(toInput[1]).isZero();
        assertThat(toInput[3]).isZero();
    }

    @Test
    void isNamedBoxCropInConfiguration() {
        assertThat(Alignment.named("box-crop")).isEqualTo(Alignment.BOX_CROP);
    }

    private static void assertMapsTo(double[] m, double x, double y, double expectedX, double expectedY) {
        assertThat(m[0] * x + m[1] * y + m[2]).isCloseTo(expectedX, within(1e-9));
        assertThat(m[3] * x + m[4] * y + m[5]).isCloseTo(expectedY, within(1e-9));
    }
}
