package dev.likeness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes one benchmark's section of docs/benchmarks.md between its markers, leaving the other sections
 * alone, so each benchmark can be rerun on its own.
 */
public final class Report {

    private Report() {}

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

    /** "12.34 ms [11.02-15.40]": median with min and max, of seconds. */
    public static String ms(Measurement m) {
        return String.format(Locale.ROOT, "%.2f ms [%.2f-%.2f]", 1e3 * m.median(), 1e3 * m.min(), 1e3 * m.max());
    }

    /** "78.4 [70.1-82.0]": the rate of seconds-per-item measurements, median with min and max. */
    public static String perSecond(Measurement m) {
        return String.format(Locale.ROOT, "%.1f [%.1f-%.1f]", 1 / m.median(), 1 / m.max(), 1 / m.min());
    }
}
