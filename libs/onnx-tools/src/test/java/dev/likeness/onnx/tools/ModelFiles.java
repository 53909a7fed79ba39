package dev.likeness.onnx.tools;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the models fetched by {@code make models}. */
public final class ModelFiles {

    private ModelFiles() {}

    public static Path faceModel(String name) {
        return existing(modelsFolder().resolve("face").resolve(name + ".onnx"));
    }

    /** {@code model.json} of the ResNet-50 TF.js package; its weight shards lie next to it. */
    public static Path resnet50ModelJson() {
        return existing(modelsFolder().resolve("resnet50/tfjs/model.json"));
    }

    /** ImageNet class names by index, from the ResNet-50 package. */
    public static Path resnet50Labels() {
        return existing(modelsFolder().resolve("resnet50/assets/labels.json"));
    }

    /** A file that {@code make models} generates or fetches under models/, e.g. {@code style/resnet50_style_grad.onnx}. */
    public static Path generated(String relativePath) {
        return existing(modelsFolder().resolve(relativePath));
    }

    private static Path existing(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: run `make models` first");
        }
        return file;
    }

    /** From surefire's {@code likeness.models.dir}, else the nearest {@code models/} above the working folder. */
    public static Path modelsFolder() {
        String configured = System.getProperty("likeness.models.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path folder = Path.of("").toAbsolutePath(); folder != null; folder = folder.getParent()) {
            if (Files.isDirectory(folder.resolve("models"))) {
                return folder.resolve("models");
            }
        }
        throw new IllegalStateException(
                "No models/ folder above " + Path.of("").toAbsolutePath() + ": run `make models` first");
    }
}
