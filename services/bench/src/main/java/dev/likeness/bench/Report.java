package dev.likeness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one benchmark's section of docs/benchmarks.md between its markers, leaving the other sections
 * alone, so each benchmark can be rerun on its own.
 */
public final class Report {

    private Report() {
    }

    public static void writeSection(Path report, String name, String markdown) throws IOException {
        String start = "<!-- " + name + ":start -->";
        String end = "<!-- " + name + ":end -->";
        String block = start + "\n" + markdown.strip() + "\n" + end;
        String text = Files.exists(report) ? Files.readString(report) : "# Benchmarks\n";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from >= 0 && to > from) {
            text = text.substring(0, from) + block + text.substring(to + end.length());
        } else {
            text = text.stripTrailing() + "\n\n" + block + "\n";
        }
        Files.writeString(report, text);
    }
}
