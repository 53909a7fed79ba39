package dev.likeness.bench;

import java.nio.file.Path;
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
        Optional<Integer> identities = Figures.number("matching.largest").map(Double::intValue);
        String matching = "matching." + identities.orElse(0);
        Results.Goals goals = new Results.Goals(
                Provenance.now(),
                Figures.number("mesh.one-face.ratio"),
                Figures.number("mesh.group.ratio"),
                Figures.number("pipeline.one-face.b8.ratio"),
                Figures.number("pipeline.one-face.b1.ratio"),
                Figures.number("pipeline.one-face.b8.ratio-as-run"),
                Figures.number("pipeline.one-face.b1.ratio-as-run"),
                Figures.number("peer.one-face.b8.ratio"),
                Figures.number("peer.one-face.b1.ratio"),
                Figures.number("peer.group.b8.ratio"),
                Figures.number("publish.rate"),
                identities,
                Figures.number(matching + ".hnsw.p99"),
                Figures.number(matching + ".recall"),
                Figures.number(matching + ".exact.p99"),
                Figures.get("pipeline.profile"),
                Figures.get("mesh.profile"));
        Report.writeSection(report, "goals", BenchReport.goals(goals));
    }
}
