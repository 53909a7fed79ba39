package dev.likeness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.learning.SampleFolder;

/** {@code likeness evaluate} and {@code likeness adapt} on a labelled folder built from the sample photos. */
@Tag("models")
class LearningCommandsTest {

    @TempDir
    static Path work;

    static Path folder;

    @BeforeAll
    static void buildFolder() throws Exception {
        folder = SampleFolder.build(Files.createDirectories(work.resolve("people")), 4);
    }

    @Test
    void evaluateWritesTheReportAndNamesThePhotoWithoutAFace() throws Exception {
        Path out = work.resolve("evaluation");
        Run run = run("evaluate", folder.toString(), "--out", out.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out).contains("on 21 identities", "ROC AUC 0.9", "rank-1", "report.md");
        assertThat(run.err).contains("left out " + SampleFolder.NO_FACE_PHOTO + ": no face found");
        assertThat(out.resolve("report.md")).exists();
        assertThat(out.resolve("roc.png")).exists();
        assertThat(out.resolve("distances.png")).exists();
    }

    @Test
    void adaptExportsANewModelWithItsHeadSettingsAndReport() {
        Path out = work.resolve("adapted");
        Run run = run(
                "adapt",
                folder.toString(),
                "--out",
                out.toString(),
                "--model-id",
                "fr-feature-cli",
                "--max-epochs",
                "3",
                "--margin",
                "1.0",
                "--dimension",
                "256",
                "--test",
                "0.25");

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out)
                .contains(
                        "adapted model fr-feature-cli@",
                        "training identities: triplet loss",
                        "held-out identities: TAR at FAR 1e-2",
                        "test identities: TAR at FAR 1e-2");
        assertThat(out.resolve("fr-feature-cli.onnx")).exists();
        assertThat(out.resolve("adapted.properties"))
                .content()
                .contains("likeness.embedding.embedder.id=fr-feature-cli");
        assertThat(out.resolve("report.md"))
                .content()
                .contains("512 -> 256", "test identities (5, seen by neither training nor early stopping)");
        assertThat(out.resolve("heads")).isDirectoryContaining("glob:**/fr-feature-cli@*.head.json");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Run missing = run("evaluate", work.resolve("nowhere").toString());
        assertThat(missing.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err).contains("is not a folder");

        Run sameId = run("adapt", folder.toString(), "--model-id", "faceplugin-fr-feature");
        assertThat(sameId.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(sameId.err).contains("--model-id must be new");
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Likeness.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
