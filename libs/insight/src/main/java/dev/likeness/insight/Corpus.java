package dev.likeness.insight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The photos of an atlas corpus: the JPEG, PNG and WebP files of a folder and its subfolders, in name order. */
public final class Corpus {

    public static final List<String> IMAGE_SUFFIXES = List.of(".jpg", ".jpeg", ".png", ".webp");

    private Corpus() {}

    /** Every photo under {@code folder} (none: an empty list). */
    public static List<Path> photos(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> IMAGE_SUFFIXES.stream()
                            .anyMatch(suffix -> file.getFileName()
                                    .toString()
                                    .toLowerCase(Locale.ROOT)
                                    .endsWith(suffix)))
                    .sorted()
                    .toList();
        }
    }

    /** How index.json and the checkpoint name a photo of the corpus: its path in the folder. */
    public static String name(Path folder, Path photo) {
        return folder.relativize(photo).toString();
    }
}
