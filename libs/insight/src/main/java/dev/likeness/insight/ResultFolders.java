package dev.likeness.insight;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

import dev.likeness.core.kafka.RejectedInputException;

/** The folders of insight results: names a request gives that become folder names, and deleting them. */
public final class ResultFolders {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private ResultFolders() {}

    /**
     * The name itself, if it is 1 to 64 letters, digits, '.', '_' or '-' and not "." or "..".
     *
     * @throws RejectedInputException INVALID_FIELD otherwise
     */
    public static String name(String name, String what) {
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new RejectedInputException(
                    "INVALID_FIELD", what + " '" + name + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /**
     * Deletes a folder with everything in it; nothing there is fine, and so is a file or folder that vanishes while it
     * is walked (another process deleting the same folder on a shared volume).
     */
    public static void delete(Path folder) {
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
