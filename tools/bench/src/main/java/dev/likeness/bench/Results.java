package dev.likeness.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.likeness.face.PipelineStage;

/**
 * What each benchmark scenario measured: plain numbers with their provenance, no text. {@link BenchReport} turns
 * them into the sections of docs/benchmarks.md.
 */
public final class Results {

    private Results() {}

    /**
     * PublishBench: {@code likeness publish} on {@code photos} JPEGs of {@code side} px against the first
     * {@code baselinePhotos} sent one at a time; both measurements are per photo.
     */
    public record Publish(
            Provenance provenance,
            int photos,
            int baselinePhotos,
            int side,
            double averageKib,
            Measurement pipelined,
            Measurement oneAtATime) {}

    /** MicroBenchmarks: JMH's rows, in the order it ran them. */
    public record Micro(Provenance provenance, String jmhVersion, List<MicroRow> rows) {}

    /** One JMH benchmark and parameter set: its fully qualified method name, mean and 99.9 % error. */
    public record MicroRow(String benchmark, Map<String, String> params, double mean, double error, String unit) {}

    /** ThreadPoolBench: per workload, the medians over {@code rounds} rounds. */
    public record ThreadPool(Provenance provenance, int rounds, List<ThreadPoolRow> workloads) {}

    /** Seconds per image, wall and the process's CPU, with a pool per session and with one shared pool. */
    public record ThreadPoolRow(
            String workload, double perSessionWall, double sharedWall, double perSessionCpu, double sharedCpu) {}

    /**
     * OnnxRuntimeVersions: per network and batch, the median over the rounds of each version's CPU ms per item;
     * {@code versions} in release order, {@code baseline} the one the project runs.
     */
    public record OnnxRuntimeVersions(
            Provenance provenance, String baseline, List<String> versions, int rounds, List<VersionsRow> networks) {}

    /** One network at one batch size: CPU ms per item by version, for the versions measured. */
    public record VersionsRow(String network, int batch, Map<String, Double> cpuMsByVersion) {}

    /**
     * BenchSummary: the headline figures of one {@code make bench} (var/bench/figures.properties), each empty where
     * its benchmark did not run. Ratios are in-process or mesh throughput over the other side's; {@code pipeline*}
     * the pipeline's time over the raw networks'; the matching figures are at the largest gallery measured, in ms.
     */
    public record Goals(
            Provenance provenance,
            Optional<Double> meshOneFace,
            Optional<Double> meshGroup,
            Optional<Double> pipelineBatch8,
            Optional<Double> pipelineBatch1,
            Optional<Double> pipelineBatch8AsRun,
            Optional<Double> pipelineBatch1AsRun,
            Optional<Double> peerOneFaceBatch8,
            Optional<Double> peerOneFaceBatch1,
            Optional<Double> peerGroupBatch8,
            Optional<Double> publishRate,
            Optional<Integer> matchingIdentities,
            Optional<Double> hnswP99,
            Optional<Double> recall,
            Optional<Double> exactP99,
            Optional<String> pipelineProfile,
            Optional<String> meshProfile) {}

    /** MatchingReport: SearchBenchmark's rows (run as {@code command}), one per gallery size and efSearch. */
    public record Matching(Provenance provenance, String command, List<MatchingRow> rows) {}

    /**
     * One gallery size and efSearch, times in ms; {@code ef} 0 where no HNSW graph was built or cached in this run
     * (only the exact figures then), {@code buildSeconds} as measured when the graph was built.
     */
    public record MatchingRow(
            int identities,
            long galleryHeapBytes,
            double exactP50,
            double exactP99,
            double buildSeconds,
            boolean cached,
            long graphBytes,
            int ef,
            double hnswP50,
            double hnswP99,
            double recallEnrolled,
            double recallStrangers) {}

    /** StylisingBench: Gatys, the fast engine, clips and sound, each against what it is built on. */
    public record Stylising(
            Provenance provenance, List<GatysRow> gatys, List<FastRow> fast, List<ClipRow> clips, SoundRow sound) {}

    /** Gatys at {@code size} px square: one raw loss + gradient, one Adam and one L-BFGS iteration. */
    public record GatysRow(int size, Measurement raw, Measurement adam, Measurement lbfgs) {}

    /** The fast engine on a {@code size} px square picture against one raw ORT run of its network. */
    public record FastRow(int size, Measurement raw, Measurement engine) {}

    /** A clip of {@code frames} frames painted as one volume or frame by frame ({@code method}); per frame. */
    public record ClipRow(int frames, int width, int height, String method, Measurement perFrame) {}

    /** {@code seconds} of sound, {@code iterations} iterations: the whole job and its optimisation, per second. */
    public record SoundRow(double seconds, int iterations, Measurement whole, double optimisation) {}

