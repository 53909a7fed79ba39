package dev.likeness.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.likeness.bench.EmbeddingBench.Workload;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.core.onnx.SharedThreadPool;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;

/**
 * ONNX Runtime's per-session thread pools (each session its own) against one pool shared by every session of the
 * process ({@link SharedThreadPool}), on the in-process pipeline as EmbeddingBench runs it (thread counts left to ONNX
 * Runtime). The environment, and so the pool, exists once per JVM: each round runs one JVM
 * per mode, modes alternating. Usage: ThreadPoolBench REPORT.md [ROUNDS]; ThreadPoolBench measure MODE (a child).
 */
public final class ThreadPoolBench {

    static final String SHARED = "shared";
    static final String PER_SESSION = "per-session";
    static final int BATCH = 8;

    private ThreadPoolBench() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("measure")) {
            measure(args[1]);
            return;
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Provenance provenance = Provenance.now();
        // mode -> workload -> [wall per image, CPU per image] per round
        Map<String, Map<String, List<double[]>>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String mode : List.of(PER_SESSION, SHARED)) {
                for (String line : child(mode)) {
                    String[] fields = line.split(" ");
                    results.computeIfAbsent(mode, key -> new LinkedHashMap<>())
                            .computeIfAbsent(fields[0], key -> new ArrayList<>())
                            .add(new double[] {Double.parseDouble(fields[1]), Double.parseDouble(fields[2])});
                }
            }
        }
        List<Results.ThreadPoolRow> workloads = new ArrayList<>();
        for (String workload : results.get(PER_SESSION).keySet()) {
            double[] perSession = medians(results.get(PER_SESSION).get(workload));
            double[] shared = medians(results.get(SHARED).get(workload));
            workloads.add(new Results.ThreadPoolRow(workload, perSession[0], shared[0], perSession[1], shared[1]));
        }
        Report.writeSection(
                Path.of(args[0]),
                "thread-pool",
                BenchReport.threadPool(new Results.ThreadPool(provenance, rounds, workloads)));
    }

    private static List<String> child(String mode) throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "-cp",
                System.getProperty("java.class.path"),
                ThreadPoolBench.class.getName(),
                "measure",
                mode);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> results = new ArrayList<>();
        for (String line : new String(process.getInputStream().readAllBytes()).split("\n")) {
            System.out.println(line);
            if (line.startsWith("RESULT ")) {
                results.add(line.substring("RESULT ".length()));
            }
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("The " + mode + " measurement failed");
        }
        return results;
    }

    /** One line per workload: "RESULT workload wall-s-per-image cpu-s-per-image" (medians of the runs). */
    static void measure(String mode) throws Exception {
        if (mode.equals(SHARED)) {
            SharedThreadPool.use(0, 0);
        }
        Path models = ModelsDirectory.locate();
        FacePipelineConfig config = FacePipelineConfig.defaults(models).withMaxBatch(BATCH);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<Workload> workloads = EmbeddingBench.workloads(config, models);
        try (FacePipeline pipeline = FacePipeline.open(config)) {
            for (Workload workload : workloads) {
                int images = workload.images().size();
                double[] cpu = new double[EmbeddingBench.RUNS];
                int[] run = {0};
                Measurement wall = Measurement.of(EmbeddingBench.WARM_UP, EmbeddingBench.RUNS, () -> {
                    long before = os.getProcessCpuTime();
                    EmbeddingBench.runPipeline(pipeline, workload.images(), BATCH);
                    // The warm-up runs come first and are overwritten by the measured ones.
                    cpu[run[0]++ % cpu.length] = (os.getProcessCpuTime() - before) / 1e9 / images;
                });
                System.out.printf(
                        Locale.ROOT,
                        "RESULT %s %.6f %.6f%n",
                        workload.name(),
                        wall.per(images).median(),
                        Measurement.ofSeconds(cpu).median());
            }
        }
    }

    private static double[] medians(List<double[]> rounds) {
        return new double[] {
            Measurement.ofSeconds(rounds.stream().mapToDouble(r -> r[0]).toArray())
                    .median(),
            Measurement.ofSeconds(rounds.stream().mapToDouble(r -> r[1]).toArray())
                    .median()
        };
    }
}
