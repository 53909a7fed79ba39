package dev.likeness.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnxruntime.OrtEnvironment;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.ModelSpec;

/**
 * Is another ONNX Runtime release faster on our networks? One JVM holds one ONNX Runtime, so {@code make
 * bench-onnxruntime} runs {@code measure} once per version and round (that version's jar first on the class path),
 * alternating versions, then {@code report} writes the section. Each process measures the CPU time of the calling
 * thread with one intra-op thread, where ONNX Runtime runs the whole graph on that thread: unlike wall time, this
 * hardly moves when other work shares the machine, so versions measured minutes apart can be compared.
 */
public final class OnnxRuntimeVersions {

    static final int WARM_UP_CALLS = 5;
    static final int MEASURED_CALLS = 20;

    private OnnxRuntimeVersions() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "measure" -> measure(Path.of(args[1]));
            case "report" ->
                Report.writeSection(
                        Path.of(args[2]),
                        "onnxruntime-versions",
                        BenchReport.onnxRuntimeVersions(read(Path.of(args[1]), args[3])));
            default -> throw new IllegalArgumentException("usage: measure TSV | report TSV REPORT.md BASELINE_VERSION");
        }
    }

    /** Appends, per network and batch, the median CPU ms per item of this process's ONNX Runtime. */
    static void measure(Path tsv) throws Exception {
        String version = OrtEnvironment.getEnvironment().getVersion();
        Path models = ModelsDirectory.locate();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<String> rows = new ArrayList<>();
        Map<ModelSpec, Integer> batches = new LinkedHashMap<>();
        batches.put(FaceNetworks.detector(models), 1);
        batches.put(FaceNetworks.landmarker(models), 8);
        batches.put(FaceNetworks.frFeature(models), 8);
        batches.put(FaceNetworks.dlib(models), 8);
        for (Map.Entry<ModelSpec, Integer> entry : batches.entrySet()) {
            int batch = entry.getValue();
            try (EmbeddingBench.RawModel model = new EmbeddingBench.RawModel(
                    entry.getKey(), InferenceOptions.builder().intraOpThreads(1).build())) {
                model.run(batch, WARM_UP_CALLS);
                double[] cpuMs = new double[MEASURED_CALLS];
                for (int i = 0; i < MEASURED_CALLS; i++) {
                    long before = threads.getCurrentThreadCpuTime();
                    model.run(batch, 1);
                    cpuMs[i] = (threads.getCurrentThreadCpuTime() - before) / 1e6 / batch;
                }
                double median = Measurement.ofSeconds(cpuMs).median();
                rows.add(String.join(
                        "\t",
                        version,
                        entry.getKey().id(),
                        Integer.toString(batch),
                        String.format(Locale.ROOT, "%.4f", median)));
                System.out.printf(
                        Locale.ROOT,
                        "ONNX Runtime %s %s batch %d: %.3f CPU ms/item%n",
                        version,
                        entry.getKey().id(),
                        batch,
                        median);
            }
        }
        Files.write(tsv, rows, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Median over the rounds of each version, per network and batch, from the rows {@code measure} appended. */
    static Results.OnnxRuntimeVersions read(Path tsv, String baseline) throws Exception {
        Provenance provenance = Provenance.now();
        Map<String, Map<String, List<Double>>> byNetwork = new LinkedHashMap<>();
        List<String> versions = new ArrayList<>();
        for (String line : Files.readAllLines(tsv)) {
            String[] fields = line.split("\t");
            byNetwork
                    .computeIfAbsent(fields[1] + "\t" + fields[2], key -> new LinkedHashMap<>())
                    .computeIfAbsent(fields[0], key -> new ArrayList<>())
                    .add(Double.parseDouble(fields[3]));
            if (!versions.contains(fields[0])) {
                versions.add(fields[0]);
            }
        }
        versions.sort(OnnxRuntimeVersions::compareVersions);
        int rounds = 0;
        List<Results.VersionsRow> networks = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Double>>> network : byNetwork.entrySet()) {
            String[] networkAndBatch = network.getKey().split("\t");
            Map<String, Double> medians = new LinkedHashMap<>();
            for (Map.Entry<String, List<Double>> version : network.getValue().entrySet()) {
                medians.put(version.getKey(), median(version.getValue()));
                rounds = Math.max(rounds, version.getValue().size());
            }
            networks.add(new Results.VersionsRow(networkAndBatch[0], Integer.parseInt(networkAndBatch[1]), medians));
        }
        return new Results.OnnxRuntimeVersions(provenance, baseline, versions, rounds, networks);
    }

    private static double median(List<Double> values) {
        return Measurement.ofSeconds(
                        values.stream().mapToDouble(Double::doubleValue).toArray())
                .median();
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int order = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
