package dev.likeness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.face.PipelineStage;

/** Result records with known numbers, rendered to the sections docs/benchmarks.md holds. */
class BenchReportTest {

    static final Provenance PROVENANCE = new Provenance(
            "2026-12-07, 2 cores (AMD EPYC), OpenJDK 64-Bit Server VM 17.0.15, commit 1c39224",
            "load average 8.83 / 9.69 / 8.48");

    @TempDir
    Path dir;

    @Test
    void publishingGivesRatesTimesTheirRatioAndTheGoal() {
        Results.Publish result = new Results.Publish(
                PROVENANCE,
                2000,
                200,
                250,
                6.54,
                Measurement.ofSeconds(0.0002, 0.0001, 0.0004),
                Measurement.ofSeconds(0.008, 0.01, 0.005));

        assertThat(BenchReport.publish(result))
                .isEqualTo("## Bulk publishing\n\n"
                        + "Command: `make bench` (`PublishBench`). Machine: 2026-12-07, 2 cores (AMD EPYC), OpenJDK"
                        + " 64-Bit Server VM 17.0.15, commit 1c39224; load average 8.83 / 9.69 / 8.48 at the start (the"
                        + " machine is shared: absolute times are noisy, ratios measured side by side in one run are"
                        + " what counts). A local broker (KRaft, one node, `likeness.images.v1` as deployed); 2000"
                        + " JPEGs of 250 x 250 px cut from the sample photos (6.5 KiB on average). `likeness publish"
                        + " FOLDER` runs in this JVM as a user runs it (reading, request building, ids printed to a"
                        + " discarded stream, a fresh producer each run); the baseline sends the first 200 of the same"
                        + " photos one at a time, waiting for each acknowledgement (acks=all, the producer's default"
                        + " batching), as the CLI did before it pipelined. Figures: median [min-max] of 7 runs after 3"
                        + " warm-up runs unless stated.\n\n"
                        + "| | photos/s | per photo |\n"
                        + "|---|---|---|\n"
                        + "| `likeness publish` (pipelined) | 5000.0 [2500.0-10000.0] | 0.20 ms [0.10-0.40] |\n"
                        + "| one at a time | 125.0 [100.0-200.0] | 8.00 ms [5.00-10.00] |\n\n"
                        + "Pipelined / one at a time: 40.0x. Goal: >= 2000 photos/s (met).\n");
    }

    @Test
    void publishingBelowTheGoalIsMarkedMissed() {
        Results.Publish result = new Results.Publish(
                PROVENANCE,
                2000,
                200,
                250,
                6.5,
                Measurement.ofSeconds(0.001, 0.0009, 0.0011),
                Measurement.ofSeconds(0.008, 0.01, 0.005));

        assertThat(BenchReport.publish(result))
                .contains("| `likeness publish` (pipelined) | 1000.0 [909.1-1111.1] | 1.00 ms [0.90-1.10] |\n")
                .endsWith("Pipelined / one at a time: 8.0x. Goal: >= 2000 photos/s (**missed**).\n");
    }

    @Test
    void microBenchmarksAreOneRowPerMethodAndParameters() {
        Map<String, String> twoParams = new LinkedHashMap<>();
        twoParams.put("photo", "sample3.jpg");
        twoParams.put("side", "640");
        Results.Micro result = new Results.Micro(
                PROVENANCE,
                "1.37",
                List.of(
                        new Results.MicroRow(
                                "dev.likeness.bench.micro.ImagePreparationBenchmark.decodeFull",
                                Map.of("photo", "sample1.jpg"),
                                20031.74,
                                20507.88,
                                "us/op"),
                        new Results.MicroRow(
                                "dev.likeness.bench.micro.ImagePreparationBenchmark.decodeReducedTo640",
                                twoParams,
                                281.04,
                                162.94,
                                "us/op"),
                        new Results.MicroRow("a.B.c", Map.of(), 1, 0.04, "ops/s")));

        assertThat(BenchReport.micro(result))
                .isEqualTo("## In-process micro-benchmarks (JMH)\n\n"
                        + "Command: `make bench-micro` (`MicroBenchmarks`, JMH 1.37). Machine: 2026-12-07, 2 cores"
                        + " (AMD EPYC), OpenJDK 64-Bit Server VM 17.0.15, commit 1c39224; load average 8.83 / 9.69 /"
                        + " 8.48 at the start (the machine is shared: compare rows of one run). Each benchmark in its"
                        + " own forked JVM; mean of the measurement iterations with JMH's 99.9 % error (half the"
                        + " confidence interval).\n\n"
                        + "| benchmark | parameters | mean ± 99.9 % error |\n"
                        + "|---|---|---|\n"
                        + "| `ImagePreparationBenchmark.decodeFull` | photo=sample1.jpg | 20031.7 ± 20507.9 us/op |\n"
                        + "| `ImagePreparationBenchmark.decodeReducedTo640` | photo=sample3.jpg, side=640"
                        + " | 281.0 ± 162.9 us/op |\n"
                        + "| `B.c` |  | 1.0 ± 0.0 ops/s |\n");
    }

