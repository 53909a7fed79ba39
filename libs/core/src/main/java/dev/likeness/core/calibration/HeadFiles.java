package dev.likeness.core.calibration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** A learned head on disk: one JSON file per embedding model, {@code <model id>[@<version>].head.json}. */
public final class HeadFiles {

    static final String SUFFIX = ".head.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The file's shape. */
    record HeadFile(String modelId, String modelVersion, float[] weights, float bias, HeadReport report) {}

    private HeadFiles() {}

    public static Path write(SiameseHead head, Path directory) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(fileName(head.model()));
            JSON.writeValue(
                    file.toFile(),
                    new HeadFile(
                            head.model().id(), head.model().version(), head.weights(), head.bias(), head.report()));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the head of " + head.model() + " to " + directory, e);
        }
    }

    public static SiameseHead read(Path file) {
        try {
            HeadFile head = JSON.readValue(file.toFile(), HeadFile.class);
            return new SiameseHead(
                    new ModelKey(head.modelId(), head.modelVersion()), head.weights(), head.bias(), head.report());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the head " + file, e);
        }
    }

    /** Every head in a directory; none when it does not exist. */
    public static List<SiameseHead> readAll(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<SiameseHead> heads = new ArrayList<>();
            files.filter(file -> file.getFileName().toString().endsWith(SUFFIX))
                    .sorted()
                    .forEach(file -> heads.add(read(file)));
            return heads;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    static String fileName(ModelKey model) {
        return model.toString().replaceAll("[^A-Za-z0-9._@-]", "_") + SUFFIX;
    }
}
