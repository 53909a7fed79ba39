package dev.likeness.stylising.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.onnx.InferenceOptions;

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
            double max = 0;
            double sum = 0;
            for (int i = 0; i < whole.data().length; i++) {
                double d = Math.abs(whole.data()[i] - pieces.data()[i]);
                max = Math.max(max, d);
                sum += d;
            }
            System.out.printf(
                    "tiled vs untiled 3x3 blur, 300x221, tiles 96 overlap 24: max %.3f mean %.5f%n",
                    max, sum / whole.data().length);
            assertThat(max).isLessThan(TILED_MAX_DIFFERENCE);
            // And the network really did something: inverted colours.
            assertThat(Math.abs(whole.data()[0] - (255 - picture.data()[0]))).isLessThan(120f);
        }
    }

    @Test
    void tilesCoverEveryPixel() {
        assertThat(FastStyles.starts(100, 128, 16)).containsExactly(0);
        assertThat(FastStyles.starts(300, 96, 24)).containsExactly(0, 72, 144, 204);
    }
}
