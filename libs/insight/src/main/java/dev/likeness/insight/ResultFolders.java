package dev.likeness.insight;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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

    /** Deletes a folder with everything in it; nothing there is fine. */
    public static void delete(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
