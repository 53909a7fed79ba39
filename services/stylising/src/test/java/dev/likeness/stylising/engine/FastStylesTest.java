package dev.likeness.stylising.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.receptive.ReceptiveField;
import dev.likeness.onnx.tools.receptive.ReceptiveFields;

/** The fast engine on a network built by the test: discovery by file name, and tiled against untiled inference. */
@Tag("models")
class FastStylesTest {

    /** Stated bound: tiled and untiled outputs of a 3x3 blur differ by under 0.01 grey levels (of 255) anywhere. */
    static final double TILED_MAX_DIFFERENCE = 0.01;

    @TempDir
    Path folder;

    @Test
    void tiledInferenceMatchesUntiledOnASmoothNetwork() throws Exception {
        BlurNetwork.write(folder.resolve("blur.onnx"));
        Files.writeString(folder.resolve("notes.txt"), "not a network");
        Raster picture = TestPictures.stylePattern(300, 221);
        try (FastStyles untiled = new FastStyles(folder, InferenceOptions.defaults(), 1024, 32);
                FastStyles tiled = new FastStyles(folder, InferenceOptions.defaults(), 96, 24)) {
            assertThat(untiled.names()).containsExactly("blur");
            assertThat(untiled.exists("missing")).isFalse();
            assertThat(untiled.exists("../blur")).isFalse();
            Raster whole = untiled.apply("blur", picture);
            Raster pieces = tiled.apply("blur", picture);
            assertThat(pieces.width()).isEqualTo(300);
            assertThat(pieces.height()).isEqualTo(221);
            double max = maxDifference(whole, pieces);
            System.out.printf("tiled vs untiled 3x3 blur, 300x221, tiles 96 overlap 24: max %.3f%n", max);
            assertThat(max).isLessThan(TILED_MAX_DIFFERENCE);
            // And the network really did something: inverted colours.
            assertThat(Math.abs(whole.data()[0] - (255 - picture.data()[0]))).isLessThan(120f);
        }
    }

    /**
     * Seams on a network whose receptive field is wide (31 px, as ReceptiveFields reads it off the graph): an
     * overlap whose outer quarter (weight 0) covers the field's radius gives the untiled result; one pixel less of
     * margin, and the tiles' zero padding shows.
     */
    @Test
    void tilesAreSeamlessOnAWideFieldNetworkOnlyWhenAQuarterOfTheOverlapCoversItsRadius() throws Exception {
        ModelProto network = DilatedNetwork.build();
        ReceptiveField field = ReceptiveFields.of(network.getGraph(), DilatedNetwork.INPUT, DilatedNetwork.OUTPUT);
        assertThat(field.columns()).isEqualTo(field.rows());
        assertThat(field.rows().stride()).isEqualTo(1);
        int radius = (int) (field.rows().size() - 1) / 2;
        assertThat(radius).isEqualTo(15);
        DilatedNetwork.write(network, folder.resolve("dilated.onnx"));
        Raster picture = TestPictures.stylePattern(300, 221);
        Raster whole;
        try (FastStyles untiled = new FastStyles(folder, InferenceOptions.defaults(), 1024, 32)) {
            whole = untiled.apply("dilated", picture);
        }
        double enough = maxDifference(whole, tiled(picture, 4 * radius));
        double oneShort = maxDifference(whole, tiled(picture, 4 * (radius - 1)));
        double blurs = maxDifference(whole, tiled(picture, 24));
        System.out.printf(
                "tiled vs untiled, radius-%d network, 300x221, tiles 160: overlap %d max %.3f, overlap %d max %.3f,"
                        + " overlap 24 max %.3f%n",
                radius, 4 * radius, enough, 4 * (radius - 1), oneShort, blurs);
        assertThat(enough).isLessThan(TILED_MAX_DIFFERENCE);
        assertThat(oneShort).isGreaterThan(TILED_MAX_DIFFERENCE);
        assertThat(blurs)
                .as("an overlap fit for the 3x3 blur leaves visible seams")
                .isGreaterThan(2.0);
    }

    private Raster tiled(Raster picture, int overlap) {
        try (FastStyles tiled = new FastStyles(folder, InferenceOptions.defaults(), 160, overlap)) {
            return tiled.apply("dilated", picture);
        }
    }

    private static double maxDifference(Raster a, Raster b) {
        assertThat(b.width()).isEqualTo(a.width());
        assertThat(b.height()).isEqualTo(a.height());
        double max = 0;
        for (int i = 0; i < a.data().length; i++) {
            max = Math.max(max, Math.abs(a.data()[i] - b.data()[i]));
        }
        return max;
    }

    @Test
    void tilesCoverEveryPixel() {
        assertThat(FastStyles.starts(100, 128, 16)).containsExactly(0);
        assertThat(FastStyles.starts(300, 96, 24)).containsExactly(0, 72, 144, 204);
    }
}