    @Test
    void threadPoolsAreComparedPerWorkloadInMillisecondsAndRatios() {
        Results.ThreadPool result = new Results.ThreadPool(
                PROVENANCE,
                5,
                List.of(
                        new Results.ThreadPoolRow("one-face", 0.03271, 0.02846, 0.01625, 0.015),
                        new Results.ThreadPoolRow("group", 0.11121, 0.08341, 0.045, 0.055)));

        assertThat(BenchReport.threadPool(result))
                .isEqualTo("## ONNX Runtime: one thread pool per process\n\n"
                        + "Command: `make bench-threads` (`ThreadPoolBench`). Machine: 2026-12-07, 2 cores (AMD EPYC),"
                        + " OpenJDK 64-Bit Server VM 17.0.15, commit 1c39224; load average 8.83 / 9.69 / 8.48 at the"
                        + " start (the machine is shared: read the ratios). The in-process pipeline (as in"
                        + " EmbeddingBench: batch 8, thread counts left to ONNX Runtime, no spinning) with a pool per"
                        + " session against one pool for the process (`SharedThreadPool`, sessions' own threads"
                        + " disabled). One JVM per mode and round, modes alternating, 5 rounds; per round the median"
                        + " of 7 runs after 3 warm-ups; the table gives the median over the rounds. CPU = the whole"
                        + " process's, ONNX Runtime's threads included.\n\n"
                        + "| images | per-session ms/image | shared ms/image | per-session / shared |"
                        + " per-session CPU ms/image | shared CPU ms/image | per-session / shared (CPU) |\n"
                        + "|---|---|---|---|---|---|---|\n"
                        + "| one-face | 32.71 | 28.46 | **1.15x** | 16.25 | 15.00 | **1.08x** |\n"
                        + "| group | 111.21 | 83.41 | **1.33x** | 45.00 | 55.00 | **0.82x** |\n");
    }

    @Test
    void onnxRuntimeVersionsAreMediansOverTheRoundsInReleaseOrderAgainstTheBaseline() throws Exception {
        Path tsv = dir.resolve("versions.tsv");
        // Two rounds of 1.23.2 and 1.10.0 (older: sorted first though measured second), one of 1.24.2 on the
        // detector only.
        Files.writeString(tsv, """
                1.23.2\tdetect\t1\t3.0000
                1.23.2\tfeature\t8\t6.0000
                1.10.0\tdetect\t1\t6.0000
                1.10.0\tfeature\t8\t3.0000
                1.23.2\tdetect\t1\t2.0000
                1.23.2\tfeature\t8\t7.0000
                1.10.0\tdetect\t1\t5.0000
                1.10.0\tfeature\t8\t4.0000
                1.24.2\tdetect\t1\t1.2500
                """);

        Results.OnnxRuntimeVersions read = OnnxRuntimeVersions.read(tsv, "1.23.2");
        Results.OnnxRuntimeVersions result = new Results.OnnxRuntimeVersions(
                PROVENANCE, read.baseline(), read.versions(), read.rounds(), read.networks());

        assertThat(result.versions()).containsExactly("1.10.0", "1.23.2", "1.24.2");
        assertThat(result.rounds()).isEqualTo(2);
        assertThat(BenchReport.onnxRuntimeVersions(result))
                .isEqualTo("## ONNX Runtime versions\n\n"
                        + "Command: `make bench-onnxruntime` (`OnnxRuntimeVersions`). Machine: 2026-12-07, 2 cores"
                        + " (AMD EPYC), OpenJDK 64-Bit Server VM 17.0.15, commit 1c39224; load average 8.83 / 9.69 /"
                        + " 8.48 at the end. The service networks on random tensors with one intra-op thread (spinning"
                        + " off as in the services); CPU time of the calling thread per item, median of 20 calls after"
                        + " 5 warm-up calls, one JVM per version and round, versions alternating; the table gives the"
                        + " median over the rounds, and in brackets the ratio to 1.23.2, the version the project"
                        + " runs.\n\n"
                        + "| network | batch | 1.10.0 | 1.23.2 | 1.24.2 |\n"
                        + "|---|---|---|---|---|\n"
                        + "| detect | 1 | 5.50 ms (2.20x) | 2.50 ms (1.00x) | 1.25 ms (0.50x) |\n"
                        + "| feature | 8 | 3.50 ms (0.54x) | 6.50 ms (1.00x) | - |\n"
                        + "\nRounds per version: 2.\n\n");
    }

