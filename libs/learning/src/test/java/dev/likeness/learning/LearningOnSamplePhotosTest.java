package dev.likeness.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.calibration.HeadFiles;
import dev.likeness.core.calibration.ModelKey;
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

    /** The folder through the base model, as the adapter's "before". */
    static LabelledFaces baseFaces;

    static ModelKey baseModel;

    @BeforeAll
    static void buildAndEmbedFolder() throws Exception {
        folder = SampleFolder.build(Files.createDirectories(work.resolve("people")), 6);
        try (FolderEmbedder embedder = new FolderEmbedder(FacePipelineConfig.defaults(ModelsDirectory.locate()))) {
            baseFaces = embedder.embed(folder);
            baseModel = embedder.model();
        }
    }

    @Test
    void evaluationGivesSaneFiguresChartsAndAReport() throws Exception {
        LabelledFaces faces = baseFaces;
        {
            Evaluation.Result result = Evaluation.evaluate(faces, Evaluation.DEFAULT_FARS, 100_000, 1);
            EvaluationReport.Written written =
                    EvaluationReport.write(work.resolve("evaluation"), folder, baseModel, faces, result);
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
    void adaptationLowersTheTrainingLossWithoutLoweringTheTestIdentitiesTar() throws Exception {
        FacePipelineConfig config = FacePipelineConfig.defaults(ModelsDirectory.locate());
        // A margin wide enough that these (easy) crops still leave triplets to learn from.
        Adaptation.Settings defaults = Adaptation.Settings.defaults(512);
        Adaptation.Settings settings = new Adaptation.Settings(
                512,
                1.0,
                defaults.heldOutFraction(),
                defaults.testFraction(),
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
        Adaptation.Outcome outcome = result.outcome();
        assertThat(outcome.heldOutIdentities()).doesNotContainAnyElementsOf(outcome.trainingIdentities());
        assertThat(outcome.testIdentities())
                .hasSize(4)
                .doesNotContainAnyElementsOf(outcome.trainingIdentities())
                .doesNotContainAnyElementsOf(outcome.heldOutIdentities());
        assertThat(result.trainingLossBefore()).isPositive();
        assertThat(result.trainingLossAfter()).isLessThan(0.5 * result.trainingLossBefore());
        // The test identities chose nothing (early stopping watched the held-out ones): the kept head carries over.
        assertThat(result.testAfter().tarAt(1e-2).tar())
                .isGreaterThanOrEqualTo(result.testBefore().tarAt(1e-2).tar());
        assertThat(result.testAfter().auc())
                .isGreaterThanOrEqualTo(result.testBefore().auc());
        // The exported ONNX model computes what the head computes on the base embeddings.
        assertThat(result.maxDeviation()).isLessThan(1e-3);
        assertThat(HeadFiles.read(result.headFile()).model()).isEqualTo(result.model());
        assertTauSeparatesTheHeldOutIdentities(result);
        assertThat(Files.readString(result.properties()))
                .contains(
                        "likeness.embedding.embedder.id=faceplugin-fr-feature-samples",
                        "likeness.matching.models.\"faceplugin-fr-feature-samples\".threshold=");
        assertThat(Files.readString(result.report())).contains("Training identities", "Held-out identities", "(kept)");
        assertThat(Files.size(result.output().resolve("roc-held-out.png"))).isGreaterThan(5_000);
    }

    @Test
    void earlyStoppingKeepsAnEpochThatCarriesOverToTheTestIdentities() {
        // A step size large enough to overfit the training identities within a few epochs, and a seed whose test
        // identities the overfit last epoch serves worse (TAR 0.967 -> 0.800): keeping it would fail below.
        Adaptation.Settings defaults = Adaptation.Settings.defaults(512);
        Adaptation.Settings settings = new Adaptation.Settings(
                512,
                1.0,
                defaults.heldOutFraction(),
                defaults.testFraction(),
                10,
                10,
                3e-2,
                defaults.identitiesPerBatch(),
                defaults.photosPerIdentity(),
                1);
        Adaptation.Outcome outcome = Adaptation.train(baseFaces, settings);
        outcome.history().forEach(System.out::println);

        double bestHeldOutTar = outcome.history().stream()
                .mapToDouble(Adaptation.Epoch::heldOutTar)
                .max()
                .orElseThrow();
        Adaptation.Epoch last = outcome.history().get(outcome.history().size() - 1);
        assertThat(last.heldOutTar())
                .as("the run overfits: the last epoch has lost held-out TAR")
                .isLessThan(bestHeldOutTar - 0.1);
        LabelledFaces test = baseFaces.only(outcome.testIdentities());
        Evaluation.Result before = Evaluation.evaluate(test, Evaluation.DEFAULT_FARS, 100_000, 1);
        Evaluation.Result after =
                Evaluation.evaluate(test.map(outcome.head()::apply), Evaluation.DEFAULT_FARS, 100_000, 1);
        System.out.printf(
                "test identities: TAR at FAR 1e-2 %.4f -> %.4f, 1e-3 %.4f -> %.4f, ROC AUC %.4f -> %.4f, EER %.4f -> %.4f (kept epoch %d)%n",
                before.tarAt(1e-2).tar(),
                after.tarAt(1e-2).tar(),
                before.tarAt(1e-3).tar(),
                after.tarAt(1e-3).tar(),
                before.auc(),
                after.auc(),
                before.eer(),
                after.eer(),
                outcome.bestEpoch());
        assertThat(after.tarAt(1e-2).tar())
                .isGreaterThanOrEqualTo(before.tarAt(1e-2).tar());
        assertThat(outcome.best().heldOutTar()).isEqualTo(bestHeldOutTar);
    }

    /**
     * Tau, recomputed from the held-out identities' base embeddings through the kept head (which the exported
     * model matches, see maxDeviation): it accepts no more than the target share of different-person pairs and
     * most same-person pairs.
     */
    private static void assertTauSeparatesTheHeldOutIdentities(Adapter.Result result) {
        LabelledFaces heldOut = baseFaces
                .only(result.outcome().heldOutIdentities())
                .map(result.outcome().head()::apply);
        List<List<float[]>> identities = List.copyOf(heldOut.byIdentity().values());
        int same = 0, sameAccepted = 0, different = 0, differentAccepted = 0;
        for (int i = 0; i < identities.size(); i++) {
            for (int j = i; j < identities.size(); j++) {
                List<float[]> a = identities.get(i), b = identities.get(j);
                for (int x = 0; x < a.size(); x++) {
                    for (int y = i == j ? x + 1 : 0; y < b.size(); y++) {
                        boolean accepted = Evaluation.squaredDistance(a.get(x), b.get(y)) <= result.tau();
                        if (i == j) {
                            same++;
                            sameAccepted += accepted ? 1 : 0;
                        } else {
                            different++;
                            differentAccepted += accepted ? 1 : 0;
                        }
                    }
                }
            }
        }
        System.out.printf(
                "tau %.4f on the held-out identities: %d of %d same pairs, %d of %d different pairs accepted%n",
                result.tau(), sameAccepted, same, differentAccepted, different);
        assertThat(different).isGreaterThan(500);
        assertThat((double) differentAccepted / different).isLessThanOrEqualTo(1e-3);
        assertThat((double) sameAccepted / same).isGreaterThan(0.8);
    }
}
