package dev.likeness.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.likeness.face.PipelineStage;

/**
 * Turns the scenarios' {@link Results} into their markdown sections of docs/benchmarks.md: the one place that
 * formats figures, so that a scenario only measures.
 */
public final class BenchReport {

    private BenchReport() {}

    /** The opening paragraph of a {@code make bench} section: command, machine, load, what was run and how often. */
    static String suiteProvenance(Provenance provenance, String main, String what) {
        return "Command: `" + EmbeddingBench.COMMAND + "` (`" + main + "`). Machine: " + provenance.machine() + "; "
                + provenance.load()
                + " at the start (the machine is shared: absolute times are noisy, ratios measured side by side in one"
                + " run are what counts). " + what + ". Figures: median [min-max] of " + EmbeddingBench.RUNS
                + " runs after " + EmbeddingBench.WARM_UP + " warm-up runs unless stated.\n\n";
    }

    public static String publish(Results.Publish result) {
        Measurement cli = result.pipelined();
        Measurement baseline = result.oneAtATime();
        double rate = 1 / cli.median();
        return "## Bulk publishing\n\n"
                + suiteProvenance(
                        result.provenance(),
                        "PublishBench",
                        "A local broker (KRaft, one node, `likeness.images.v1` as deployed); " + result.photos()
                                + " JPEGs of " + result.side() + " x " + result.side()
                                + " px cut from the sample photos ("
                                + String.format(Locale.ROOT, "%.1f", result.averageKib())
                                + " KiB on average). `likeness publish FOLDER` runs in this JVM as a user runs it"
                                + " (reading, request building, ids printed to a discarded stream, a fresh producer"
                                + " each run); the baseline sends the first " + result.baselinePhotos()
                                + " of the same photos one at a time, waiting for each acknowledgement (acks=all, the"
                                + " producer's default batching), as the CLI did before it pipelined")
                + "| | photos/s | per photo |\n|---|---|---|\n"
                + "| `likeness publish` (pipelined) | " + Report.perSecond(cli) + " | " + Report.ms(cli) + " |\n"
                + "| one at a time | " + Report.perSecond(baseline) + " | " + Report.ms(baseline) + " |\n\n"
                + String.format(
                        Locale.ROOT,
                        "Pipelined / one at a time: %.1fx. Goal: >= %.0f photos/s (%s).\n",
                        baseline.median() / cli.median(),
                        PublishBench.GOAL_PER_SECOND,
                        rate >= PublishBench.GOAL_PER_SECOND ? "met" : "**missed**");
    }

    public static String micro(Results.Micro result) {
        StringBuilder md = new StringBuilder("## In-process micro-benchmarks (JMH)\n\n")
                .append("Command: `make bench-micro` (`MicroBenchmarks`, JMH ")
                .append(result.jmhVersion())
                .append("). Machine: ")
                .append(result.provenance().machine())
                .append("; ")
                .append(result.provenance().load())
                .append(" at the start (the machine is shared: compare rows of one run)."
                        + " Each benchmark in its own forked JVM; mean of the measurement iterations with JMH's 99.9 %"
                        + " error (half the confidence interval).\n\n")
                .append("| benchmark | parameters | mean ± 99.9 % error |\n|---|---|---|\n");
        for (Results.MicroRow row : result.rows()) {
            String name = row.benchmark();
            md.append(String.format(
                    Locale.ROOT,
                    "| `%s` | %s | %.1f ± %.1f %s |\n",
                    // Class.method, without the package.
                    name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
                    row.params().isEmpty() ? "" : row.params().toString().replaceAll("[{}]", ""),
                    row.mean(),
                    row.error(),
                    row.unit()));
        }
        return md.toString();
    }