    @Test
    void goalsSetEachHeadlineFigureAgainstItsTarget() {
        Results.Goals goals = new Results.Goals(
                PROVENANCE,
                Optional.of(0.86),
                Optional.of(0.95),
                Optional.of(1.46),
                Optional.of(1.1),
                Optional.of(1.6),
                Optional.of(1.3),
                Optional.of(1.74),
                Optional.of(1.2),
                Optional.of(2.43),
                Optional.of(6230.3),
                Optional.of(1_000_000),
                Optional.of(2.86),
                Optional.of(1.0),
                Optional.of(74.5),
                Optional.of("46% `ai.onnxruntime.OrtSession.run` (native)"),
                Optional.empty());

        assertThat(BenchReport.goals(goals))
                .isEqualTo("## Where we are against the goals\n\n"
                        + "From the last `make bench` (2026-12-07, 2 cores (AMD EPYC), OpenJDK 64-Bit Server VM"
                        + " 17.0.15, commit 1c39224). The machine is shared with other builds while it runs: each"
                        + " ratio below is measured side by side in the same run, which keeps it meaningful; absolute"
                        + " figures in the sections below are noisy.\n\n"
                        + "| goal | target | this run | status |\n"
                        + "|---|---|---|---|\n"
                        + "| Mesh throughput vs in-process (one-face 640x480, to FacesEmbedded) | >= 0.92x | 0.86x |"
                        + " **missed** by 7% |\n"
                        + "| Mesh throughput vs in-process (1920 px group photos, to FacesEmbedded) | >= 0.92x |"
                        + " 0.95x | met |\n"
                        + "| In-process pipeline overhead over raw model time, networks in sequence (one-face 640x480,"
                        + " batch 8) | <= 15% | +46% (1.46x) | **missed** by 31 points |\n"
                        + "| In-process pipeline overhead over raw model time, networks in sequence (one-face 640x480,"
                        + " batch 1) | <= 15% | +10% (1.10x) | met |\n"
                        + "| In-process pipeline overhead over raw model time, networks run as the pipeline runs them"
                        + " (one-face 640x480, batch 8) | <= 15% | +60% (1.60x) | **missed** by 45 points |\n"
                        + "| In-process pipeline overhead over raw model time, networks run as the pipeline runs them"
                        + " (one-face 640x480, batch 1) | <= 15% | +30% (1.30x) | **missed** by 15 points |\n"
                        + "| In-process vs onnxruntime-node peer (one-face 640x480, batch 8) | >= 1.50x | 1.74x |"
                        + " met |\n"
                        + "| In-process vs onnxruntime-node peer (one-face 640x480, batch 1) | >= 1.50x | 1.20x |"
                        + " **missed** by 20% |\n"
                        + "| In-process vs onnxruntime-node peer (group photos, batch 8) | >= 1.50x | 2.43x | met |\n"
                        + "| `likeness publish`, 250 x 250 JPEGs to the local broker | >= 2000.00 photos/s |"
                        + " 6230.30 photos/s | met |\n"
                        + "| Matching replica restarted with a 1M-identity gallery, ready | <= 60 s | not part of"
                        + " `make bench`: `make bench-restart`, section \"Matching: cold start of a replica\" | see"
                        + " that section |\n"
                        + "| 1:K search p99 at 1,000,000 identities (HNSW, ef 100) | <= 10 ms | 2.86 ms | met |\n"
                        + "| recall@1 at 1,000,000 identities (HNSW vs exact, enrolled probes) | >= 0.99 | 1.000 |"
                        + " met |\n"
                        + "| (for comparison) exact search p99 at 1,000,000 identities | <= 10 ms | 74.5 ms |"
                        + " **missed** by 645% |\n"
                        + "\nWhat dominates, from the CPU-time profiles of this run:\n\n"
                        + "- In-process pipeline (one-face, batch 8): 46% `ai.onnxruntime.OrtSession.run`"
                        + " (native).\n");
    }