    /**
     * MeshBench: per workload, the mesh against the in-process pipeline; the embedding service's CPU profile, or
     * why there is none ({@code noProfile}).
     */
    public record Mesh(
            Provenance provenance,
            List<MeshWorkload> workloads,
            Optional<Profiles.Summary> profile,
            Optional<String> noProfile) {}

    /** How a workload's warm-up ended on each side: runs, and the JIT compiler threads' share of the last. */
    public record MeshWarmUp(int meshBursts, double meshJitShare, int inProcessPasses, double inProcessJitShare) {}

    /**
     * One workload ({@code name}, described by {@code label}) through the mesh. Bursts: seconds per image in
     * process and through the mesh to FacesEmbedded and to MatchResult; CPU seconds per request in process and
     * per mesh process (embedding, matching, broker, client), each with its JIT compiler threads' share; the
     * embedding service's batch sizes. Steady load at {@code steadyRate} images/s: latencies, against the pipeline
     * on one image at a time.
     */
    public record MeshWorkload(
            String name,
            String label,
            MeshWarmUp warmUp,
            int burstSize,
            Measurement inProcess,
            Measurement toFaces,
            Measurement toMatches,
            double inProcessCpu,
            double inProcessJit,
            Map<String, Double> meshCpu,
            Map<String, Double> meshJit,
            double imagesPerDetectorCall,
            double facesPerEmbedderCall,
            double steadyRate,
            Measurement steadyToFaces,
            Measurement steadyToMatches,
            Measurement oneImage) {}

    /** EmbeddingBench's raw models: each network on ready random tensors with 1 and 2 intra-op threads. */
    public record RawModels(Provenance provenance, String onnxRuntimeVersion, List<RawModelRow> rows) {}

    /** One network ({@code model} id, input size) at one batch size: time per item with 1 and with 2 threads. */
    public record RawModelRow(
            String model, int width, int height, int batch, Measurement oneThread, Measurement twoThreads) {}

    /**
     * EmbeddingBench's recognition models: each in the same pipeline on {@code workload} ({@code faces} faces); the
     * first row is the one the others are compared with.
     */
    public record RecognitionModels(Provenance provenance, String workload, int faces, List<RecognitionRow> models) {}

    /** One recognition model: its networks, faces/s of its align and embed stages, and the pipeline per face. */
    public record RecognitionRow(String model, int networks, double recognitionFacesPerSecond, Measurement perFace) {}

    /**
     * EmbeddingBench's face analysis: {@code pipeline} on {@code workload} ({@code faces} faces), per face without and
     * with every analysis, and faces/s of the analysis networks alone.
     */
    public record FaceAnalysis(
            Provenance provenance,
            String pipeline,
            String workload,
            int faces,
            Measurement without,
            Measurement withAll,
            double analysesFacesPerSecond) {}

    /** EmbeddingBench's peer: the in-process pipeline against the onnxruntime-node peer ({@code runtime}). */
    public record PeerComparison(Provenance provenance, String runtime, List<PeerRow> rows) {}

    /** One workload ({@code name}, described by {@code label}) at one batch size: faces found and time per image. */
    public record PeerRow(
            String name, String label, int batch, int javaFaces, int nodeFaces, Measurement java, Measurement node) {}

    /**
     * EmbeddingBench's pipeline against raw model time: per workload and batch; the pipeline's CPU profile (stacks
     * in {@code stacks}), or why there is none; batches in flight against one batch at a time.
     */
    public record PipelineVsRaw(
            Provenance provenance,
            List<PipelineRow> rows,
            Optional<Profiles.Summary> profile,
            Optional<String> noProfile,
            String stacks,
            List<InFlightRow> inFlight) {}

    /**
     * One workload at one batch size: time per image of the raw networks in sequence, of the raw networks as the
     * pipeline runs them ({@code batchesInFlight} batches at once, on its sessions' threads) and of the pipeline;
     * summed over all {@code timedRuns} runs of its {@code images} images and over the threads running batches, the
     * nanoseconds of each pipeline stage and of each raw network as the pipeline runs it.
     */
    public record PipelineRow(
            String name,
            String label,
            int batch,
            int faces,
            int images,
            int timedRuns,
            int batchesInFlight,
            Measurement raw,
            Measurement rawAsRun,
            Measurement pipeline,
            Map<PipelineStage, Long> stageNanos,
            long rawDetectNanos,
            long rawLandmarkNanos,
            long rawEmbedNanos) {

        double rawNanos() {
            return rawDetectNanos + rawLandmarkNanos + rawEmbedNanos;
        }
    }

    /** A workload (twice over) one batch at a time and with {@code batchesInFlight} at once; per image. */
    public record InFlightRow(String label, int batchesInFlight, Measurement oneAtATime, Measurement inFlight) {}
}
