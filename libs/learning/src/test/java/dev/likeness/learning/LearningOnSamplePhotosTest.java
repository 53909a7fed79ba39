package dev.likeness.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.calibration.HeadFiles;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.learning.adaptation.Adaptation;
import dev.likeness.learning.evaluation.Evaluation;
import dev.likeness.learning.evaluation.EvaluationReport;

/**
 * Evaluation and adaptation on a labelled folder built from the sample photos, through the real face
 * pipeline, as {@code likeness evaluate} and {@code likeness adapt} run them.
 */
@Tag("models")
class LearningOnSamplePhotosTest {

    @TempDir
    static Path work;

    static Path folder;

    @BeforeAll
    static void buildFolder() throws Exception {
        folder = SampleFolder.build(Files.createDirectories(work.resolve("people")), 6);
    }

    @Test
    void evaluationGivesSaneFiguresChartsAndAReport() throws Exception {
        FacePipelineConfig config = FacePipelineConfig.defaults(ModelsDirectory.locate());
        LabelledFaces faces;
        try (FolderEmbedder embedder = new FolderEmbedder(config)) {
            faces = embedder.embed(folder);
            Evaluation.Result result = Evaluation.evaluate(faces, Evaluation.DEFAULT_FARS, 100_000, 1);
            EvaluationReport.Written written =
                    EvaluationReport.write(work.resolve("evaluation"), folder, embedder.model(), faces, result);
            System.out.println(Files.readString(written.report()));

            assertThat(faces.skipped()).containsExactly(SampleFolder.NO_FACE_PHOTO + ": no face found");
            assertThat(result.identities()).isEqualTo(21);
            assertThat(faces.byIdentity().get("s1f2")).hasSize(12);
            assertThat(result.auc()).isBetween(0.9, 1.0);
            assertThat(result.eer()).isBetween(0.0, 0.15);
            assertThat(result.tarAt(1e-2).tar()).isBetween(0.5, 1.0);
            assertThat(result.tarAt(1e-2).tau()).isBetween(0.5, 2.0);
            assertThat(result.tarAt(1e-3).tau())
                    .isLessThanOrEqualTo(result.tarAt(1e-2).tau());
            assertThat(result.rank1()).isBetween(0.8, 1.0);
            assertThat(result.rank1Queries()).isEqualTo(faces.images() - 21);
            for (Path chart : new Path[] {written.roc(), written.histogram()}) {
                byte[] png = Files.readAllBytes(chart);
                assertThat(png.length).isGreaterThan(5_000);
                assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
            }
            assertThat(Files.readString(written.report()))
                    .contains("ROC AUC", "TAR at FAR 1e-02", "rank-1", "roc.png", "distances.png", "no face found");
        }
    }

    @Test
    void adaptationLowersTheTrainingLossWithoutLoweringHeldOutTar() throws Exception {
        FacePipelineConfig config = FacePipelineConfig.defaults(ModelsDirectory.locate());
        // A margin wide enough that these (easy) crops still leave triplets to learn from.
        Adaptation.Settings defaults = Adaptation.Settings.defaults(512);
        Adaptation.Settings settings = new Adaptation.Settings(
                512,
                1.0,
                defaults.heldOutFraction(),
                15,
                defaults.patience(),
                1e-3,
                defaults.identitiesPerBatch(),
                defaults.photosPerIdentity(),
                defaults.seed());
        Adapter.Result result = Adapter.adapt(
                config,
                new Adapter.Request(folder, work.resolve("adapted"), "faceplugin-fr-feature-samples", settings, 1e-3));
        System.out.println(Adapter.summary(result));
        System.out.println(Files.readString(result.report()));

        assertThat(result.model().id()).isEqualTo("faceplugin-fr-feature-samples");
        assertThat(result.model().version())
                .hasSize(12)
                .isNotEqualTo(result.baseModel().version());
        assertThat(result.outcome().heldOutIdentities())
                .doesNotContainAnyElementsOf(result.outcome().trainingIdentities());
        assertThat(result.trainingLossBefore()).isPositive();
        assertThat(result.trainingLossAfter()).isLessThan(0.5 * result.trainingLossBefore());
        assertThat(result.heldOutAfter().tarAt(1e-2).tar())
                .isGreaterThanOrEqualTo(result.heldOutBefore().tarAt(1e-2).tar());
        // The exported ONNX model computes what the head computes on the base embeddings.
        assertThat(result.maxDeviation()).isLessThan(1e-3);
        assertThat(HeadFiles.read(result.headFile()).model()).isEqualTo(result.model());
        assertThat(result.tau()).isBetween(0.0, 4.0);
        assertThat(Files.readString(result.properties()))
                .contains(
                        "likeness.embedding.embedder.id=faceplugin-fr-feature-samples",
                        "likeness.matching.models.\"faceplugin-fr-feature-samples\".threshold=");
        assertThat(Files.readString(result.report())).contains("Training identities", "Held-out identities", "(kept)");
        assertThat(Files.size(result.output().resolve("roc-held-out.png"))).isGreaterThan(5_000);
    }
}
