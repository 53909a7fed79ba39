package dev.likeness.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Section 5 of {@code make bench}: turns the CSV of the matching service's SearchBenchmark (run on its test
 * classpath by the Makefile) into the report's table and chart, and its headline figures.
 * Usage: MatchingReport CSV REPORT.md COMMAND
 */
public final class MatchingReport {

    /** The service's default efSearch: the row the goal is judged on. */
    static final int DEFAULT_EF = 100;

    private MatchingReport() {}

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        Path report = Path.of(args[1]);
        String command = args[2];
        Path charts = report.toAbsolutePath().getParent().resolve("images");
        List<String[]> rows = Files.readAllLines(csv).stream()
                .skip(1)
                .filter(line -> !line.isBlank())
                .map(line -> line.split(","))
                .toList();
        StringBuilder md = new StringBuilder("## Matching: 1:K search\n\n")
                .append("Command: `make bench` (`")
                .append(command)
                .append("`, then `MatchingReport`). Machine: ")
                .append(Machine.describe())
                .append("; ")
                .append(Machine.load())
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
        String previous = "";
        for (String[] r : rows) {
            boolean first = !r[0].equals(previous);
            previous = r[0];
            int identities = Integer.parseInt(r[0]);
            Figures.put("matching." + identities + ".exact.p99", Double.parseDouble(r[3]));
            Figures.put("matching.largest", identities);
            if (r[7].equals("0")) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %,d | %,d MiB | %.2f ms | %.2f ms | not built in this run: no"
                                + " cached graph (`make bench-graphs` builds it once) | | | | | | | |%n",
                        identities,
                        Long.parseLong(r[1]) >> 20,
                        Double.parseDouble(r[2]),
                        Double.parseDouble(r[3])));
                continue;
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %.2f ms | %.2f ms | %.3f | %.3f |%n",
                    first ? String.format(Locale.ROOT, "%,d", identities) : "",
                    first ? String.format(Locale.ROOT, "%,d MiB", Long.parseLong(r[1]) >> 20) : "",
                    first ? String.format(Locale.ROOT, "%.2f ms", Double.parseDouble(r[2])) : "",
                    first ? String.format(Locale.ROOT, "%.2f ms", Double.parseDouble(r[3])) : "",
                    first ? String.format(Locale.ROOT, "%,.0f s", Double.parseDouble(r[4])) : "",
                    first ? (Boolean.parseBoolean(r[5]) ? "yes" : "no") : "",
                    first ? String.format(Locale.ROOT, "%,d MiB", Long.parseLong(r[6]) >> 20) : "",
                    r[7],
                    Double.parseDouble(r[8]),
                    Double.parseDouble(r[9]),
                    Double.parseDouble(r[10]),
                    Double.parseDouble(r[11])));
            if (Integer.parseInt(r[7]) == DEFAULT_EF) {
                categories.add(String.format(Locale.ROOT, "%,d", identities));
                exactP99.add(Double.parseDouble(r[3]));
                hnswP99.add(Double.parseDouble(r[9]));
                Figures.put("matching." + identities + ".hnsw.p99", Double.parseDouble(r[9]));
                Figures.put("matching." + identities + ".recall", Double.parseDouble(r[10]));
            }
        }
        md.append("\n")
                .append(Charts.write(
                        charts.resolve("bench-matching.png"),
                        new Charts.Bars(
                                        "1:K search p99 latency, exact vs HNSW (ef = " + DEFAULT_EF + ")",
                                        "ms, p99",
                                        categories)
                                .add("exact", exactP99)
                                .add("HNSW", hnswP99),
                        EmbeddingBench.chartCaption()))
                .append("\n");
        Report.writeSection(report, "matching-bench", md.toString());
    }
}
