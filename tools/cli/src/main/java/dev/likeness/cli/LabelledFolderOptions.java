package dev.likeness.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.FacePipelineConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code evaluate} and {@code adapt} share: the labelled folder and the in-process face pipeline. */
final class LabelledFolderOptions {

    @Parameters(
            index = "0",
            paramLabel = "FOLDER",
            description = "One sub-folder per identity, holding that person's photos (JPEG, PNG, WebP).")
    Path folder;

    @Option(
            names = "--models",
            paramLabel = "DIR",
            description =
                    "The networks fetched by `make models` (default: the nearest models/ folder above the working directory).")
    Path models;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "Seed of pair sampling and of the split (default: ${DEFAULT-VALUE}).")
    long seed;

    Path folder() {
        if (!Files.isDirectory(folder)) {
            throw new CliException(ExitCodes.USAGE, folder + " is not a folder (expected one sub-folder per identity)");
        }
        return folder;
    }

    FacePipelineConfig pipeline() {
        Path directory = models != null ? models : ModelsDirectory.locate();
        if (!Files.isRegularFile(directory.resolve("face/batch/fr_feature.onnx"))) {
            throw new CliException(
                    ExitCodes.USAGE, "no face networks under " + directory + ": run `make models` or pass --models");
        }
        return FacePipelineConfig.defaults(directory);
    }
}