    @Test
    void goalsOfBenchmarksThatDidNotRunAreNotMeasured() {
        Optional<Double> none = Optional.empty();
        Results.Goals goals = new Results.Goals(
                PROVENANCE,
                none,
                none,
                none,
                none,
                none,
                none,
                none,
                none,
                none,
                none,
                Optional.empty(),
                none,
                none,
                none,
                Optional.empty(),
                Optional.empty());

        assertThat(BenchReport.goals(goals))
                .contains("| In-process vs onnxruntime-node peer (group photos, batch 8) | >= 1.50x | not measured |"
                        + " not measured |\n")
                .contains("| In-process pipeline overhead over raw model time, networks in sequence (one-face 640x480,"
                        + " batch 1) | <= 15% | not measured | not measured |\n")
                .contains("| 1:K p99 at 1M identities, recall@1 | <= 10 ms, >= 0.99 | not measured | not measured |\n")
                .doesNotContain("exact search")
                .endsWith("What dominates, from the CPU-time profiles of this run:\n\n");
    }

    @Test
    void matchingGivesEachGalleryOnceAboveItsEfRowsAndChartsTheServicesEf() throws Exception {
        Path csv = dir.resolve("matching.csv");
        Files.writeString(csv, """
                identities,heap,exact_p50,exact_p99,build_s,cached,graph,ef,hnsw_p50,hnsw_p99,recall,strangers
                10000,40894464,1.254,1.311,10.2,true,3145728,50,0.271,0.434,1.0,0.995
                10000,40894464,1.254,1.311,10.2,true,3145728,100,0.5,0.63,1.0,1.0
                1000000,2560622592,64.67,74.46,0,false,0,0,0,0,0,0
                """);

        String md = BenchReport.matching(
                new Results.Matching(PROVENANCE, "SearchBenchmark --sizes 10000", MatchingReport.read(csv)),
                dir.resolve("images"));

        assertThat(md)
                .startsWith("## Matching: 1:K search\n\n"
                        + "Command: `make bench` (`SearchBenchmark --sizes 10000`, then `MatchingReport`). Machine:"
                        + " 2026-12-07, 2 cores (AMD EPYC), OpenJDK 64-Bit Server VM 17.0.15, commit 1c39224; load"
                        + " average 8.83 / 9.69 / 8.48 at the end (shared machine). Synthetic face-like 512-d")
                .endsWith("| identities | gallery heap | exact p50 | exact p99 | HNSW build | cached | graph | ef |"
                        + " HNSW p50 | HNSW p99 | recall@1 enrolled | recall@1 strangers |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
                        + "| 10,000 | 39 MiB | 1.25 ms | 1.31 ms | 10 s | yes | 3 MiB | 50 | 0.27 ms | 0.43 ms | 1.000"
                        + " | 0.995 |\n"
                        + "|  |  |  |  |  |  |  | 100 | 0.50 ms | 0.63 ms | 1.000 | 1.000 |\n"
                        + "| 1,000,000 | 2,442 MiB | 64.67 ms | 74.46 ms | not built in this run: no cached graph"
                        + " (`make bench-graphs` builds it once) | | | | | | | |\n"
                        + "\n![1:K search p99 latency, exact vs HNSW (ef = 100)](images/bench-matching.png)\n");
        assertThat(dir.resolve("images/bench-matching.png")).isNotEmptyFile();
    }

