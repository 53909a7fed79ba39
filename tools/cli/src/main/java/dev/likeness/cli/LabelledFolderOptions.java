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
            names = "--embedding",
            paramLabel = "MODEL_ID",
            description =
                    "The embedding: faceplugin-fr-feature, dlib-face-resnet-v1 or likeness-fusion-v1 (default: the"
                            + " embedding service's for evaluate; faceplugin-fr-feature for adapt, which needs one network).")
    String embedding;

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

    /** The in-process pipeline, embedding with {@code --embedding} or else {@code defaultEmbedding}. */
    FacePipelineConfig pipeline(String defaultEmbedding) {
        Path directory = models != null ? models : ModelsDirectory.locate();
        if (!Files.isRegularFile(directory.resolve("face/batch/fr_feature.onnx"))) {
            throw new CliException(
                    ExitCodes.USAGE, "no face networks under " + directory + ": run `make models` or pass --models");
        }
        try {
            return FacePipelineConfig.defaults(directory, embedding != null ? embedding : defaultEmbedding);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }
}
