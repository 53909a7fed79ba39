package dev.likeness.images;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An image tarball as {@code make images} writes it: an OCI image layout ({@code oci-layout},
 * {@code index.json}, {@code blobs/sha256/...}), read from index.json to the manifest to the config. Blobs are
 * read from the file when needed (a {@code -cuda} image is gigabytes), never held in memory.
 */
final class ImageArchive {

    /** Where {@code make images} (deploy/images/build.sh) writes the tarballs. */
    static final Path DIRECTORY = Path.of(System.getProperty("likeness.root", "../.."))
            .toAbsolutePath()
            .normalize()
            .resolve("target/images");

    /** One file, folder or link of a layer. */
    record Entry(String path, int mode, long uid, long gid, long size, boolean directory, String linkTarget) {}

    /** What a descriptor (in index.json or a manifest) says a blob is. */
    record Descriptor(String mediaType, String digest, long size) {
        static Descriptor of(JsonNode node) {
            return new Descriptor(
                    node.path("mediaType").asText(),
                    node.path("digest").asText(),
                    node.path("size").asLong(-1));
        }
    }

    /** What a blob of the tarball is: its name, the SHA-256 of its content and its size. */
    record Blob(String path, String contentDigest, long size) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path tarball;
    final JsonNode layout;
    final JsonNode index;
    /** The index's only manifest descriptor. */
    final JsonNode manifestEntry;

    final JsonNode manifest;
    final JsonNode config;
    /** The image's name: the index's org.opencontainers.image.ref.name, e.g. "likeness/embedding:0.1.0". */
    final String repoTag;

    private final Map<String, TarArchiveEntry> members;

    private ImageArchive(Path tarball) throws IOException {
        this.tarball = tarball;
        try (TarFile tar = new TarFile(tarball)) {
            members = new TreeMap<>();
            tar.getEntries().forEach(entry -> members.put(entry.getName(), entry));
            layout = JSON.readTree(read(tar, "oci-layout"));
            index = JSON.readTree(read(tar, "index.json"));
            if (index.path("manifests").size() != 1) {
                throw new IllegalStateException(tarball + ": index.json must list exactly one manifest");
            }
            manifestEntry = index.path("manifests").get(0);
            manifest = JSON.readTree(
                    read(tar, blobPath(manifestEntry.path("digest").asText())));
            config = JSON.readTree(
                    read(tar, blobPath(manifest.path("config").path("digest").asText())));
        }
        repoTag = manifestEntry.path("annotations").path(OciArchive.REF_NAME).asText();
    }

    /** The tarballs present under {@link #DIRECTORY}, one per image. */
    static List<Path> built() {
        if (!Files.isDirectory(DIRECTORY)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Map<Path, ImageArchive> READ = new ConcurrentHashMap<>();

    /** The archive, read once per test JVM. */
    static ImageArchive of(Path tarball) {
        return READ.computeIfAbsent(tarball.toAbsolutePath(), path -> {
            try {
                return new ImageArchive(path);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        path + " (is it an OCI layout tarball? rebuild it with `make images`)", e);
            }
        });
    }

    static String blobPath(String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalStateException("not a sha256 digest: " + digest);
        }
        return OciArchive.blobPath(digest);
    }

    /** The names of every member of the tarball (files and folders). */
    List<String> memberNames() {
        return List.copyOf(members.keySet());
    }

    /** Every file under blobs/sha256/ with the digest of its content, computed by reading it whole. */
    synchronized List<Blob> blobs() throws IOException {
        List<Blob> blobs = new ArrayList<>();
        try (TarFile tar = new TarFile(tarball)) {
            for (TarArchiveEntry entry : tar.getEntries()) {
                if (entry.isFile() && entry.getName().startsWith("blobs/sha256/")) {
                    try (DigestInputStream in = new DigestInputStream(tar.getInputStream(entry), sha256())) {
                        in.transferTo(OutputStream.nullOutputStream());
                        blobs.add(new Blob(entry.getName(), hex(in.getMessageDigest()), entry.getSize()));
                    }
                }
            }
        }
        return blobs;
    }

    Descriptor configDescriptor() {
        return Descriptor.of(manifest.path("config"));
    }

    List<Descriptor> layers() {
        List<Descriptor> layers = new ArrayList<>();
        manifest.path("layers").forEach(layer -> layers.add(Descriptor.of(layer)));
        return layers;
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
    private List<String> diffIds;
    private final Map<String, String> configFiles = new HashMap<>();

    /** Every entry of every layer, lowest layer first, paths without a leading "/" or "./". */
    synchronized List<Entry> entries() {
        if (entries != null) {
            return entries;
        }
        List<Entry> all = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        try (TarFile file = new TarFile(tarball)) {
            for (Descriptor layer : layers()) {
                // The digest of the uncompressed layer is its diff_id in the config.
                try (DigestInputStream uncompressed = new DigestInputStream(
                        new GZIPInputStream(file.getInputStream(member(layer.digest())), 1 << 16), sha256())) {
                    TarArchiveInputStream tar =
                            new TarArchiveInputStream(new BufferedInputStream(uncompressed, 1 << 16));
                    for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                        String path = entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
                        String link = entry.isSymbolicLink() || entry.isLink() ? entry.getLinkName() : null;
                        all.add(new Entry(
                                path,
                                entry.getMode(),
                                entry.getLongUserId(),
                                entry.getLongGroupId(),
                                entry.getSize(),
                                entry.isDirectory(),
                                link));
                        if (entry.isFile() && path.startsWith("etc/") && entry.getSize() < 65536) {
                            configFiles.put(path, new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                    // The tar's end-of-archive padding is part of the layer too.
                    tar.transferTo(OutputStream.nullOutputStream());
                    uncompressed.transferTo(OutputStream.nullOutputStream());
                    digests.add(hex(uncompressed.getMessageDigest()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(tarball.toString(), e);
        }
        diffIds = digests;
        entries = all;
        return entries;
    }

    /** The SHA-256 of each uncompressed layer, in the manifest's order (what the config's diff_ids must be). */
    synchronized List<String> uncompressedLayerDigests() {
        entries();
        return diffIds;
    }

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
        try (TarFile file = new TarFile(tarball)) {
            for (Descriptor layer : layers()) {
                Process tar = new ProcessBuilder(
                                "tar",
                                "--extract",
                                "--gzip",
                                "--same-owner",
                                "--preserve-permissions",
                                "--warning=no-unknown-keyword",
                                "--file",
                                "-",
                                "--directory",
                                root.toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                try (InputStream blob = file.getInputStream(member(layer.digest()));
                        OutputStream in = tar.getOutputStream()) {
                    blob.transferTo(in);
                }
                if (tar.waitFor() != 0) {
                    throw new IOException("tar failed on layer " + layer.digest() + " of " + tarball);
                }
            }
        }
    }

    private TarArchiveEntry member(String digest) {
        TarArchiveEntry entry = members.get(blobPath(digest));
        if (entry == null) {
            throw new IllegalStateException(tarball + " lacks the blob " + digest);
        }
        return entry;
    }

    private byte[] read(TarFile tar, String name) throws IOException {
        TarArchiveEntry entry = members.get(name);
        if (entry == null) {
            throw new IOException(tarball + " has no " + name);
        }
        try (InputStream in = tar.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest digest) {
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public String toString() {
        return repoTag;
    }
}
