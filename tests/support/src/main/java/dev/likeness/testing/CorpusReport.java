package dev.likeness.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What each case of a bad-input corpus came to, one tab-separated line per case in
 * {@code target/bad-input-corpus.tsv} of the module under test (case, service, outcome), rewritten by each
 * test run: the source of the table in docs/reliability.md.
 */
public final class CorpusReport {

    private static final Path FILE = Path.of("target", "bad-input-corpus.tsv");
    private static boolean started;

    private CorpusReport() {}

    public static synchronized void record(String service, String kase, String outcome) {
        try {
            Files.createDirectories(FILE.getParent());
            if (!started) {
                Files.writeString(FILE, "case\tservice\toutcome\n", StandardCharsets.UTF_8);
                started = true;
            }
            Files.writeString(
                    FILE,
                    kase + "\t" + service + "\t" + outcome + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
