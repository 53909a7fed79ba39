package dev.likeness.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.likeness.core.events.Requests;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;

/** Turns photo files into ImageSubmitted requests with the image inline. */
final class ImageRequests {

    /** The largest inline image the mesh accepts (likeness.kafka.topics.inline-image-max-bytes). */
    static final long MAX_INLINE_BYTES = 16 * 1024 * 1024;

    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "jpg",
            "image/jpeg",
            "jpeg",
            "image/jpeg",
            "png",
            "image/png",
            "webp",
            "image/webp",
            "bmp",
            "image/bmp",
            "gif",
            "image/gif");

    private ImageRequests() {}

    /**
     * The files as given, and each folder's photos (by file extension, sorted by name); exit 2 when a folder cannot be
     * listed or nothing is found. A file named is checked when it is read, so that one missing among many is reported
     * and the others go on, as in a folder.
     */
    static List<Path> photoFiles(List<Path> filesOrFolders) {
        List<Path> files = new ArrayList<>();
        for (Path path : filesOrFolders) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> children = Files.list(path)) {
                    children.filter(child -> Files.isRegularFile(child)
                                    && contentType(child).isPresent())
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new CliException(ExitCodes.USAGE, "cannot read folder " + path + ": " + e.getMessage());
                }
            } else {
                files.add(path);
            }
        }
        if (files.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no photos found in " + filesOrFolders);
        }
        return files;
    }

    static Path requireReadableFile(Path file) {
        if (!Files.exists(file)) {
            throw new CliException(ExitCodes.USAGE, "no such file: " + file);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CliException(ExitCodes.USAGE, "not a readable file: " + file);
        }
        return file;
    }

    static ImageSubmitted request(String requestId, Path file, Purpose purpose) {
        return Requests.imageSubmitted(requestId, image(file), purpose);
    }

    /** The file's bytes inline; exit 2 when it cannot be read or is too large. */
    static ImageSource image(Path file) {
        requireReadableFile(file);
        try {
            if (Files.size(file) > MAX_INLINE_BYTES) {
                throw new CliException(ExitCodes.USAGE, file + " is larger than " + MAX_INLINE_BYTES + " bytes");
            }
            return Requests.inlineImage(
                    Files.readAllBytes(file), contentType(file).orElse(null));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static Optional<String> contentType(Path file) {
        String name = file.getFileName().toString();
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return Optional.ofNullable(CONTENT_TYPES.get(extension));
    }
}
