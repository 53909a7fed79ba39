package dev.likeness.core.onnx;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the folder that {@code make models} fills: the {@value #PROPERTY} system property (Surefire sets
 * it from the root POM), else the nearest {@code models/} folder in the working directory or above it, so
 * tools and tests work when started from any module of the checkout.
 */
public final class ModelsDirectory {

    public static final String PROPERTY = "likeness.models.dir";

    private ModelsDirectory() {}

    /** The models folder; it may not exist yet, in which case opening a model says to run {@code make models}. */
    public static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path workingDirectory = Path.of("").toAbsolutePath();
        for (Path folder = workingDirectory; folder != null; folder = folder.getParent()) {
            Path candidate = folder.resolve("models");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return workingDirectory.resolve("models");
    }

    /** A file inside the models folder, e.g. {@code resolve("face/batch/fr_feature.onnx")}. */
    public static Path resolve(String relativePath) {
        return locate().resolve(relativePath);
    }
}
