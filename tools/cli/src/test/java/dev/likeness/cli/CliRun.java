package dev.likeness.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the CLI in-process: its exit code and what it printed. */
final class CliRun {

    final int exitCode;
    final String out;
    final String err;

    private CliRun(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    static CliRun likeness(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Likeness.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }
}
