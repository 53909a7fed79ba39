package dev.likeness.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.likeness.learning.FolderEmbedder;
import dev.likeness.learning.LabelledFaces;
import dev.likeness.learning.evaluation.Evaluation;
import dev.likeness.learning.evaluation.EvaluationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "evaluate",
        description = "Embed a labelled folder in-process (one face per photo, the largest) and report"
                + " ROC AUC, EER, TAR at FAR 1e-2 and 1e-3 with their thresholds and one-shot rank-1 accuracy, with charts"
                + " and a Markdown report. Needs no Kafka.")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    LabelledFolderOptions labelled;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "likeness-evaluation",
            description = "Where report.md, roc.png and distances.png go (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--impostor-pairs",
            paramLabel = "N",
            defaultValue = "200000",
            description =
                    "Different-person pairs: all when there are at most N, else N drawn at random (default: ${DEFAULT-VALUE}).")
    int impostorPairs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path folder = labelled.folder();
        PrintWriter out = spec.commandLine().getOut();
        try (FolderEmbedder embedder = new FolderEmbedder(labelled.pipeline())) {
            LabelledFaces faces = embed(embedder, folder, spec);
            Evaluation.Result result = evaluate(faces, impostorPairs, labelled.seed);
            EvaluationReport.Written written = EvaluationReport.write(output, folder, embedder.model(), faces, result);
            out.printf(
                    Locale.ROOT,
                    "%s on %d identities, %d photos: ROC AUC %.4f, EER %.4f, TAR at FAR 1e-2 %.4f (tau %.4f), "
                            + "at 1e-3 %.4f (tau %.4f), rank-1 %.4f%nreport: %s%n",
                    embedder.model(),
                    result.identities(),
                    result.images(),
                    result.auc(),
                    result.eer(),
                    result.tarAt(1e-2).tar(),
                    result.tarAt(1e-2).tau(),
                    result.tarAt(1e-3).tar(),
                    result.tarAt(1e-3).tau(),
                    result.rank1(),
                    written.report());
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** Embeds, printing every photo left out to stderr; a folder without any usable identity is a usage error. */
    static LabelledFaces embed(FolderEmbedder embedder, Path folder, CommandSpec spec) {
        LabelledFaces faces;
        try {
            faces = embedder.embed(folder);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        faces.skipped().forEach(line -> err.println("likeness: left out " + line));
        err.flush();
        return faces;
    }

    private static Evaluation.Result evaluate(LabelledFaces faces, int impostorPairs, long seed) {
        try {
            return Evaluation.evaluate(faces, Evaluation.DEFAULT_FARS, impostorPairs, seed);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }
}
