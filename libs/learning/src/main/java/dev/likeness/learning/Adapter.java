package dev.likeness.learning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.DoubleStream;

import dev.likeness.core.calibration.HeadFiles;
import dev.likeness.core.calibration.HeadTraining;
import dev.likeness.core.calibration.LabelledPairs;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.face.ModelSpec;
import dev.likeness.learning.adaptation.Adaptation;
import dev.likeness.learning.adaptation.AdaptedModelExport;
import dev.likeness.learning.evaluation.Evaluation;

/**
 * {@code likeness adapt}: embeds a labelled folder with the base model, trains the triplet-loss head, exports
 * base + head as a new ONNX model, embeds the folder again through the pipeline with that model (so the
 * "after" figures are the exported model's own), fits the learned verification head and tau for it, and
 * writes the report.
 */
public final class Adapter {

    /** Same pairs per identity as the matching calibration tool uses. */
    private static final int MAX_SAME_PAIRS_PER_IDENTITY = 20;

    private static final int IMPOSTOR_PAIRS = 200_000;

    /**
     * @param modelId         the adapted model's id: a new one, so matching never mixes it with the base
     * @param thresholdFar    the false-accept rate tau is chosen at, on the held-out identities
     */
    public record Request(
            Path folder, Path output, String modelId, Adaptation.Settings settings, double thresholdFar) {}

    /**
     * @param model             the adapted model's id and version (the version as the embedding service derives it)
     * @param maxDeviation      largest difference between the exported model's embeddings and the head applied
     *                          to the base embeddings, over every photo
     * @param trainingLossBefore the mean loss over every triplet of the training identities, base model
     * @param trainingLossAfter  the same, adapted model (through the exported file)
     */
    public record Result(
            ModelKey baseModel,
            ModelKey model,
            Path output,
            Path modelFile,
            Path headFile,
            Path properties,
            Adaptation.Outcome outcome,
            Evaluation.Result heldOutBefore,
            Evaluation.Result heldOutAfter,
            Evaluation.Result testBefore,
            Evaluation.Result testAfter,
            double trainingLossBefore,
            double trainingLossAfter,
            double maxDeviation,
            double tau,
            HeadTraining.Result verificationHead,
            List<String> skipped) {

        public Path report() {
            return output.resolve(AdaptationReport.FILE);
        }
    }

    private Adapter() {}

    public static Result adapt(FacePipelineConfig base, Request request) {
        return adapt(base, request, message -> {});
    }

    /** @param progress one line per step and per epoch, for a long run's user */
    public static Result adapt(FacePipelineConfig base, Request request, Consumer<String> progress) {
        progress.accept("embedding " + request.folder() + " with the base model");
        LabelledFaces before;
        ModelKey baseModel;
        try (FolderEmbedder embedder = new FolderEmbedder(base)) {
            before = embedder.embed(request.folder());
            baseModel = embedder.model();
        }
        progress.accept(before.images() + " photos of " + before.byIdentity().size() + " identities; training");
        Adaptation.Outcome outcome = Adaptation.train(
                before,
                request.settings(),
                epoch -> progress.accept(String.format(
                        Locale.ROOT,
                        "epoch %d: training loss %.5f, held-out TAR at FAR 1e-2 %.4f, ROC AUC %.4f",
                        epoch.epoch(),
                        epoch.trainingLoss(),
                        epoch.heldOutTar(),
                        epoch.heldOutAuc())));

        Path output = createDirectories(request.output());
        Path modelFile = AdaptedModelExport.write(
                network(base).model().path(),
                outcome.head(),
                request.modelId(),
                baseModel.toString(),
                output.resolve(request.modelId() + ".onnx"));
        FacePipelineConfig adaptedConfig = withEmbedder(base, modelFile, request.modelId());
        progress.accept("exported " + modelFile + "; embedding the folder again with it");
        LabelledFaces after;
        ModelKey adaptedModel;
        try (FolderEmbedder embedder = new FolderEmbedder(adaptedConfig)) {
            after = embedder.embed(request.folder());
            adaptedModel = embedder.model();
        }
        double maxDeviation = maxDeviation(before.map(outcome.head()::apply), after);

        double[] fars = uniqueFars(request.thresholdFar());
        LabelledFaces heldOutBefore = before.only(outcome.heldOutIdentities());
        LabelledFaces heldOutAfter = after.only(outcome.heldOutIdentities());
        Evaluation.Result evaluatedBefore = Evaluation.evaluate(
                heldOutBefore, fars, IMPOSTOR_PAIRS, request.settings().seed());
        Evaluation.Result evaluatedAfter = Evaluation.evaluate(
                heldOutAfter, fars, IMPOSTOR_PAIRS, request.settings().seed());
        Evaluation.Result testBefore = Evaluation.evaluate(
                before.only(outcome.testIdentities()),
                fars,
                IMPOSTOR_PAIRS,
                request.settings().seed());
        Evaluation.Result testAfter = Evaluation.evaluate(
                after.only(outcome.testIdentities()),
                fars,
                IMPOSTOR_PAIRS,
                request.settings().seed());
        Adaptation.Settings settings = request.settings();
        double trainingLossBefore =
                Adaptation.trainingLoss(before.only(outcome.trainingIdentities()), settings.margin(), settings.seed());
        double trainingLossAfter =
                Adaptation.trainingLoss(after.only(outcome.trainingIdentities()), settings.margin(), settings.seed());
        double tau = evaluatedAfter.tarAt(request.thresholdFar()).tau();

        HeadTraining.Result verification = HeadTraining.fit(
                adaptedModel,
                LabelledPairs.from(
                        after.only(outcome.trainingIdentities()).byIdentity(),
                        MAX_SAME_PAIRS_PER_IDENTITY,
                        request.settings().seed()),
                LabelledPairs.from(
                        heldOutAfter.byIdentity(),
                        MAX_SAME_PAIRS_PER_IDENTITY,
                        request.settings().seed() + 1),
                request.thresholdFar(),
                HeadTraining.DEFAULT_LAMBDA);
        Path headFile = HeadFiles.write(verification.head(), output.resolve("heads"));

        Path properties = writeProperties(output, adaptedModel, modelFile, tau, verification);
        Result result = new Result(
                baseModel,
                adaptedModel,
                output,
                modelFile,
                headFile,
                properties,
                outcome,
                evaluatedBefore,
                evaluatedAfter,
                testBefore,
                testAfter,
                trainingLossBefore,
                trainingLossAfter,
                maxDeviation,
                tau,
                verification,
                before.skipped());
        AdaptationReport.write(request, result);
        return result;
    }

