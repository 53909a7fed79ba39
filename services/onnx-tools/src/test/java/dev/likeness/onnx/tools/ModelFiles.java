package dev.likeness.onnx.tools;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the models fetched by {@code make models}. */
final class ModelFiles {

    private ModelFiles() {
    }

    static Path faceModel(String name) {
        Path file = modelsFolder().resolve("face").resolve(name + ".onnx");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: run `make models` first");
        }
        return file;
    }

    /** From surefire's {@code likeness.models.dir}, else the nearest {@code models/} above the working folder. */
    private static Path modelsFolder() {
        String configured = System.getProperty("likeness.models.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path folder = Path.of("").toAbsolutePath(); folder != null; folder = folder.getParent()) {
            if (Files.isDirectory(folder.resolve("models"))) {
                return folder.resolve("models");
            }
        }
        throw new IllegalStateException("No models/ folder above " + Path.of("").toAbsolutePath()
                + ": run `make models` first");
    }
}
