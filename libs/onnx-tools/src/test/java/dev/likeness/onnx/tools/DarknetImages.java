package dev.likeness.onnx.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The test photos of Debian's {@code darknet} package ({@code /usr/share/darknet/data/*.jpg}; GPL-3+ or MIT
 * or WTFPL), fetched at test time with {@code apt-get download} into the git-ignored
 * {@code models/.cache/darknet/}: they are never committed.
 */
public final class DarknetImages {

    private DarknetImages() {}

    /** A photo such as {@code dog.jpg} or {@code eagle.jpg}, downloading the package once when needed. */
    public static synchronized Path photo(String name) throws IOException, InterruptedException {
        Path folder = ModelFiles.modelsFolder().resolve(".cache/darknet");
        Path photo = folder.resolve(name);
        if (!Files.isRegularFile(photo)) {
            fetch(folder);
        }
        if (!Files.isRegularFile(photo)) {
            throw new IllegalStateException("The darknet package has no data/" + name);
        }
        return photo;
    }

    private static void fetch(Path folder) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        Path work = Files.createTempDirectory(folder, "download");
        try {
            if (!run(work, "apt-get", "download", "darknet")) {
                // A fresh container has no package lists yet.
                if (!run(work, "apt-get", "update") || !run(work, "apt-get", "download", "darknet")) {
                    throw new IllegalStateException(
                            "`apt-get download darknet` failed: the test photos come from Debian's"
                                    + " darknet package (run as root with Debian apt reachable, or put the photos into "
                                    + folder + ")");
                }
            }
            Path deb;
            try (Stream<Path> files = Files.list(work)) {
                deb = files.filter(file -> file.toString().endsWith(".deb"))
                        .findFirst()
                        .orElseThrow();
            }
            Path extracted = work.resolve("extracted");
            if (!run(work, "dpkg-deb", "-x", deb.toString(), extracted.toString())) {
                throw new IllegalStateException("dpkg-deb could not unpack " + deb);
            }
            try (Stream<Path> photos = Files.list(extracted.resolve("usr/share/darknet/data"))) {
                for (Path photo :
                        photos.filter(file -> file.toString().endsWith(".jpg")).toList()) {
                    Path partial = folder.resolve(photo.getFileName() + ".partial");
                    Files.copy(photo, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(
                            partial,
                            folder.resolve(photo.getFileName()),
                            StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            deleteRecursively(work);
        }
    }

    private static boolean run(Path folder, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command))
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return false;
        }
        if (process.exitValue() != 0) {
            System.err.println(String.join(" ", command) + " failed:\n" + output);
        }
        return process.exitValue() == 0;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path :
                    paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
