package dev.likeness.onnx.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.likeness.onnx.model.ModelProto;

/**
 * Reads and writes .onnx files as {@link ModelProto}s. Fields the Likeness schema subset does not
 * declare are carried along as unknown fields, so read-then-write keeps them.
 */
public final class OnnxModels {

    private OnnxModels() {}

    public static ModelProto read(Path file) throws IOException {
        return ModelProto.parseFrom(Files.readAllBytes(file));
    }

    /**
     * Writes through a temporary file in the same folder and renames it, so an interrupted write never
     * leaves a truncated model that looks newer than its source.
     */
    public static void write(ModelProto model, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.write(partial, model.toByteArray());
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