    @Test
    void stylisingGivesEachEngineAgainstWhatItIsBuiltOn() throws Exception {
        Results.Stylising result = new Results.Stylising(
                PROVENANCE,
                List.of(new Results.GatysRow(
                        256,
                        Measurement.ofSeconds(0.4, 0.5, 0.45),
                        Measurement.ofSeconds(0.6, 0.55, 0.65),
                        Measurement.ofSeconds(0.9, 0.7, 0.8))),
                List.of(new Results.FastRow(
                        512, Measurement.ofSeconds(0.03, 0.04, 0.05), Measurement.ofSeconds(0.05, 0.06, 0.07))),
                List.of(new Results.ClipRow(8, 96, 64, "volume", Measurement.ofSeconds(0.4, 0.3, 0.6))),
                new Results.SoundRow(3, 20, Measurement.ofSeconds(0.7, 0.69, 0.72), 0.4));

        assertThat(BenchReport.stylising(result, dir.resolve("images")))
                .isEqualTo("## Stylising\n\n"
                        + "Command: `make bench` (`StylisingBench`). Machine: 2026-12-07, 2 cores (AMD EPYC), OpenJDK"
                        + " 64-Bit Server VM 17.0.15, commit 1c39224; load average 8.83 / 9.69 / 8.48 at the start"
                        + " (shared machine: ratios measured side by side are what counts). ONNX Runtime CPU provider,"
                        + " default intra-op threads. Figures: median [min-max] of 3 runs after one warm-up run.\n\n"
                        + "Gatys (`engine/Gatys` with the service defaults: the SWAG graphs `resnet50_swag_style_*` of"
                        + " `models/style`, alpha 1, beta 5, gamma 1e-5, content init; content sample1.jpg stretched"
                        + " square, style `TestPictures.stylePattern`). Each measured run: 4 raw loss + gradient"
                        + " evaluations, 4 Adam iterations, 4 L-BFGS iterations, interleaved; per evaluation or"
                        + " iteration:\n\n"
                        + "| size | raw loss + gradient | Adam s/iteration | L-BFGS s/iteration | Adam / raw |"
                        + " L-BFGS / raw |\n"
                        + "|---|---|---|---|---|---|\n"
                        + "| 256x256 | 0.450 s [0.400-0.500] | 0.600 s [0.550-0.650] | 0.800 s [0.700-0.900] | 1.33 |"
                        + " 1.78 |\n\n"
                        + "![Gatys: seconds per iteration vs one raw loss + gradient](images/bench-stylising.png)\n\n"
                        + "Fast engine (`FastStyles.apply`: raster to tensor, ORT, tensor to raster, clamp; tiles of"
                        + " 512 px overlapping by 32 above 512 px) against one raw ORT `run` of the same network on a"
                        + " ready tensor of the whole picture. The network is generated here (no fast style network"
                        + " is shipped): three 3x3 convolutions 3-16-16-3 with ReLU, 3.2 kMAC per pixel, like a small"
                        + " feed-forward style network. Per picture:\n\n"
                        + "| size | raw ORT | fast engine | engine / raw |\n"
                        + "|---|---|---|---|\n"
                        + "| 512x512 | 40.00 ms [30.00-50.00] | 60.00 ms [50.00-70.00] | 1.50 |\n\n"
                        + "Clips (`ClipPainter`, service defaults, delta 0.01, L-BFGS, 4 iterations per frame; content"
                        + " the 8-frame pan over sample1.jpg of `TestClips`, style `TestPictures.stylePattern`). Per"
                        + " frame:\n\n"
                        + "| frames | method | s/frame | s/frame-iteration |\n"
                        + "|---|---|---|---|\n"
                        + "| 8 x 96x64 | volume | 0.400 s [0.300-0.600] | 0.100 s |\n\n"
                        + "Sound (`SoundPainter`, the service's defaults: 512 random filters of 11 frames, window 512,"
                        + " L-BFGS, 40 Griffin-Lim rounds; 20 iterations; a 3 s melody at 16 kHz in the texture of"
                        + " noisy chords, `TestSounds`). Per second of sound:\n\n"
                        + "| sound | whole job | optimisation | the rest (spectrograms, targets, Griffin-Lim) |\n"
                        + "|---|---|---|---|\n"
                        + "| 3 s, 16 kHz | 0.700 s [0.690-0.720] | 0.400 s | 0.300 s |\n");
        assertThat(dir.resolve("images/bench-stylising.png")).isNotEmptyFile();
    }