    public static String threadPool(Results.ThreadPool result) {
        StringBuilder md = new StringBuilder("## ONNX Runtime: one thread pool per process\n\n")
                .append("Command: `make bench-threads` (`ThreadPoolBench`). Machine: ")
                .append(result.provenance().machine())
                .append("; ")
                .append(result.provenance().load())
                .append(" at the start (the machine is shared: read the ratios). The in-process pipeline (as in"
                        + " EmbeddingBench: batch " + ThreadPoolBench.BATCH + ", thread counts left to ONNX Runtime, no"
                        + " spinning) with a pool per session against one pool for the process (`SharedThreadPool`,"
                        + " sessions' own threads disabled). One JVM per mode and round, modes alternating, "
                        + result.rounds() + " rounds; per round the median of " + EmbeddingBench.RUNS + " runs after "
                        + EmbeddingBench.WARM_UP + " warm-ups; the table gives the median over the rounds. CPU = the"
                        + " whole process's, ONNX Runtime's threads included.\n\n")
                .append("| images | per-session ms/image | shared ms/image | per-session / shared |"
                        + " per-session CPU ms/image | shared CPU ms/image | per-session / shared (CPU) |\n"
                        + "|---|---|---|---|---|---|---|\n");
        for (Results.ThreadPoolRow row : result.workloads()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | **%.2fx** | %.2f | %.2f | **%.2fx** |\n",
                    row.workload(),
                    1e3 * row.perSessionWall(),
                    1e3 * row.sharedWall(),
                    row.perSessionWall() / row.sharedWall(),
                    1e3 * row.perSessionCpu(),
                    1e3 * row.sharedCpu(),
                    row.perSessionCpu() / row.sharedCpu()));
        }
        return md.toString();
    }

    public static String onnxRuntimeVersions(Results.OnnxRuntimeVersions result) {
        StringBuilder md = new StringBuilder("## ONNX Runtime versions\n\n")
                .append("Command: `make bench-onnxruntime` (`OnnxRuntimeVersions`). Machine: ")
                .append(result.provenance().machine())
                .append("; ")
                .append(result.provenance().load())
                .append(" at the end. The service networks on random tensors with one intra-op thread (spinning off as"
                        + " in the services); CPU time of the calling thread per item, median of "
                        + OnnxRuntimeVersions.MEASURED_CALLS + " calls after " + OnnxRuntimeVersions.WARM_UP_CALLS
                        + " warm-up calls, one JVM per version and round, versions alternating; the table gives the"
                        + " median over the rounds, and in brackets the ratio to " + result.baseline()
                        + ", the version the project runs.\n\n")
                .append("| network | batch |");
        result.versions().forEach(version -> md.append(' ').append(version).append(" |"));
        md.append("\n|---|---|").append("---|".repeat(result.versions().size())).append('\n');
        for (Results.VersionsRow row : result.networks()) {
            double base = row.cpuMsByVersion().get(result.baseline());
            md.append("| ")
                    .append(row.network())
                    .append(" | ")
                    .append(row.batch())
                    .append(" |");
            for (String version : result.versions()) {
                Double ms = row.cpuMsByVersion().get(version);
                md.append(ms == null ? " - |" : String.format(Locale.ROOT, " %.2f ms (%.2fx) |", ms, ms / base));
            }
            md.append('\n');
        }
        return md.append("\nRounds per version: ")
                .append(result.rounds())
                .append(".\n\n")
                .toString();
    }

    public static String goals(Results.Goals goals) {
        StringBuilder md = new StringBuilder("## Where we are against the goals\n\n")
                .append("From the last `make bench` (")
                .append(goals.provenance().machine())
                .append("). The machine is shared"
                        + " with other builds while it runs: each ratio below is measured side by side in the same run,"
                        + " which keeps it meaningful; absolute figures in the sections below are noisy.\n\n")
                .append("| goal | target | this run | status |\n|---|---|---|---|\n");
        ratioRow(
                md,
                "Mesh throughput vs in-process (one-face 640x480, to FacesEmbedded)",
                goals.meshOneFace(),
                BenchSummary.MESH_RATIO,
                "x");
        ratioRow(
                md,
                "Mesh throughput vs in-process (1920 px group photos, to FacesEmbedded)",
                goals.meshGroup(),
                BenchSummary.MESH_RATIO,
                "x");
        overheadRow(md, goals.pipelineBatch8(), "networks in sequence", 8);
        overheadRow(md, goals.pipelineBatch1(), "networks in sequence", 1);
        overheadRow(md, goals.pipelineBatch8AsRun(), "networks run as the pipeline runs them", 8);
        overheadRow(md, goals.pipelineBatch1AsRun(), "networks run as the pipeline runs them", 1);
        ratioRow(
                md,
                "In-process vs onnxruntime-node peer (one-face 640x480, batch 8)",
                goals.peerOneFaceBatch8(),
                BenchSummary.PEER_RATIO,
                "x");
        ratioRow(
                md,
                "In-process vs onnxruntime-node peer (one-face 640x480, batch 1)",
                goals.peerOneFaceBatch1(),
                BenchSummary.PEER_RATIO,
                "x");
        ratioRow(
                md,
                "In-process vs onnxruntime-node peer (group photos, batch 8)",
                goals.peerGroupBatch8(),
                BenchSummary.PEER_RATIO,
                "x");
        ratioRow(
                md,
                "`likeness publish`, 250 x 250 JPEGs to the local broker",
                goals.publishRate(),
                PublishBench.GOAL_PER_SECOND,
                " photos/s");
        md.append("| Matching replica restarted with a 1M-identity gallery, ready | <= 60 s | not part of `make bench`:"
                + " `make bench-restart`, section \"Matching: cold start of a replica\" | see that section |\n");
        matchingRows(md, goals);
        md.append("\nWhat dominates, from the CPU-time profiles of this run:\n\n");
        goals.pipelineProfile()
                .ifPresent(p -> md.append("- In-process pipeline (one-face, batch 8): ")
                        .append(p)
                        .append(".\n"));
        goals.meshProfile()
                .ifPresent(p ->
                        md.append("- Embedding service in the mesh: ").append(p).append(".\n"));
        return md.toString();
    }

    /** A goal of at least {@code target}. */
    private static void ratioRow(StringBuilder md, String goal, Optional<Double> value, double target, String unit) {
        md.append("| ")
                .append(goal)
                .append(" | >= ")
                .append(String.format(Locale.ROOT, "%.2f%s", target, unit))
                .append(" | ")
                .append(value.map(v -> String.format(Locale.ROOT, "%.2f%s", v, unit))
                        .orElse("not measured"))
                .append(" | ")
                .append(value.map(v -> status(v, target, true)).orElse("not measured"))
                .append(" |\n");
    }

    /** The pipeline against the raw networks, {@code raw} saying how they were run (EmbeddingBench's two baselines). */
    private static void overheadRow(StringBuilder md, Optional<Double> ratio, String raw, int batch) {
        md.append("| In-process pipeline overhead over raw model time, ")
                .append(raw)
                .append(" (one-face 640x480, batch ")
                .append(batch)
                .append(String.format(Locale.ROOT, ") | <= %.0f%% | ", 100 * (BenchSummary.PIPELINE_OVERHEAD - 1)))
                .append(ratio.map(r -> String.format(Locale.ROOT, "+%.0f%% (%.2fx)", 100 * (r - 1), r))
                        .orElse("not measured"))
                .append(" | ")
                .append(ratio.map(r -> r <= BenchSummary.PIPELINE_OVERHEAD
                                ? "met"
                                : String.format(
                                        Locale.ROOT,
                                        "**missed** by %.0f points",
                                        100 * (r - BenchSummary.PIPELINE_OVERHEAD)))
                        .orElse("not measured"))
                .append(" |\n");
    }

    private static void matchingRows(StringBuilder md, Results.Goals goals) {
        if (goals.matchingIdentities().isEmpty()) {
            md.append("| 1:K p99 at 1M identities, recall@1 | <= 10 ms, >= 0.99 | not measured | not measured |\n");
            return;
        }
        String size =
                String.format(Locale.ROOT, "%,d", goals.matchingIdentities().get());
        md.append("| 1:K search p99 at ")
                .append(size)
                .append(" identities (HNSW, ef 100) | <= 10 ms | ")
                .append(goals.hnswP99()
                        .map(v -> String.format(Locale.ROOT, "%.2f ms", v))
                        .orElse("graph not built in this run"))
                .append(" | ")
                .append(goals.hnswP99().map(v -> status(v, 10, false)).orElse("not measured"))
                .append(" |\n");
        md.append("| recall@1 at ")
                .append(size)
                .append(" identities (HNSW vs exact, enrolled probes) | >= 0.99 | ")
                .append(goals.recall()
                        .map(v -> String.format(Locale.ROOT, "%.3f", v))
                        .orElse("graph not built in this run"))
                .append(" | ")
                .append(goals.recall().map(v -> status(v, 0.99, true)).orElse("not measured"))
                .append(" |\n");
        goals.exactP99()
                .ifPresent(v -> md.append("| (for comparison) exact search p99 at ")
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

    /** The caption under a chart's title: the command and the machine. */
    static String chartCaption(Provenance provenance) {
        return EmbeddingBench.COMMAND + ", " + provenance.machine();
    }

    /** The matching section, and its chart of p99 latencies at the service's efSearch written into {@code charts}. */
    public static String matching(Results.Matching result, Path charts) throws IOException {
        StringBuilder md = new StringBuilder("## Matching: 1:K search\n\n")
                .append("Command: `make bench` (`")
                .append(result.command())
                .append("`, then `MatchingReport`). Machine: ")
                .append(result.provenance().machine())
                .append("; ")
                .append(result.provenance().load())
                .append(" at the end (shared machine)."
                        + " Synthetic face-like 512-d galleries, one embedding per identity, k = 5, one face per call;"
                        + " latency percentiles over all probes after warm-up probes (each probe is one measured run);"
                        + " recall@1 = share of probes where HNSW's best candidate is exact search's (enrolled: another"
                        + " view of an enrolled person; strangers: never enrolled). HNSW M = 16, efConstruction = 100."
                        + " The graphs are kept in `var/bench/hnsw` once built (`--graph-cache`): the build time shown"
                        + " is the one measured when the graph was built (cached = yes), since rebuilding a million-row"
                        + " graph takes about half an hour on 2 cores.\n\n")
                .append(
                        "| identities | gallery heap | exact p50 | exact p99 | HNSW build | cached | graph | ef | HNSW p50 |"
                                + " HNSW p99 | recall@1 enrolled | recall@1 strangers |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> categories = new ArrayList<>();
        List<Double> exactP99 = new ArrayList<>();
        List<Double> hnswP99 = new ArrayList<>();
        int previous = -1;
        for (Results.MatchingRow r : result.rows()) {
            // The gallery's own figures on its first row only, the efSearch rows below it.
            boolean first = r.identities() != previous;
            previous = r.identities();
            if (r.ef() == 0) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %,d | %,d MiB | %.2f ms | %.2f ms | not built in this run: no"
                                + " cached graph (`make bench-graphs` builds it once) | | | | | | | |\n",
                        r.identities(),
                        r.galleryHeapBytes() >> 20,
                        r.exactP50(),
                        r.exactP99()));
                continue;
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %d | %.2f ms | %.2f ms | %.3f | %.3f |\n",
                    first ? String.format(Locale.ROOT, "%,d", r.identities()) : "",
                    first ? String.format(Locale.ROOT, "%,d MiB", r.galleryHeapBytes() >> 20) : "",
                    first ? String.format(Locale.ROOT, "%.2f ms", r.exactP50()) : "",
                    first ? String.format(Locale.ROOT, "%.2f ms", r.exactP99()) : "",
                    first ? String.format(Locale.ROOT, "%,.0f s", r.buildSeconds()) : "",
                    first ? (r.cached() ? "yes" : "no") : "",
                    first ? String.format(Locale.ROOT, "%,d MiB", r.graphBytes() >> 20) : "",
                    r.ef(),
                    r.hnswP50(),
                    r.hnswP99(),
                    r.recallEnrolled(),
                    r.recallStrangers()));
            if (r.ef() == MatchingReport.DEFAULT_EF) {
                categories.add(String.format(Locale.ROOT, "%,d", r.identities()));
                exactP99.add(r.exactP99());
                hnswP99.add(r.hnswP99());
            }
        }
        return md.append("\n")
                .append(Charts.write(
                        charts.resolve("bench-matching.png"),
                        new Charts.Bars(
                                        "1:K search p99 latency, exact vs HNSW (ef = " + MatchingReport.DEFAULT_EF
                                                + ")",
                                        "ms, p99",
                                        categories)
                                .add("exact", exactP99)
                                .add("HNSW", hnswP99),
                        chartCaption(result.provenance())))
                .append("\n")
                .toString();
    }

    /** The stylising section, and its Gatys chart written into {@code charts}. */
    public static String stylising(Results.Stylising result, Path charts) throws IOException {
        int iterations = StylisingBench.ITERATIONS;
        StringBuilder md = new StringBuilder("## Stylising\n\n")
                .append("Command: `" + EmbeddingBench.COMMAND + "` (`StylisingBench`). Machine: ")
                .append(result.provenance().machine())
                .append("; ")
                .append(result.provenance().load())
                .append(" at the start (shared machine: ratios measured side by side are what counts)."
                        + " ONNX Runtime CPU provider, default intra-op threads. Figures: median [min-max] of "
                        + StylisingBench.RUNS + " runs after one warm-up run.\n\n")
                .append("Gatys (`engine/Gatys` with the service defaults: the SWAG graphs `resnet50_swag_style_*` of"
                        + " `models/style`, alpha 1, beta 5, gamma 1e-5, content init; content sample1.jpg stretched square, style"
                        + " `TestPictures.stylePattern`). Each measured run: " + iterations + " raw loss + gradient"
                        + " evaluations, " + iterations + " Adam iterations, " + iterations + " L-BFGS iterations,"
                        + " interleaved; per evaluation or iteration:\n\n"
                        + "| size | raw loss + gradient | Adam s/iteration | L-BFGS s/iteration | Adam / raw | L-BFGS / raw |\n"
                        + "|---|---|---|---|---|---|\n");
        Charts.Bars bars = new Charts.Bars(
                "Gatys: seconds per iteration vs one raw loss + gradient",
                "seconds (median)",
                result.gatys().stream().map(row -> row.size() + " px").toList());
        for (Results.GatysRow row : result.gatys()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %dx%d | %s | %s | %s | %.2f | %.2f |\n",
                    row.size(),
                    row.size(),
                    seconds(row.raw()),
                    seconds(row.adam()),
                    seconds(row.lbfgs()),
                    row.adam().median() / row.raw().median(),
                    row.lbfgs().median() / row.raw().median()));
        }
        bars.add("raw loss + gradient", medians(result.gatys(), Results.GatysRow::raw))
                .add("Adam iteration", medians(result.gatys(), Results.GatysRow::adam))
                .add("L-BFGS iteration", medians(result.gatys(), Results.GatysRow::lbfgs));
        md.append("\n")
                .append(Charts.write(charts.resolve("bench-stylising.png"), bars, chartCaption(result.provenance())))
                .append("\n\n");
        md.append("Fast engine (`FastStyles.apply`: raster to tensor, ORT, tensor to raster,"
                + " clamp; tiles of 512 px overlapping by 32 above 512 px) against one raw ORT `run` of the same network"
                + " on a ready tensor of the whole picture. The network is generated here (no fast style network is"
                + " shipped): three 3x3 convolutions 3-16-16-3 with ReLU, 3.2 kMAC per pixel, like a small"
                + " feed-forward style network. Per picture:\n\n"
                + "| size | raw ORT | fast engine | engine / raw |\n|---|---|---|---|\n");
        for (Results.FastRow row : result.fast()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %dx%d | %s | %s | %.2f |\n",
                    row.size(),
                    row.size(),
                    Report.ms(row.raw()),
                    Report.ms(row.engine()),
                    row.engine().median() / row.raw().median()));
        }
        md.append("\nClips (`ClipPainter`, service defaults, delta 0.01, L-BFGS, " + iterations
                + " iterations per frame; content the 8-frame pan over sample1.jpg of `TestClips`, style"
                + " `TestPictures.stylePattern`). Per frame:\n\n"
                + "| frames | method | s/frame | s/frame-iteration |\n|---|---|---|---|\n");
        for (Results.ClipRow row : result.clips()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d x %dx%d | %s | %s | %.3f s |\n",
                    row.frames(),
                    row.width(),
                    row.height(),
                    row.method(),
                    seconds(row.perFrame()),
                    row.perFrame().median() / iterations));
        }
        Results.SoundRow sound = result.sound();
        md.append(
                "\nSound (`SoundPainter`, the service's defaults: 512 random filters of 11 frames, window 512, L-BFGS,"
                        + " 40 Griffin-Lim rounds; " + sound.iterations() + " iterations; a " + (int) sound.seconds()
                        + " s melody at 16 kHz"
                        + " in the texture of noisy chords, `TestSounds`). Per second of sound:\n\n"
                        + "| sound | whole job | optimisation | the rest (spectrograms, targets, Griffin-Lim) |\n|---|---|---|---|\n");
        md.append(String.format(
                Locale.ROOT,
                "| %.0f s, 16 kHz | %s | %.3f s | %.3f s |\n",
                sound.seconds(),
                seconds(sound.whole()),
                sound.optimisation(),
                sound.whole().median() - sound.optimisation()));
        return md.toString();
    }

    private static <T> List<Double> medians(List<T> rows, Function<T, Measurement> column) {
        return rows.stream().map(row -> column.apply(row).median()).toList();
    }

    /** "0.471 s [0.384-0.526]": median with min and max. */
    private static String seconds(Measurement m) {
        return String.format(Locale.ROOT, "%.3f s [%.3f-%.3f]", m.median(), m.min(), m.max());
    }

    /** The processes of the mesh, in the CPU table's column order. */
    static final List<String> MESH_PROCESSES = List.of("embedding", "matching", "broker", "client");

    /** The mesh section, and its throughput chart written into {@code charts}. */
    public static String mesh(Results.Mesh result, Path charts) throws IOException {
        StringBuilder md = new StringBuilder("## Through the mesh\n\n")
                .append(suiteProvenance(
                        result.provenance(),
                        "MeshBench",
                        "The broker (Apache Kafka, KRaft, one node, from"
                                + " Maven jars) and the embedding and matching services (`quarkus-run.jar`, default settings: max-batch 8,"
                                + " 3 partitions) run as processes on this machine, as does this client (async producer, one consumer"
                                + " of both result topics). The gallery holds one identity per one-face view, enrolled through the mesh"
                                + " first; every measured request is an `identify`"));
        List<String> warmUps = new ArrayList<>();
        for (Results.MeshWorkload workload : result.workloads()) {
            Results.MeshWarmUp warmUp = workload.warmUp();
            warmUps.add(String.format(
                    Locale.ROOT,
                    "%s: bursts %d, JIT %.0f%% of the last; in-process passes %d, JIT %.0f%% of the last",
                    workload.name(),
                    warmUp.meshBursts(),
                    100 * warmUp.meshJitShare(),
                    warmUp.inProcessPasses(),
                    100 * warmUp.inProcessJitShare()));
        }
        md.append("Throughput: bursts of identify requests published at once, timed from the first publish to the last"
                + " result, alternating with the in-process pipeline (batch 8, one JVM) on the same images, "
                + MeshBench.ROUNDS + " rounds after warm-up bursts of each workload (at least "
                + MeshBench.WARM_UP_BURSTS
                + ", more while the JIT compilers take over " + (int) (100 * MeshBench.WARM_JIT_SHARE)
                + "% of the mesh's CPU in a burst, for at most " + MeshBench.WARM_UP_LIMIT.toSeconds()
                + " s, and as many in-process passes by the same rule: " + String.join("; ", warmUps)
                + "), so that both sides run compiled code.\n\n"
                + "| images | requests per burst | in-process images/s | mesh images/s to FacesEmbedded | to MatchResult |"
                + " mesh / in-process |\n|---|---|---|---|---|---|\n");
        for (Results.MeshWorkload w : result.workloads()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %s | %s | **%.2fx** |\n",
                    w.label(),
                    w.burstSize(),
                    Report.perSecond(w.inProcess()),
                    Report.perSecond(w.toFaces()),
                    Report.perSecond(w.toMatches()),
                    w.inProcess().median() / w.toFaces().median()));
        }
        md.append("\nCPU time per request during the bursts (all threads of each process,"
                + " from /proc, summed over the measured rounds), against the in-process pipeline's CPU time per image"
                + " on the same images (the client's own work during a burst is publishing and reading results); the JIT"
                + " columns, and the figures in brackets, count the HotSpot compiler threads alone (from /proc; threads HotSpot stopped meanwhile"
                + " drop out, so a lower bound):\n\n"
                + "| images | in-process | embedding | matching | broker | client | mesh total | mesh / in-process |"
                + " of which JIT compiler threads, mesh / in-process | mesh / in-process without JIT |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (Results.MeshWorkload w : result.workloads()) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f ms |", w.label(), 1e3 * w.inProcessCpu()));
            double total = 0;
            double jit = 0;
            for (String process : MESH_PROCESSES) {
                double cpu = w.meshCpu().getOrDefault(process, 0.0);
                double processJit = w.meshJit().getOrDefault(process, 0.0);
                total += cpu;
                jit += processJit;
                md.append(String.format(Locale.ROOT, " %.1f ms (%.1f) |", 1e3 * cpu, 1e3 * processJit));
            }
            md.append(String.format(
                    Locale.ROOT,
                    " %.1f ms | %.2fx | %.1f ms / %.1f ms | %.2fx |\n",
                    1e3 * total,
                    total / w.inProcessCpu(),
                    1e3 * jit,
                    1e3 * w.inProcessJit(),
                    (total - jit) / (w.inProcessCpu() - w.inProcessJit())));
        }
        md.append(
                "\nBatches the embedding service's networks ran during the"
                        + " measured bursts (from its `likeness.embedding.stage` metrics; the in-process pipeline runs 8 images"
                        + " per detector call):\n\n| images | images per detector call | faces per embedder call |\n|---|---|---|\n");
        for (Results.MeshWorkload w : result.workloads()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f |\n",
                    w.label(),
                    w.imagesPerDetectorCall(),
                    w.facesPerEmbedderCall()));
        }
        md.append("\nLatency at steady load (" + (int) (100 * MeshBench.STEADY_SHARE)
                + "% of the burst throughput to FacesEmbedded, " + MeshBench.STEADY.toSeconds() + " s per workload),"
                + " against the in-process pipeline on one image at a time (batch 1, " + EmbeddingBench.RUNS
                + " runs over the set):\n\n| images | rate | publish -> FacesEmbedded p50 / p99 |"
                + " publish -> MatchResult p50 / p99 | in-process one image p50 / p99 |\n|---|---|---|---|---|\n");
        for (Results.MeshWorkload w : result.workloads()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f images/s | %.0f / %.0f ms | %.0f / %.0f ms | %.0f / %.0f ms |\n",
                    w.label(),
                    w.steadyRate(),
                    1e3 * w.steadyToFaces().percentile(50),
                    1e3 * w.steadyToFaces().percentile(99),
                    1e3 * w.steadyToMatches().percentile(50),
                    1e3 * w.steadyToMatches().percentile(99),
                    1e3 * w.oneImage().percentile(50),
                    1e3 * w.oneImage().percentile(99)));
        }
        if (result.profile().isPresent()) {
            md.append("\nWhere the embedding service's CPU goes while measured (async-profiler loaded into the service"
                            + " process after the warm-ups, through the measured bursts and the steady load; one sample per "
                            + Profiles.INTERVAL + " of process CPU, every thread;"
                            + " native work such as ONNX Runtime's and libjpeg's shows by its calling Java frame; stacks in"
                            + " `var/bench/mesh/embedding.collapsed`):\n\n")
                    .append(result.profile().get().markdown(8));
        } else {
            md.append("\nNo CPU profile of the embedding service: ")
                    .append(result.noProfile().orElse("not taken"))
                    .append(".\n");
        }
        Charts.Bars bars = new Charts.Bars(
                        "Mesh vs in-process throughput",
                        "images/s (median)",
                        result.workloads().stream()
                                .map(Results.MeshWorkload::name)
                                .toList())
                .add("in-process pipeline", rates(result.workloads(), Results.MeshWorkload::inProcess))
                .add("mesh, to FacesEmbedded", rates(result.workloads(), Results.MeshWorkload::toFaces))
                .add("mesh, to MatchResult", rates(result.workloads(), Results.MeshWorkload::toMatches));
        return md.append("\n")
                .append(Charts.write(charts.resolve("bench-mesh.png"), bars, chartCaption(result.provenance())))
                .append("\n")
                .toString();
    }

    private static <T> List<Double> rates(List<T> rows, Function<T, Measurement> column) {
        return rows.stream().map(row -> 1 / column.apply(row).median()).toList();
    }

    /** EmbeddingBench's raw-models section, and its chart written into {@code charts}. */
    public static String rawModels(Results.RawModels result, Path charts) throws IOException {
        StringBuilder md = new StringBuilder("## Raw models\n\n")
                .append(suiteProvenance(
                        result.provenance(),
                        "EmbeddingBench",
                        "ONNX Runtime " + result.onnxRuntimeVersion() + " Java `run` on ready random tensors"
                                + " (CPU provider, intra-op spinning off as in the services). Time per item (image or face) = time"
                                + " of one call / batch. Both thread counts interleaved run by run"))
                .append("| model | input | batch | 1 thread, ms/item | 2 threads, ms/item | 2 threads / 1 thread |\n"
                        + "|---|---|---|---|---|---|\n");
        for (Results.RawModelRow row : result.rows()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %dx%d | %d | %s | %s | %.2f |\n",
                    row.model(),
                    row.width(),
                    row.height(),
                    row.batch(),
                    Report.ms(row.oneThread()),
                    Report.ms(row.twoThreads()),
                    row.twoThreads().median() / row.oneThread().median()));
        }
        Charts.Bars bars = new Charts.Bars(
                        "Raw ONNX Runtime time per item",
                        "ms per image or face (median)",
                        result.rows().stream()
                                .map(row -> row.model().replace("faceplugin-fr-", "") + " b" + row.batch())
                                .toList())
                .add("1 intra-op thread", milliseconds(result.rows(), Results.RawModelRow::oneThread))
                .add("2 intra-op threads", milliseconds(result.rows(), Results.RawModelRow::twoThreads));
        return md.append("\n")
                .append(Charts.write(charts.resolve("bench-raw-models.png"), bars, chartCaption(result.provenance())))
                .append("\n")
                .toString();
    }

    private static <T> List<Double> milliseconds(List<T> rows, Function<T, Measurement> column) {
        return rows.stream().map(row -> 1e3 * column.apply(row).median()).toList();
    }

    /** EmbeddingBench's recognition-models section, and its chart written into {@code charts}. */
    public static String recognitionModels(Results.RecognitionModels result, Path charts) throws IOException {
        Results.RecognitionRow first = result.models().get(0);
        StringBuilder md = new StringBuilder("## Recognition models: faces/s\n\n")
                .append(suiteProvenance(
                        result.provenance(),
                        "EmbeddingBench",
                        "Each recognition model in the same pipeline (" + result.workload() + ", " + result.faces()
                                + " faces, batch 8, the services' ONNX Runtime settings), interleaved run by run."
                                + " Recognition = the align and embed stages (their time summed over every run and"
                                + " over the batches in flight, so per batch thread); pipeline = JPEG"
                                + " bytes to embeddings. Accuracy of each on LFW view 1: docs/matching.md"))
                .append("| model | networks | recognition faces/s | pipeline faces/s | pipeline vs " + first.model()
                        + " |\n|---|---|---|---|---|\n");
        for (Results.RecognitionRow row : result.models()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| `%s` | %d | %.0f | %s | %.2fx |\n",
                    row.model(),
                    row.networks(),
                    row.recognitionFacesPerSecond(),
                    Report.perSecond(row.perFace()),
                    first.perFace().median() / row.perFace().median()));
        }
        Charts.Bars bars = new Charts.Bars(
                        "Faces/s per recognition model",
                        "faces/s",
                        result.models().stream()
                                .map(Results.RecognitionRow::model)
                                .toList())
                .add(
                        "recognition (align + embed)",
                        result.models().stream()
                                .map(Results.RecognitionRow::recognitionFacesPerSecond)
                                .toList())
                .add("pipeline (JPEG to embeddings)", rates(result.models(), Results.RecognitionRow::perFace));
        return md.append("\n")
                .append(Charts.write(
                        charts.resolve("bench-recognition-models.png"), bars, chartCaption(result.provenance())))
                .append("\n")
                .toString();
    }

    /** EmbeddingBench's face-analysis section. */
    public static String faceAnalysis(Results.FaceAnalysis result) {
        return new StringBuilder("## Face analysis: faces/s with every analysis on\n\n")
                .append(suiteProvenance(
                        result.provenance(),
                        "EmbeddingBench",
                        "The default pipeline (" + result.pipeline() + ") on " + result.workload() + ", "
                                + result.faces()
                                + " faces, batch 8, without analyses and with all six asked for (gear, age, gender,"
                                + " emotion, antispoof, liveness: docs/analysis.md), interleaved run by run."
                                + " Analyses alone = the analyse stage's time (summed over every run and over the"
                                + " batches in flight, so per batch thread)"))
                .append("| pipeline | faces/s | vs without |\n|---|---|---|\n")
                .append(String.format(
                        Locale.ROOT,
                        "| without analyses | %s | 1.00x |\n| with all six analyses | %s | %.2fx |\n"
                                + "| the six analysis networks alone | %.0f | |\n",
                        Report.perSecond(result.without()),
                        Report.perSecond(result.withAll()),
                        result.without().median() / result.withAll().median(),
                        result.analysesFacesPerSecond()))
                .toString();
    }

    /** EmbeddingBench's peer section, and its chart written into {@code charts}. */
    public static String peer(Results.PeerComparison result, Path charts) throws IOException {
        StringBuilder md = new StringBuilder("## Peer: onnxruntime-node\n\n")
                .append(suiteProvenance(
                        result.provenance(),
                        "EmbeddingBench",
                        "The same pipeline in Node.js (`tools/bench/peer/peer.js`:"
                                + " sharp/libvips to decode and shrink for detection, the same crops, 5-point similarity alignment"
                                + " and bilinear sampling in JS, the same three networks and batching, ORT sessions with the"
                                + " same thread settings). Rounds alternate: Java pipeline " + EmbeddingBench.PEER_RUNS
                                + " runs, then a Node process (2 warm-up + " + EmbeddingBench.PEER_RUNS + " runs), "
                                + EmbeddingBench.PEER_ROUNDS + " rounds; median [min-max] over all measured runs"))
                .append("| images | batch | faces Java / Node | Java images/s | Node images/s | Java / Node |\n"
                        + "|---|---|---|---|---|---|\n");
        for (Results.PeerRow row : result.rows()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d / %d | %s | %s | **%.2fx** |\n",
                    row.label(),
                    row.batch(),
                    row.javaFaces(),
                    row.nodeFaces(),
                    Report.perSecond(row.java()),
                    Report.perSecond(row.node()),
                    row.node().median() / row.java().median()));
        }
        Charts.Bars bars = new Charts.Bars(
                        "In-process pipeline: Java vs onnxruntime-node",
                        "images/s (median)",
                        result.rows().stream()
                                .map(row -> row.name() + " b" + row.batch())
                                .toList())
                .add("Java (FacePipeline)", rates(result.rows(), Results.PeerRow::java))
                .add("Node (onnxruntime-node + sharp)", rates(result.rows(), Results.PeerRow::node));
        return md.append("\nPeer runtime: ")
                .append(result.runtime())
                .append(".\n\n")
                .append(Charts.write(charts.resolve("bench-peer.png"), bars, chartCaption(result.provenance())))
                .append("\n")
                .toString();
    }

    /** EmbeddingBench's pipeline section (with its profile and batches in flight against one at a time), and its chart. */
    public static String pipelineVsRaw(Results.PipelineVsRaw result, Path charts) throws IOException {
        StringBuilder md = new StringBuilder("## In-process pipeline vs raw model time\n\n")
                .append(suiteProvenance(
                        result.provenance(),
                        "EmbeddingBench",
                        "Pipeline = `FacePipeline.prepare` + `analyseAll`: JPEG bytes to"
                                + " L2-normalised embeddings, with `max-batch` = the batch and the default"
                                + " batches in flight. Raw = the same ONNX Runtime calls (same number of"
                                + " images and faces) on ready tensors, two ways: in sequence, one call per"
                                + " network and batch of up to `max-batch` on one intra-op thread per"
                                + " processor, as every earlier round measured the networks' own time (the"
                                + " goal's baseline); and as the pipeline runs them, its batches in flight at"
                                + " once on its sessions' threads. Interleaved run by run; per image"))
                .append("| images | batch | faces | batches in flight | raw in sequence ms/image | raw as the pipeline"
                        + " runs them ms/image | pipeline ms/image | pipeline images/s | pipeline / raw in sequence |"
                        + " pipeline / raw as run |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Results.PipelineRow row : result.rows()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %d | %s | %s | %s | %.1f | **%.2fx** | %.2fx |\n",
                    row.label(),
                    row.batch(),
                    row.faces(),
                    row.batchesInFlight(),
                    Report.ms(row.raw()),
                    Report.ms(row.rawAsRun()),
                    Report.ms(row.pipeline()),
                    1 / row.pipeline().median(),
                    row.pipeline().median() / row.raw().median(),
                    row.pipeline().median() / row.rawAsRun().median()));
        }
        md.append(
                "\nPer stage (sums over all runs and over the batches in flight, against the raw networks run as"
                        + " the pipeline runs them, summed the same way; decode and align have no network:"
                        + " their time is all overhead, shown as a share of the raw model time):\n\n"
                        + "| images | batch | decode | detect | landmarks | align | embed | total |\n|---|---|---|---|---|---|---|---|\n");
        List<String> categories = new ArrayList<>();
        List<Double> rawSeries = new ArrayList<>();
        Map<PipelineStage, List<Double>> stageSeries = new EnumMap<>(PipelineStage.class);
        for (Results.PipelineRow row : result.rows()) {
            Map<PipelineStage, Long> stages = row.stageNanos();
            long pipelineNanos =
                    stages.values().stream().mapToLong(Long::longValue).sum();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | +%.0f%% | %.2fx | %.2fx | +%.0f%% | %.2fx | %.2fx |\n",
                    row.name(),
                    row.batch(),
                    100 * stages.get(PipelineStage.DECODE) / row.rawNanos(),
                    stages.get(PipelineStage.DETECT) / (double) row.rawDetectNanos(),
                    stages.get(PipelineStage.LANDMARKS) / (double) row.rawLandmarkNanos(),
                    100 * stages.get(PipelineStage.ALIGN) / row.rawNanos(),
                    stages.get(PipelineStage.EMBED) / (double) row.rawEmbedNanos(),
                    pipelineNanos / row.rawNanos()));
            categories.add(row.name() + " b" + row.batch());
            double perImage = 1e6 * row.timedRuns() * row.images();
            rawSeries.add(row.rawNanos() / perImage);
            // No analysis is asked for here: that stage has its own section (face-analysis).
            for (PipelineStage stage : PipelineStage.values()) {
                if (stage != PipelineStage.ANALYSE) {
                    stageSeries.computeIfAbsent(stage, key -> new ArrayList<>()).add(stages.get(stage) / perImage);
                }
            }
        }
        Charts.Bars bars = new Charts.Bars("Pipeline stages vs raw model time", "ms per image", categories);
        bars.add("raw models (sum)", rawSeries);
        stageSeries.forEach(
                (stage, values) -> bars.add("pipeline: " + stage.name().toLowerCase(Locale.ROOT), values));
        md.append("\n")
                .append(Charts.write(
                        charts.resolve("bench-pipeline-stages.png"), bars, chartCaption(result.provenance())))
                .append("\n\n");
        if (result.profile().isPresent()) {
            md.append("Where the pipeline's CPU goes (async-profiler, one sample per " + Profiles.INTERVAL
                            + " of process"
                            + " CPU, every thread, " + EmbeddingBench.PROFILED_RUNS
                            + " runs of the one-face set at batch 8; stacks in `" + result.stacks() + "`):\n\n")
                    .append(result.profile().get().markdown(10))
                    .append("\n");
        } else {
            md.append("No CPU profile of the pipeline: ")
                    .append(result.noProfile().orElse("not taken"))
                    .append(".\n");
        }
        md.append("\nBatches in flight against one batch at a time (each network on one intra-op thread per processor,"
                + " the pipeline before batches in flight); each set repeated twice, batch 8, interleaved, 5 runs after"
                + " 1 warm-up:\n\n"
                + "| images | one batch at a time, images/s | batches in flight | in flight, images/s | speed-up |\n"
                + "|---|---|---|---|---|\n");
        for (Results.InFlightRow row : result.inFlight()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %s | %.2fx |\n",
                    row.label(),
                    Report.perSecond(row.oneAtATime()),
                    row.batchesInFlight(),
                    Report.perSecond(row.inFlight()),
                    row.oneAtATime().median() / row.inFlight().median()));
        }
        return md.toString();
    }
}
