package dev.likeness.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.insight.ResultFolders;
import picocli.CommandLine.Option;

/** What {@code atlas}, {@code maps} and {@code explain} share: the models folder and where output goes. */
final class InsightOptions {

    @Option(
            names = "--models",
            paramLabel = "DIR",
            description =
                    "The networks fetched by `make models` (default: the nearest models/ folder above the working directory).")
    Path models;

    Path models(String needed) {
        Path directory = models != null ? models : ModelsDirectory.locate();
        if (!Files.exists(directory.resolve(needed))) {
            throw new CliException(
                    ExitCodes.USAGE, "no " + needed + " under " + directory + ": run `make models` or pass --models");
        }
        return directory;
    }

    /** A folder for the generated ONNX graphs (ONNX Runtime opens files), deleted by {@link #delete}. */
    static Path workFolder() {
        try {
            return Files.createTempDirectory("likeness-insight");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path folder) {
        ResultFolders.delete(folder);
    }
}