    @Test
    void theMeshIsSetAgainstTheInProcessPipelineInThroughputCpuBatchesAndLatency() throws Exception {
        Results.Mesh result = new Results.Mesh(
                PROVENANCE,
                List.of(new Results.MeshWorkload(
                        "one-face",
                        "one-face 640x480 views (8)",
                        new Results.MeshWarmUp(23, 0.09, 2, 0.06),
                        96,
                        Measurement.ofSeconds(0.006, 0.005, 0.008),
                        Measurement.ofSeconds(0.008, 0.0075, 0.01),
                        Measurement.ofSeconds(0.01, 0.008, 0.0125),
                        0.010,
                        0.002,
                        Map.of("embedding", 0.010, "matching", 0.001, "broker", 0.0008, "client", 0.0002),
                        Map.of("embedding", 0.001, "matching", 0.0005, "broker", 0.0, "client", 0.0005),
                        6.6,
                        6.5,
                        62.5,
                        Measurement.ofSeconds(0.010, 0.013, 0.103),
                        Measurement.ofSeconds(0.012, 0.015, 0.107),
                        Measurement.ofSeconds(0.005, 0.006, 0.016))),
                Optional.empty(),
                Optional.of("no perf events here"));

        String md = BenchReport.mesh(result, dir.resolve("images"));

        assertThat(md)
                .startsWith("## Through the mesh\n\nCommand: `make bench` (`MeshBench`). Machine: 2026-12-07, 2 cores")
                .contains(" first; every measured request is an `identify`. Figures: median [min-max] of 7 runs after"
                        + " 3 warm-up runs unless stated.\n\n"
                        + "Throughput: bursts of identify requests published at once, timed from the first publish to"
                        + " the last result, alternating with the in-process pipeline (batch 8, one JVM) on the same"
                        + " images, 9 rounds after warm-up bursts of each workload (at least 3, more while the JIT"
                        + " compilers take over 10% of the mesh's CPU in a burst, for at most 30 s, and as many"
                        + " in-process passes by the same rule: one-face: bursts 23, JIT 9% of the last; in-process"
                        + " passes 2, JIT 6% of the last), so that both sides run compiled code.\n\n")
                .contains("|---|---|---|---|---|---|\n"
                        + "| one-face 640x480 views (8) | 96 | 166.7 [125.0-200.0] | 125.0 [100.0-133.3] |"
                        + " 100.0 [80.0-125.0] | **0.75x** |\n\nCPU time per request")
                .contains("|---|---|---|---|---|---|---|---|---|---|\n"
                        + "| one-face 640x480 views (8) | 10.0 ms | 10.0 ms (1.0) | 1.0 ms (0.5) | 0.8 ms (0.0) |"
                        + " 0.2 ms (0.5) | 12.0 ms | 1.20x | 2.0 ms / 2.0 ms | 1.25x |\n\nBatches")
                .contains("| images | images per detector call | faces per embedder call |\n|---|---|---|\n"
                        + "| one-face 640x480 views (8) | 6.6 | 6.5 |\n\n"
                        + "Latency at steady load (50% of the burst throughput to FacesEmbedded, 20 s per workload),"
                        + " against the in-process pipeline on one image at a time (batch 1, 7 runs over the set):\n\n")
                .endsWith("|---|---|---|---|---|\n"
                        + "| one-face 640x480 views (8) | 62.5 images/s | 13 / 103 ms | 15 / 107 ms | 6 / 16 ms |\n"
                        + "\nNo CPU profile of the embedding service: no perf events here.\n"
                        + "\n![Mesh vs in-process throughput](images/bench-mesh.png)\n");
        assertThat(dir.resolve("images/bench-mesh.png")).isNotEmptyFile();
    }

    @Test
    void rawModelsGiveTimePerItemWithOneAndTwoThreads() throws Exception {
        Results.RawModels result = new Results.RawModels(
                PROVENANCE,
                "1.23.2",
                List.of(
                        new Results.RawModelRow(
                                "faceplugin-fr-detect",
                                320,
                                240,
                                1,
                                Measurement.ofSeconds(0.00133, 0.00128, 0.00137),
                                Measurement.ofSeconds(0.00178, 0.00172, 0.00181)),
                        new Results.RawModelRow(
                                "faceplugin-fr-feature",
                                112,
                                112,
                                8,
                                Measurement.ofSeconds(0.004, 0.0038, 0.0042),
                                Measurement.ofSeconds(0.002, 0.0019, 0.0023))));

        assertThat(BenchReport.rawModels(result, dir.resolve("images")))
                .isEqualTo("## Raw models\n\n"
                        + "Command: `make bench` (`EmbeddingBench`). Machine: 2026-12-07, 2 cores (AMD EPYC), OpenJDK"
                        + " 64-Bit Server VM 17.0.15, commit 1c39224; load average 8.83 / 9.69 / 8.48 at the start (the"
                        + " machine is shared: absolute times are noisy, ratios measured side by side in one run are"
                        + " what counts). ONNX Runtime 1.23.2 Java `run` on ready random tensors (CPU provider,"
                        + " intra-op spinning off as in the services). Time per item (image or face) = time of one"
                        + " call / batch. Both thread counts interleaved run by run. Figures: median [min-max] of 7"
                        + " runs after 3 warm-up runs unless stated.\n\n"
                        + "| model | input | batch | 1 thread, ms/item | 2 threads, ms/item | 2 threads / 1 thread |\n"
                        + "|---|---|---|---|---|---|\n"
                        + "| faceplugin-fr-detect | 320x240 | 1 | 1.33 ms [1.28-1.37] | 1.78 ms [1.72-1.81] | 1.34 |\n"
                        + "| faceplugin-fr-feature | 112x112 | 8 | 4.00 ms [3.80-4.20] | 2.00 ms [1.90-2.30] | 0.50 |\n"
                        + "\n![Raw ONNX Runtime time per item](images/bench-raw-models.png)\n");
        assertThat(dir.resolve("images/bench-raw-models.png")).isNotEmptyFile();
    }

