package dev.likeness.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar redrawn in place on stderr, at most ten times a second; silent when stderr is not a terminal, so
 * scripts and logs get only the results.
 */
final class ProgressLine {

    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String verb;
    private int total;
    private final long started = System.nanoTime();
    private int done;
    private long drawnAt;

    private ProgressLine(PrintWriter err, String verb, int total) {
        this.err = err;
        this.verb = verb;
        this.total = total;
    }

    /** Draws on {@code err} when this process has a terminal, else nothing. */
    static ProgressLine onTerminal(PrintWriter err, String verb, int total) {
        return new ProgressLine(System.console() != null ? err : null, verb, total);
    }

    /** {@code [#######-------]  50%}: the part of a bar every progress line of the CLI shares. */
    static String bar(int done, int total) {
        int bounded = Math.min(done, Math.max(total, 1));
        int filled = (int) Math.round((double) BAR_WIDTH * bounded / Math.max(total, 1));
        return String.format(
                Locale.ROOT,
                "[%s%s] %3d%%",
                "#".repeat(filled),
                "-".repeat(BAR_WIDTH - filled),
                100 * bounded / Math.max(total, 1));
    }

    void advance() {
        update(done + 1, total);
    }

    /** Redraws at {@code done} of {@code total}: a service's progress events, where the total comes with them. */
    void update(int done, int total) {
        this.done = done;
        this.total = total;
        long now = System.nanoTime();
        if (err != null && (now - drawnAt >= REDRAW_NANOS || done == total)) {
            drawnAt = now;
            double seconds = Math.max((now - started) / 1e9, 1e-9);
            err.print(String.format(
                    Locale.ROOT, "\r%s  %d/%d %s  %.0f/s", bar(done, total), done, total, verb, done / seconds));
            err.flush();
        }
    }

    void finish() {
        if (err != null && done > 0) {
            err.println();
        }
    }
}
