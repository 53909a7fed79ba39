package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.onnx.ModelsDirectory;

/**
 * dlib's face chip geometry ({@code get_face_chip_details(shape, 150, 0.25)}): its mean face, padding and sampling
 * grid, and on real faces of a sample photo the landmarks land where dlib's mean face puts them.
 */
@Tag("models")
class DlibFaceChipTest {

    private static final int SIZE = 150;

    @Test
    void meanFacePositionsAreDlibsPaddedUnitFace() {
        // interpolation.h: (padding + mean_face_shape[i - 17]) / (2 * padding + 1) * size.
        assertThat(DlibFaceChip.meanPosition(36, SIZE, 0.25)[0])
                .isCloseTo((0.25 + 0.121737) / 1.5 * SIZE, within(1e-9));
        assertThat(DlibFaceChip.meanPosition(33, SIZE, 0.25)[1])
                .isCloseTo((0.25 + 0.628106) / 1.5 * SIZE, within(1e-9));
        // The eye corners and nose base sit where dlib's 5-point model puts them in the same chip (within 1 px).
        double[][] fivePointModel = {
            {0.8595674595992, 0.2134981538014},
            {0.6460604764104, 0.2289674387677},
            {0.1205750620789, 0.2137274526848},
            {0.3340850613712, 0.2290642403242},
            {0.4901123135679, 0.6277975316475}
        };
        int[] sameLandmark = {45, 42, 36, 39, 33};
        for (int i = 0; i < 5; i++) {
            double[] mean = DlibFaceChip.meanPosition(sameLandmark[i], SIZE, 0.25);
            assertThat(mean[0]).isCloseTo((0.25 + fivePointModel[i][0]) / 1.5 * SIZE, within(1.0));
            assertThat(mean[1]).isCloseTo((0.25 + fivePointModel[i][1]) / 1.5 * SIZE, within(1.0));
        }
    }

    @Test
    void aFaceAlreadyAtTheMeanPositionsMapsOntoItselfOnDlibsGrid() {
        float[] landmarks = new float[136];
        for (int point = 17; point < 68; point++) {
            double[] mean = DlibFaceChip.meanPosition(point, SIZE, DlibFaceChip.PADDING);
            landmarks[2 * point] = (float) mean[0];
            landmarks[2 * point + 1] = (float) mean[1];
        }
        // Scale 1: the chip's pixel centres 0..149 span centered_drect((75, 75), 150 - 1), so pixel u samples x = u +
        // 0.5.
        double[] toChip = DlibFaceChip.imageToChip(landmarks, SIZE, DlibFaceChip.PADDING);
        double[] identityShiftedByHalfAPixel = {1, 0, -0.5, 0, 1, -0.5};
        for (int i = 0; i < 6; i++) {
            assertThat(toChip[i]).as("matrix entry %d", i).isCloseTo(identityShiftedByHalfAPixel[i], within(1e-5));
        }
    }

    @Test
    void dlibsGridStretchesThePixelStepByOnePixelOverTheChip() {
        // A face twice as large, rotated by 30 degrees: the fit's scale is 2, dlib's pixel step (2 * 150 - 1) / 149.
        float[] landmarks = new float[136];
        double angle = Math.toRadians(30);
        for (int point = 17; point < 68; point++) {
            double[] mean = DlibFaceChip.meanPosition(point, SIZE, DlibFaceChip.PADDING);
            landmarks[2 * point] = (float) (2 * (Math.cos(angle) * mean[0] - Math.sin(angle) * mean[1]) + 300);
            landmarks[2 * point + 1] = (float) (2 * (Math.sin(angle) * mean[0] + Math.cos(angle) * mean[1]) + 100);
        }
        double[] toChip = DlibFaceChip.imageToChip(landmarks, SIZE, DlibFaceChip.PADDING);
        double step = (2.0 * SIZE - 1) / (SIZE - 1);
        assertThat(Math.hypot(toChip[0], toChip[3])).isCloseTo(1 / step, within(1e-6));
        assertThat(Math.atan2(-toChip[3], toChip[0])).isCloseTo(angle, within(1e-6));
    }

    @Test
    void realFacesLandOnDlibsMeanFace() throws Exception {
        Path models = ModelsDirectory.locate();
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models))) {
            FaceAnalysis analysis = pipeline.analyse(Files.readAllBytes(models.resolve("samples/sample1.jpg")));
            assertThat(analysis.faces()).hasSize(3);
            for (AnalysedFace face : analysis.faces()) {
                double[] toChip = DlibFaceChip.imageToChip(face.landmarks68(), SIZE, DlibFaceChip.PADDING);
                double squares = 0;
                int fitted = 0;
                for (int point = 17; point < 68; point++) {
                    if (!DlibFaceChip.fitted(point)) {
                        continue;
                    }
                    double x = face.landmarks68()[2 * point], y = face.landmarks68()[2 * point + 1];
                    double[] mean = DlibFaceChip.meanPosition(point, SIZE, DlibFaceChip.PADDING);
                    // The chip's pixel u samples continuous coordinate u + 0.5 of dlib's mean-face frame.
                    double u = toChip[0] * x + toChip[1] * y + toChip[2] + 0.5;
                    double v = toChip[3] * x + toChip[4] * y + toChip[5] + 0.5;
                    squares += (u - mean[0]) * (u - mean[0]) + (v - mean[1]) * (v - mean[1]);
                    fitted++;
                }
                double rms = Math.sqrt(squares / fitted);
                System.out.printf(
                        "%s: %d points, RMS %.2f px from dlib's mean face in the 150 px chip%n",
                        face.box(), fitted, rms);
                assertThat(fitted).isEqualTo(33);
                // A person's face differs from the mean face by a few pixels (about 5 here); a wrong fit, by tens.
                assertThat(rms)
                        .as("RMS distance of the fitted landmarks from dlib's mean face, chip pixels")
                        .isLessThan(8.0);
                // Eye outer corners level and about 110 px apart at this padding, as in dlib's chips.
                double leftY = toChip[3] * face.landmarks68()[72] + toChip[4] * face.landmarks68()[73];
                double rightY = toChip[3] * face.landmarks68()[90] + toChip[4] * face.landmarks68()[91];
                assertThat(Math.abs(leftY - rightY)).isLessThan(6.0);
            }
        }
    }
}