    @Test
    void recognitionModelsAreComparedWithTheFirst() throws Exception {
        Results.RecognitionModels result = new Results.RecognitionModels(
                PROVENANCE,
                "one-face 640x480 views (8)",
                8,
                List.of(
                        new Results.RecognitionRow(
                                "faceplugin-fr-feature", 1, 412.4, Measurement.ofSeconds(0.01, 0.008, 0.0125)),
                        new Results.RecognitionRow(
                                "likeness-fusion-v1", 3, 120.6, Measurement.ofSeconds(0.025, 0.02, 0.04))));

        assertThat(BenchReport.recognitionModels(result, dir.resolve("images")))
                .isEqualTo("## Recognition models: faces/s\n\n"
                        + "Command: `make bench` (`EmbeddingBench`). Machine: 2026-12-07, 2 cores (AMD EPYC), OpenJDK"
                        + " 64-Bit Server VM 17.0.15, commit 1c39224; load average 8.83 / 9.69 / 8.48 at the start (the"
                        + " machine is shared: absolute times are noisy, ratios measured side by side in one run are"
                        + " what counts). Each recognition model in the same pipeline (one-face 640x480 views (8), 8"
                        + " faces, batch 8, the services' ONNX Runtime settings), interleaved run by run. Recognition"
                        + " = the align and embed stages (their time summed over every run and over the batches in"
                        + " flight, so per batch thread); pipeline = JPEG bytes to embeddings."
                        + " Accuracy of each on LFW view 1: docs/matching.md. Figures: median [min-max] of 7 runs"
                        + " after 3 warm-up runs unless stated.\n\n"
                        + "| model | networks | recognition faces/s | pipeline faces/s | pipeline vs"
                        + " faceplugin-fr-feature |\n"
                        + "|---|---|---|---|---|\n"
                        + "| `faceplugin-fr-feature` | 1 | 412 | 100.0 [80.0-125.0] | 1.00x |\n"
                        + "| `likeness-fusion-v1` | 3 | 121 | 40.0 [25.0-50.0] | 0.40x |\n"
                        + "\n![Faces/s per recognition model](images/bench-recognition-models.png)\n");
        assertThat(dir.resolve("images/bench-recognition-models.png")).isNotEmptyFile();
    }

    @Test
    void faceAnalysisIsThePipelineWithoutAndWithEveryAnalysis() {
        Results.FaceAnalysis result = new Results.FaceAnalysis(
                PROVENANCE,
                "likeness-fusion-v1",
                "1920 px group photos (6)",
                22,
                Measurement.ofSeconds(0.02, 0.016, 0.025),
                Measurement.ofSeconds(0.05, 0.04, 0.0625),
                58.4);

        assertThat(BenchReport.faceAnalysis(result))
                .isEqualTo("## Face analysis: faces/s with every analysis on\n\n"
                        + "Command: `make bench` (`EmbeddingBench`). Machine: 2026-12-07, 2 cores (AMD EPYC), OpenJDK"
                        + " 64-Bit Server VM 17.0.15, commit 1c39224; load average 8.83 / 9.69 / 8.48 at the start (the"
                        + " machine is shared: absolute times are noisy, ratios measured side by side in one run are"
                        + " what counts). The default pipeline (likeness-fusion-v1) on 1920 px group photos (6), 22"
                        + " faces, batch 8, without analyses and with all six asked for (gear, age, gender, emotion,"
                        + " antispoof, liveness: docs/analysis.md), interleaved run by run. Analyses alone = the"
                        + " analyse stage's time (summed over every run and over the batches in flight, so per batch"
                        + " thread). Figures: median [min-max] of 7 runs after 3"
                        + " warm-up runs unless stated.\n\n"
                        + "| pipeline | faces/s | vs without |\n"
                        + "|---|---|---|\n"
                        + "| without analyses | 50.0 [40.0-62.5] | 1.00x |\n"
                        + "| with all six analyses | 20.0 [16.0-25.0] | 0.40x |\n"
                        + "| the six analysis networks alone | 58 | |\n");
    }

