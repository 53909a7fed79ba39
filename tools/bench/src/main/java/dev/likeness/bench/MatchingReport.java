package dev.likeness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        Results.Matching result = new Results.Matching(Provenance.now(), args[2], read(csv));
        for (Results.MatchingRow row : result.rows()) {
            String key = "matching." + row.identities();
            Figures.put(key + ".exact.p99", row.exactP99());
            Figures.put("matching.largest", row.identities());
            if (row.ef() == DEFAULT_EF) {
                Figures.put(key + ".hnsw.p99", row.hnswP99());
                Figures.put(key + ".recall", row.recallEnrolled());
            }
        }
        Path charts = report.toAbsolutePath().getParent().resolve("images");
        Report.writeSection(report, "matching-bench", BenchReport.matching(result, charts));
    }

    /** SearchBenchmark's CSV, after its header line. */
    static List<Results.MatchingRow> read(Path csv) throws IOException {
        return Files.readAllLines(csv).stream()
                .skip(1)
                .filter(line -> !line.isBlank())
                .map(line -> line.split(","))
                .map(r -> new Results.MatchingRow(
                        Integer.parseInt(r[0]),
                        Long.parseLong(r[1]),
                        Double.parseDouble(r[2]),
                        Double.parseDouble(r[3]),
                        Double.parseDouble(r[4]),
                        Boolean.parseBoolean(r[5]),
                        Long.parseLong(r[6]),
                        Integer.parseInt(r[7]),
                        Double.parseDouble(r[8]),
                        Double.parseDouble(r[9]),
                        Double.parseDouble(r[10]),
                        Double.parseDouble(r[11])))
                .toList();
    }
}
