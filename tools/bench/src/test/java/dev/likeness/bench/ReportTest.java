package dev.likeness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces that write docs/benchmarks.md: sections between markers, figures, charts. */
class ReportTest {

    @TempDir
    Path dir;

    @Test
    void aSectionIsAppendedOnceAndThenRewrittenInPlaceLeavingTheRestAlone() throws Exception {
        Path report = dir.resolve("benchmarks.md");
        Files.writeString(
                report,
                "# Benchmarks\n\nHand-written intro.\n\n<!-- b:start -->\nold b\n<!-- b:end -->\n\nHand-written end.\n");

        Report.writeSection(report, "a", "## A\n\nfirst");
        Report.writeSection(report, "b", "## B\n\nnew b");
        Report.writeSection(report, "a", "## A\n\nsecond");

        assertThat(Files.readString(report))
                .isEqualTo("# Benchmarks\n\nHand-written intro.\n\n"
                        + "<!-- b:start -->\n## B\n\nnew b\n<!-- b:end -->\n\nHand-written end.\n\n"
                        + "<!-- a:start -->\n## A\n\nsecond\n<!-- a:end -->\n");
    }

    @Test
    void measurementsGiveMedianMinMaxPercentilesAndRates() {
        Measurement m = Measurement.ofSeconds(0.4, 0.1, 0.3, 0.2, 0.5);

        assertThat(m.median()).isEqualTo(0.3);
        assertThat(m.min()).isEqualTo(0.1);
        assertThat(m.max()).isEqualTo(0.5);
        // HdrHistogram's percentiles: the run's value to its 3 significant digits.
        assertThat(m.percentile(99)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(m.percentile(40)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(m.per(10).median()).isEqualTo(0.03, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Report.ms(m)).isEqualTo("300.00 ms [100.00-500.00]");
        assertThat(Report.perSecond(m)).isEqualTo("3.3 [2.0-10.0]");
        assertThat(Measurement.merged(List.of(m, Measurement.ofSeconds(0.6, 0.7)))
                        .median())
                .isEqualTo(0.4);
    }

    @Test
    void aChartIsAPngOfTheRequestedSizeLinkedFromTheReport() throws Exception {
        Path png = dir.resolve("images/bench-test.png");

        String markdown = Charts.write(
                png,
                new Charts.Bars("Test", "ms", List.of("a", "b"))
                        .add("one", List.of(1.0, 2.0))
                        .add("two", List.of(3.0, 4.0)),
                "caption");

        assertThat(markdown).isEqualTo("![Test](images/bench-test.png)");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(480);
    }
}