    @Test
    void thePeerIsSetAgainstTheJavaPipelinePerWorkloadAndBatch() throws Exception {
        Results.PeerComparison result = new Results.PeerComparison(
                PROVENANCE,
                "node v20.20.2, onnxruntime-node 1.23.2, sharp 0.34.5",
                List.of(new Results.PeerRow(
                        "group",
                        "1920 px group photos (6)",
                        8,
                        22,
                        21,
                        Measurement.ofSeconds(0.02, 0.016, 0.025),
                        Measurement.ofSeconds(0.05, 0.04, 0.0625))));

        assertThat(BenchReport.peer(result, dir.resolve("images")))
                .startsWith("## Peer: onnxruntime-node\n\nCommand: `make bench` (`EmbeddingBench`). Machine:")
                .contains(" the same thread settings). Rounds alternate: Java pipeline 3 runs, then a Node process (2"
                        + " warm-up + 3 runs), 3 rounds; median [min-max] over all measured runs. Figures: median"
                        + " [min-max] of 7 runs after 3 warm-up runs unless stated.\n\n")
                .endsWith("| images | batch | faces Java / Node | Java images/s | Node images/s | Java / Node |\n"
                        + "|---|---|---|---|---|---|\n"
                        + "| 1920 px group photos (6) | 8 | 22 / 21 | 50.0 [40.0-62.5] | 20.0 [16.0-25.0] | **2.50x** |\n"
                        + "\nPeer runtime: node v20.20.2, onnxruntime-node 1.23.2, sharp 0.34.5.\n\n"
                        + "![In-process pipeline: Java vs onnxruntime-node](images/bench-peer.png)\n");
        assertThat(dir.resolve("images/bench-peer.png")).isNotEmptyFile();
    }

    @Test
    void thePipelineIsSetAgainstRawModelTimeInAllAndPerStage() throws Exception {
        Map<PipelineStage, Long> stages = new EnumMap<>(PipelineStage.class);
        stages.put(PipelineStage.DECODE, 48_000_000L);
        stages.put(PipelineStage.DETECT, 110_000_000L);
        stages.put(PipelineStage.LANDMARKS, 12_000_000L);
        stages.put(PipelineStage.ALIGN, 16_000_000L);
        stages.put(PipelineStage.EMBED, 210_000_000L);
        stages.put(PipelineStage.ANALYSE, 0L);
        Results.PipelineVsRaw result = new Results.PipelineVsRaw(
                PROVENANCE,
                List.of(new Results.PipelineRow(
                        "one-face",
                        "one-face 640x480 views (8)",
                        8,
                        8,
                        8,
                        10,
                        2,
                        Measurement.ofSeconds(0.004, 0.0038, 0.0042),
                        Measurement.ofSeconds(0.0032, 0.003, 0.0035),
                        Measurement.ofSeconds(0.005, 0.0045, 0.006),
                        stages,
                        100_000_000L,
                        10_000_000L,
                        210_000_000L)),
                Optional.empty(),
                Optional.of("no perf events here"),
                "var/bench/pipeline.collapsed",
                List.of(new Results.InFlightRow(
                        "one-face 640x480 views (8)",
                        2,
                        Measurement.ofSeconds(0.005, 0.004, 0.00625),
                        Measurement.ofSeconds(0.004, 0.0035, 0.005))));

        assertThat(BenchReport.pipelineVsRaw(result, dir.resolve("images")))
                .startsWith("## In-process pipeline vs raw model time\n\nCommand: `make bench` (`EmbeddingBench`).")
                .contains(" Interleaved run by run; per image. Figures: median [min-max] of 7 runs after 3 warm-up"
                        + " runs unless stated.\n\n"
                        + "| images | batch | faces | batches in flight | raw in sequence ms/image | raw as the pipeline"
                        + " runs them ms/image | pipeline ms/image | pipeline images/s | pipeline / raw in sequence |"
                        + " pipeline / raw as run |\n|---|---|---|---|---|---|---|---|---|---|\n"
                        + "| one-face 640x480 views (8) | 8 | 8 | 2 | 4.00 ms [3.80-4.20] | 3.20 ms [3.00-3.50] |"
                        + " 5.00 ms [4.50-6.00] | 200.0 | **1.25x** | 1.56x |\n\nPer stage")
                .contains("| images | batch | decode | detect | landmarks | align | embed | total |\n"
                        + "|---|---|---|---|---|---|---|---|\n"
                        + "| one-face | 8 | +15% | 1.10x | 1.20x | +5% | 1.00x | 1.24x |\n\n"
                        + "![Pipeline stages vs raw model time](images/bench-pipeline-stages.png)\n\n"
                        + "No CPU profile of the pipeline: no perf events here.\n\n"
                        + "Batches in flight against one batch at a time ")
                .endsWith(
                        "| images | one batch at a time, images/s | batches in flight | in flight, images/s | speed-up |\n"
                                + "|---|---|---|---|---|\n"
                                + "| one-face 640x480 views (8) | 200.0 [160.0-250.0] | 2 | 250.0 [200.0-285.7] | 1.25x |\n");
        assertThat(dir.resolve("images/bench-pipeline-stages.png")).isNotEmptyFile();
    }
}
