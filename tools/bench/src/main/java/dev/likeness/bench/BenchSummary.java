package dev.likeness.bench;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The last step of {@code make bench}: the headline figures of this run (var/bench/figures.properties) against
 * the goals of issues #10 and #20 (performance), with what dominates where a goal is missed. Usage: BenchSummary
 * REPORT.md
 */
public final class BenchSummary {

    /** Issue #20: the mesh at >= 0.92x the in-process pipeline, which runs at <= 1.15x the raw networks' time. */
    static final double MESH_RATIO = 0.92;

    static final double PIPELINE_OVERHEAD = 1.15;
    /** Issue #20: in-process >= 1.5x the onnxruntime-node peer. */
    static final double PEER_RATIO = 1.5;

    private BenchSummary() {}

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        StringBuilder md = new StringBuilder("## Where we are against the goals\n\n")
                .append("From the last `make bench` (")
                .append(Machine.describe())
                .append("). The machine is shared"
                        + " with other builds while it runs: each ratio below is measured side by side in the same run,"
                        + " which keeps it meaningful; absolute figures in the sections below are noisy.\n\n")
                .append("| goal | target | this run | status |\n|---|---|---|---|\n");
        ratioRow(
                md,
                "Mesh throughput vs in-process (one-face 640x480, to FacesEmbedded)",
                "mesh.one-face.ratio",
                MESH_RATIO,
                true,
                "x");
        ratioRow(
                md,
                "Mesh throughput vs in-process (1920 px group photos, to FacesEmbedded)",
                "mesh.group.ratio",
                MESH_RATIO,
                true,
                "x");
        overheadRow(md, "pipeline.one-face.b8.ratio", 8);
        overheadRow(md, "pipeline.one-face.b1.ratio", 1);
        ratioRow(
                md,
                "In-process vs onnxruntime-node peer (one-face 640x480, batch 8)",
                "peer.one-face.b8.ratio",
                PEER_RATIO,
                true,
                "x");
        ratioRow(
                md,
                "In-process vs onnxruntime-node peer (one-face 640x480, batch 1)",
                "peer.one-face.b1.ratio",
                PEER_RATIO,
                true,
                "x");
        ratioRow(
                md,
                "In-process vs onnxruntime-node peer (group photos, batch 8)",
                "peer.group.b8.ratio",
                PEER_RATIO,
                true,
                "x");
        ratioRow(
                md, "`likeness publish`, 250 x 250 JPEGs to the local broker", "publish.rate", 2000, true, " photos/s");
        md.append("| Matching replica restarted with a 1M-identity gallery, ready | <= 60 s | not part of `make bench`:"
                + " `make bench-restart`, section \"Matching: cold start of a replica\" | see that section |\n");
        matchingRows(md);
        md.append("\nWhat dominates, from the CPU-time profiles of this run:\n\n");
        Figures.get("pipeline.profile")
                .ifPresent(p -> md.append("- In-process pipeline (one-face, batch 8): ")
                        .append(p)
                        .append(".\n"));
        Figures.get("mesh.profile")
                .ifPresent(p ->
                        md.append("- Embedding service in the mesh: ").append(p).append(".\n"));
        Report.writeSection(report, "goals", md.toString());
    }

    private static void ratioRow(StringBuilder md, String goal, String key, double target, boolean atLeast, String unit)
            throws Exception {
        Optional<Double> value = Figures.number(key);
        md.append("| ")
                .append(goal)
                .append(" | ")
                .append(atLeast ? ">= " : "<= ")
                .append(String.format(Locale.ROOT, "%.2f%s", target, unit))
                .append(" | ")
                .append(value.map(v -> String.format(Locale.ROOT, "%.2f%s", v, unit))
                        .orElse("not measured"))
                .append(" | ")
                .append(value.map(v -> status(v, target, atLeast)).orElse("not measured"))
                .append(" |\n");
    }

    private static void overheadRow(StringBuilder md, String key, int batch) throws Exception {
        Optional<Double> ratio = Figures.number(key);
        md.append("| In-process pipeline overhead over raw model time (one-face 640x480, batch ")
                .append(batch)
                .append(String.format(Locale.ROOT, ") | <= %.0f%% | ", 100 * (PIPELINE_OVERHEAD - 1)))
                .append(ratio.map(r -> String.format(Locale.ROOT, "+%.0f%% (%.2fx)", 100 * (r - 1), r))
                        .orElse("not measured"))
                .append(" | ")
                .append(ratio.map(r -> r <= PIPELINE_OVERHEAD
                                ? "met"
                                : String.format(
                                        Locale.ROOT, "**missed** by %.0f points", 100 * (r - PIPELINE_OVERHEAD)))
                        .orElse("not measured"))
                .append(" |\n");
    }

    private static void matchingRows(StringBuilder md) throws Exception {
        Optional<Double> largest = Figures.number("matching.largest");
        if (largest.isEmpty()) {
            md.append("| 1:K p99 at 1M identities, recall@1 | <= 10 ms, >= 0.99 | not measured | not measured |\n");
            return;
        }
        String size = String.format(Locale.ROOT, "%,.0f", largest.get());
        String key = "matching." + largest.get().intValue();
        Optional<Double> p99 = Figures.number(key + ".hnsw.p99");
        Optional<Double> recall = Figures.number(key + ".recall");
        Optional<Double> exact = Figures.number(key + ".exact.p99");
        md.append("| 1:K search p99 at ")
                .append(size)
                .append(" identities (HNSW, ef 100) | <= 10 ms | ")
                .append(p99.map(v -> String.format(Locale.ROOT, "%.2f ms", v)).orElse("graph not built in this run"))
                .append(" | ")
                .append(p99.map(v -> status(v, 10, false)).orElse("not measured"))
                .append(" |\n");
        md.append("| recall@1 at ")
                .append(size)
                .append(" identities (HNSW vs exact, enrolled probes) | >= 0.99 | ")
                .append(recall.map(v -> String.format(Locale.ROOT, "%.3f", v)).orElse("graph not built in this run"))
                .append(" | ")
                .append(recall.map(v -> status(v, 0.99, true)).orElse("not measured"))
                .append(" |\n");
        exact.ifPresent(v -> md.append("| (for comparison) exact search p99 at ")
                .append(size)
                .append(" identities | <= 10 ms | ")
                .append(String.format(Locale.ROOT, "%.1f ms", v))
                .append(" | ")
                .append(status(v, 10, false))
                .append(" |\n"));
    }

    private static String status(double value, double target, boolean atLeast) {
        boolean met = atLeast ? value >= target : value <= target;
        if (met) {
            return "met";
        }
        double by = atLeast ? (target - value) / target : (value - target) / target;
        return String.format(Locale.ROOT, "**missed** by %.0f%%", 100 * by);
    }
}