    /** The pipeline settings with another embedder file and id (the version is derived from the file), aligned as the base. */
    public static FacePipelineConfig withEmbedder(FacePipelineConfig config, Path model, String modelId) {
        EmbeddingSpec.Network base = network(config);
        ModelSpec adapted = new ModelSpec(
                model,
                modelId,
                "",
                base.model().inputWidth(),
                base.model().inputHeight(),
                base.model().encoding(),
                base.model().outputNames());
        return config.withEmbedding(EmbeddingSpec.single(adapted, base.alignment()));
    }

    /** The one network a head adapts: a fused embedding has several, so it cannot be the base. */
    private static EmbeddingSpec.Network network(FacePipelineConfig config) {
        if (config.embedding().fused()) {
            throw new IllegalArgumentException("adaptation needs one network as its base, not the fusion "
                    + config.embedding().id() + ": choose one of its networks");
        }
        return config.embedding().networks().get(0);
    }

    private static double maxDeviation(LabelledFaces expected, LabelledFaces actual) {
        if (!expected.byIdentity().keySet().equals(actual.byIdentity().keySet())) {
            throw new IllegalStateException("the adapted model found faces in other photos than the base model");
        }
        double max = 0;
        for (Map.Entry<String, List<float[]>> entry : expected.byIdentity().entrySet()) {
            List<float[]> other = actual.byIdentity().get(entry.getKey());
            for (int i = 0; i < entry.getValue().size(); i++) {
                float[] a = entry.getValue().get(i), b = other.get(i);
                for (int k = 0; k < a.length; k++) {
                    max = Math.max(max, Math.abs(a[k] - b[k]));
                }
            }
        }
        return max;
    }

    private static Path writeProperties(
            Path output, ModelKey model, Path modelFile, double tau, HeadTraining.Result verification) {
        String key = "likeness.matching.models.\"" + model.id() + "\".";
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("# embedding service (env LIKENESS_EMBEDDING_EMBEDDER_PATH / _ID, LIKENESS_EMBEDDING_MODEL)", null);
        lines.put("likeness.embedding.embedder.path", modelFile.toAbsolutePath().toString());
        lines.put("likeness.embedding.embedder.id", model.id());
        lines.put("likeness.embedding.model", model.id());
        lines.put(
                "# matching service: tau and the logistic on distance; copy heads/ into likeness.matching.heads-dir",
                null);
        lines.put(key + "version", model.version());
        lines.put(key + "threshold", String.format(Locale.ROOT, "%.4f", tau));
        lines.put(
                key + "probability-intercept",
                String.format(
                        Locale.ROOT, "%.4f", verification.distanceCalibration().intercept()));
        lines.put(
                key + "probability-slope",
                String.format(
                        Locale.ROOT, "%.4f", verification.distanceCalibration().slope()));
        StringBuilder text = new StringBuilder();
        lines.forEach((name, value) ->
                text.append(value == null ? name : name + "=" + value).append('\n'));
        Path file = output.resolve("adapted.properties");
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static double[] uniqueFars(double thresholdFar) {
        return DoubleStream.concat(Arrays.stream(Evaluation.DEFAULT_FARS), DoubleStream.of(thresholdFar))
                .distinct()
                .toArray();
    }

    private static Path createDirectories(Path folder) {
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder, e);
        }
    }

    /** The headline figures, as the CLI prints them. */
    public static String summary(Result result) {
        Evaluation.TarAtFar before = result.heldOutBefore().tarAt(Adaptation.STOPPING_FAR);
        Evaluation.TarAtFar after = result.heldOutAfter().tarAt(Adaptation.STOPPING_FAR);
        Evaluation.TarAtFar testBefore = result.testBefore().tarAt(Adaptation.STOPPING_FAR);
        Evaluation.TarAtFar testAfter = result.testAfter().tarAt(Adaptation.STOPPING_FAR);
        return String.format(
                Locale.ROOT,
                "adapted model %s (epoch %d of %d)%n"
                        + "training identities: triplet loss %.5f -> %.5f%n"
                        + "held-out identities: TAR at FAR 1e-2 %.4f -> %.4f, ROC AUC %.4f -> %.4f%n"
                        + "test identities: TAR at FAR 1e-2 %.4f -> %.4f, ROC AUC %.4f -> %.4f%n"
                        + "tau %.4f; model %s; report %s",
                result.model(),
                result.outcome().bestEpoch(),
                result.outcome().history().size() - 1,
                result.trainingLossBefore(),
                result.trainingLossAfter(),
                before.tar(),
                after.tar(),
                result.heldOutBefore().auc(),
                result.heldOutAfter().auc(),
                testBefore.tar(),
                testAfter.tar(),
                result.testBefore().auc(),
                result.testAfter().auc(),
                result.tau(),
                result.modelFile(),
                result.report());
    }
}
