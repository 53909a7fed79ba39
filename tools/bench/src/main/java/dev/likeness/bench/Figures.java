package dev.likeness.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The headline figures of each benchmark, kept in var/bench/figures.properties between the benchmark
 * processes of one {@code make bench}, so that the summary can set them against the goals.
 */
public final class Figures {

    static final Path FILE = Path.of("var/bench/figures.properties");

    private Figures() {}

    public static synchronized void put(String key, String value) throws IOException {
        Properties figures = load();
        figures.setProperty(key, value);
        Files.createDirectories(FILE.toAbsolutePath().getParent());
        try (Writer out = Files.newBufferedWriter(FILE)) {
            figures.store(out, "make bench: headline figures of this run");
        }
    }

    public static void put(String key, double value) throws IOException {
        put(key, Double.toString(value));
    }

    public static Optional<String> get(String key) throws IOException {
        return Optional.ofNullable(load().getProperty(key));
    }

    public static Optional<Double> number(String key) throws IOException {
        return get(key).map(Double::parseDouble);
    }

    /** Forgets the figures of earlier runs: called once at the start of a suite. */
    public static void reset() throws IOException {
        Files.deleteIfExists(FILE);
    }

    private static Properties load() throws IOException {
        Properties figures = new Properties();
        if (Files.exists(FILE)) {
            try (Reader in = Files.newBufferedReader(FILE)) {
                figures.load(in);
            }
        }
        return figures;
    }
}
