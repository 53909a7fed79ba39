package dev.likeness.learning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.likeness.learning.adaptation.Adaptation;
import dev.likeness.learning.evaluation.Charts;
import dev.likeness.learning.evaluation.Evaluation;
import dev.likeness.learning.evaluation.EvaluationReport;

/** The Markdown report of an adaptation, with before/after charts on the held-out identities. */
final class AdaptationReport {

    static final String FILE = "report.md";

    private AdaptationReport() {}

    static Path write(Adapter.Request request, Adapter.Result result) {
        Path output = result.output();
        Map<String, Evaluation.Result> columns = new LinkedHashMap<>();
        columns.put("base " + result.baseModel(), result.heldOutBefore());
        columns.put("adapted " + result.model(), result.heldOutAfter());
        Path roc = Charts.roc(columns, output.resolve("roc-held-out.png"));
        Path base = Charts.histogram(
                "Held-out distances, base", result.heldOutBefore(), output.resolve("distances-base.png"));
        Path adapted = Charts.histogram(
                "Held-out distances, adapted", result.heldOutAfter(), output.resolve("distances-adapted.png"));
        Adaptation.Settings settings = request.settings();
        Adaptation.Outcome outcome = result.outcome();

        StringBuilder md = new StringBuilder();
        md.append("# Adapted model ").append(result.model()).append("\n\n");
        md.append(f(
                "Base model %s, labelled folder `%s`. A linear head (%d -> %d, then L2 normalisation) trained with the "
                        + "triplet loss (margin %.3f, semi-hard negatives within batches of %d identities x %d photos, Adam, "
                        + "learning rate %.1e), early stopping on the held-out TAR at FAR 1e-2 (patience %d epochs).%n%n",
                result.baseModel(),
                request.folder(),
                outcome.head().inputs(),
                outcome.head().outputs(),
                settings.margin(),
                settings.identitiesPerBatch(),
                settings.photosPerIdentity(),
                settings.learningRate(),
                settings.patience()));
        md.append(f(
                "- training identities (%d): %s%n- held-out identities (%d, early stopping): %s%n"
                        + "- test identities (%d, seen by neither training nor early stopping): %s%n",
                outcome.trainingIdentities().size(),
                names(outcome.trainingIdentities()),
                outcome.heldOutIdentities().size(),
                names(outcome.heldOutIdentities()),
                outcome.testIdentities().size(),
                names(outcome.testIdentities())));
        md.append(f(
                "- kept epoch %d of %d%s%n",
                outcome.bestEpoch(),
                outcome.history().size() - 1,
                outcome.bestEpoch() == 0
                        ? ": no later epoch reached the held-out TAR at FAR 1e-2 of the start, so the head is the initial one (for"
                                + " 512 -> 512 the identity: the base embedding under a new id). Training did not carry over to"
                                + " new people; keep the base model, or add photos of more identities"
                        : ""));
        md.append(f(
                "- exported model `%s`; its embeddings through the pipeline differ from the head applied to the base "
                        + "embeddings by at most %.2e%n%n",
                result.modelFile().getFileName(), result.maxDeviation()));

        md.append("## Training identities: triplet loss\n\n");
        md.append(f(
                "Mean of L(A,P,N) over every triplet of the training identities' photos (at most %d of them, the same"
                        + " photos throughout): base model %.5f, adapted model %.5f.%n%n",
                Adaptation.MAX_LOSS_PHOTOS, result.trainingLossBefore(), result.trainingLossAfter()));
        md.append("| epoch | training loss | held-out TAR at FAR 1e-2 | held-out ROC AUC |\n|---|---|---|---|\n");
        for (Adaptation.Epoch epoch : outcome.history()) {
            md.append(f(
                    "| %d%s | %.5f | %.4f | %.4f |%n",
                    epoch.epoch(),
                    epoch.epoch() == outcome.bestEpoch() ? " (kept)" : "",
                    epoch.trainingLoss(),
                    epoch.heldOutTar(),
                    epoch.heldOutAuc()));
        }
        md.append("\n## Held-out identities: before and after\n\n");
        md.append(
                "The held-out identities also chose the epoch (early stopping), so their \"after\" column is slightly "
                        + "optimistic; the test identities below are the unbiased figures.\n\n");
        md.append(EvaluationReport.table(columns)).append('\n');
        md.append(f(
                "![ROC](%s)%n%n![Base](%s)%n%n![Adapted](%s)%n%n",
                roc.getFileName(), base.getFileName(), adapted.getFileName()));

        md.append("## Test identities: before and after\n\n");
        md.append("Identities neither training nor early stopping saw: how the adapted model does on new people.\n\n");
        Map<String, Evaluation.Result> test = new LinkedHashMap<>();
        test.put("base " + result.baseModel(), result.testBefore());
        test.put("adapted " + result.model(), result.testAfter());
        md.append(EvaluationReport.table(test)).append('\n');

        md.append("## Threshold and learned verification head\n\n");
        md.append(f(
                "tau = %.4f (d <= tau is \"same\"), at FAR %.0e on the held-out identities.%n%n",
                result.tau(), request.thresholdFar()));
        md.append(
                        "The learned head p = sigmoid(sum_k w_k |f1_k - f2_k| + b), fitted on pairs of the training identities, "
                                + "measured on the held-out ones:\n\n```\n")
                .append(result.verificationHead().report().summary())
                .append("\n```\n\n");
        md.append(f(
                "Written: `%s` (the model), `%s` (the head, for `likeness.matching.heads-dir`), `%s` (settings for "
                        + "both services). See docs/learning.md for the roll-out.%n",
                result.modelFile().getFileName(),
                output.relativize(result.headFile()),
                result.properties().getFileName()));
        md.append(EvaluationReport.skipped(result.skipped()));
        Path report = output.resolve(FILE);
        try {
            Files.writeString(report, md);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report, e);
        }
        return report;
    }

    /** Every name for a small set; the count and the first ones for a large one. */
    private static String names(List<String> identities) {
        int shown = 30;
        return identities.size() <= shown
                ? String.join(", ", identities)
                : String.join(", ", identities.subList(0, shown)) + ", ... (" + (identities.size() - shown) + " more)";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
