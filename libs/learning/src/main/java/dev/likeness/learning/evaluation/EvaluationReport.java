package dev.likeness.learning.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.learning.LabelledFaces;

/** Writes an evaluation as Markdown with its two charts, and formats the figures for other reports. */
public final class EvaluationReport {

    /** The files written. */
    public record Written(Path report, Path roc, Path histogram) {}

    private EvaluationReport() {}

    public static Written write(
            Path folder, Path source, ModelKey model, LabelledFaces faces, Evaluation.Result result) {
        try {
            Files.createDirectories(folder);
            Path roc = Charts.roc(Map.of(model.toString(), result), folder.resolve("roc.png"));
            Path histogram = Charts.histogram("Distances, " + model, result, folder.resolve("distances.png"));
            StringBuilder md = new StringBuilder();
            md.append("# Evaluation of ").append(model).append("\n\n");
            md.append("Labelled folder: `")
                    .append(source)
                    .append("`, ")
                    .append(result.identities())
                    .append(" identities, ")
                    .append(result.images())
                    .append(
                            " photos embedded (one face per photo, its subject: area - 2 x squared centre offset).\n\n");
            md.append(table(new LinkedHashMap<>(Map.of(model.toString(), result))));
            md.append("\n").append(notes(result));
            md.append("\n![ROC](")
                    .append(roc.getFileName())
                    .append(")\n\n![Distances](")
                    .append(histogram.getFileName())
                    .append(")\n");
            md.append(skipped(faces.skipped()));
            Path report = folder.resolve("report.md");
            Files.writeString(report, md);
            return new Written(report, roc, histogram);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + folder, e);
        }
    }

    /** A Markdown table: one column per embedding, one row per figure. */
    public static String table(Map<String, Evaluation.Result> columns) {
        StringBuilder md = new StringBuilder("| figure |");
        columns.keySet().forEach(name -> md.append(' ').append(name).append(" |"));
        md.append("\n|---|").append("---|".repeat(columns.size())).append('\n');
        Evaluation.Result any = columns.values().iterator().next();
        row(md, "identities / photos", columns, r -> r.identities() + " / " + r.images());
        row(
                md,
                "same-person / different-person pairs",
                columns,
                r -> r.genuine().length + " / " + r.impostors().length);
        row(md, "ROC AUC", columns, r -> f("%.4f", r.auc()));
        row(md, "EER (tau there)", columns, r -> f("%.4f (d <= %.4f)", r.eer(), r.eerTau()));
        for (Evaluation.TarAtFar tar : any.tars()) {
            row(md, f("TAR at FAR %.0e (tau)", tar.targetFar()), columns, r -> {
                Evaluation.TarAtFar at = r.tarAt(tar.targetFar());
                return f("%.4f (d <= %.4f)", at.tar(), at.tau()) + (at.resolvedEnough() ? "" : " *");
            });
        }
        row(md, "rank-1, one-shot (queries)", columns, r -> f("%.4f (%d)", r.rank1(), r.rank1Queries()));
        return md.toString();
    }

    static String notes(Evaluation.Result result) {
        StringBuilder md = new StringBuilder();
        md.append("d = ||f1 - f2||^2 between unit embeddings; \"same\" when d <= tau (the matching service's rule). ");
        md.append(
                "Rank-1: each identity's first photo (file-name order) enrolled, every other photo queried against all enrolled.\n");
        if (result.tars().stream().anyMatch(t -> !t.resolvedEnough())) {
            md.append(
                    "\n\\* fewer than 1/FAR different-person pairs: that false-accept rate is not resolved; the figure is coarse.\n");
        }
        return md.toString();
    }

    /** The "Left out" section: photos and identities that could not be used, with the reason. */
    public static String skipped(List<String> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\n## Left out\n\n");
        skipped.forEach(line -> md.append("- ").append(line).append('\n'));
        return md.toString();
    }

    private interface Cell {
        String of(Evaluation.Result result);
    }

    private static void row(StringBuilder md, String name, Map<String, Evaluation.Result> columns, Cell cell) {
        md.append("| ").append(name).append(" |");
        columns.values()
                .forEach(result -> md.append(' ').append(cell.of(result)).append(" |"));
        md.append('\n');
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
