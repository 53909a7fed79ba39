package dev.likeness.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image tarball as {@code make images} writes it: a docker archive (what {@code docker save} and Jib
 * write) with {@code manifest.json}, the image config and one gzipped tar per layer.
 */
final class ImageArchive {

    /** Where {@code make images} (deploy/images/build.sh) writes the tarballs. */
    static final Path DIRECTORY = Path.of(System.getProperty("likeness.root", "../.."))
            .toAbsolutePath().normalize().resolve("target/images");

    /** One file, folder or link of a layer. */
    record Entry(String path, int mode, long uid, long gid, long size, boolean directory, String linkTarget) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path tarball;
    final String repoTag;
    final JsonNode config;
    private final Map<String, byte[]> layers;
    private final List<String> layerOrder;

    private ImageArchive(Path tarball, String repoTag, JsonNode config, List<String> layerOrder, Map<String, byte[]> layers) {
        this.tarball = tarball;
        this.repoTag = repoTag;
        this.config = config;
        this.layerOrder = layerOrder;
        this.layers = layers;
    }

    /** The tarballs present under {@link #DIRECTORY}, one per image. */
    static List<Path> built() {
        if (!Files.isDirectory(DIRECTORY)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Map<Path, ImageArchive> READ = new java.util.concurrent.ConcurrentHashMap<>();

    /** The archive, read once per test JVM (into memory: the largest is about 200 MB). */
    static ImageArchive of(Path tarball) {
        return READ.computeIfAbsent(tarball.toAbsolutePath(), ImageArchive::read);
    }

    private static ImageArchive read(Path tarball) {
        Map<String, byte[]> members = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tarball)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isFile()) {
                    members.put(entry.getName(), tar.readAllBytes());
                }
            }
            JsonNode manifest = JSON.readTree(members.get("manifest.json"));
            if (manifest == null || manifest.size() != 1) {
                throw new IllegalStateException(tarball + ": manifest.json must describe exactly one image");
            }
            JsonNode image = manifest.get(0);
            JsonNode config = JSON.readTree(members.get(image.get("Config").asText()));
            List<String> layerOrder = new ArrayList<>();
            image.get("Layers").forEach(layer -> layerOrder.add(layer.asText()));
            return new ImageArchive(tarball, image.get("RepoTags").get(0).asText(), config, layerOrder, members);
        } catch (IOException e) {
            throw new UncheckedIOException(tarball.toString(), e);
        }
    }

    /** The runtime settings ({@code config} of the image config): User, Env, Entrypoint, ExposedPorts... */
    JsonNode runtime() {
        return config.get("config");
    }

    /** Environment variables of the image, by name. */
    Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        runtime().path("Env").forEach(variable -> {
            String[] parts = variable.asText().split("=", 2);
            environment.put(parts[0], parts[1]);
        });
        return environment;
    }

    List<String> entrypoint() {
        List<String> entrypoint = new ArrayList<>();
        runtime().path("Entrypoint").forEach(argument -> entrypoint.add(argument.asText()));
        return entrypoint;
    }

    private List<Entry> entries;

    /** Every entry of every layer, lowest layer first, paths without a leading "/" or "./". */
    synchronized List<Entry> entries() {
        if (entries != null) {
            return entries;
        }
        entries = new ArrayList<>();
        for (String layer : layerOrder) {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(layerStream(layer))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    String path = entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
                    String link = entry.isSymbolicLink() || entry.isLink() ? entry.getLinkName() : null;
                    entries.add(new Entry(path, entry.getMode(), entry.getLongUserId(), entry.getLongGroupId(),
                            entry.getSize(), entry.isDirectory(), link));
                    if (entry.isFile() && path.startsWith("etc/") && entry.getSize() < 65536) {
                        configFiles.put(path, new String(tar.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(tarball + " layer " + layer, e);
            }
        }
        return entries;
    }

    private final Map<String, String> configFiles = new HashMap<>();

    /** The content of a file under /etc (the last layer that has it wins). */
    String etcFile(String path) {
        entries();
        String text = configFiles.get(path);
        if (text == null) {
            throw new IllegalStateException(tarball + " has no file " + path);
        }
        return text;
    }

    /**
     * Unpacks the layers in order into {@code root} with the system's tar, which keeps links, modes and
     * owners exactly (run as root). Jib writes no whiteouts, so plain extraction is the image's file system.
     */
    void unpack(Path root) throws IOException, InterruptedException {
        Files.createDirectories(root);
        for (String layer : layerOrder) {
            Path file = Files.createTempFile(root.getParent(), "layer", ".tar.gz");
            try {
                Files.write(file, layers.get(layer));
                Process tar = new ProcessBuilder("tar", "--extract", "--gzip", "--same-owner", "--preserve-permissions",
                        "--file", file.toString(), "--directory", root.toString())
                        .redirectErrorStream(true).start();
                String output = new String(tar.getInputStream().readAllBytes());
                if (tar.waitFor() != 0) {
                    throw new IOException("tar failed on layer " + layer + ": " + output);
                }
            } finally {
                Files.delete(file);
            }
        }
    }

    private InputStream layerStream(String layer) throws IOException {
        byte[] bytes = layers.get(layer);
        if (bytes == null) {
            throw new IllegalStateException(tarball + " lacks its layer " + layer);
        }
        return new GZIPInputStream(new java.io.ByteArrayInputStream(bytes), 1 << 16);
    }

    @Override
    public String toString() {
        return repoTag;
    }
}
