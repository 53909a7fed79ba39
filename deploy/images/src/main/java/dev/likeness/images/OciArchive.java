package dev.likeness.images;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rewrites the docker archive Jib hands to {@code docker load} (manifest.json, the image config, one gzipped
 * tar per layer) as an OCI image layout tarball: {@code oci-layout}, {@code index.json} and every blob under
 * {@code blobs/sha256/}, with OCI media types. Quarkus's Jib integration can send an image only to a registry
 * or a Docker daemon, and always in Docker's format (deploy/images/docker-archive.sh catches it on the way to
 * the daemon), so {@code make images} converts here, without a daemon or registry.
 *
 * <p>The config and layers are copied byte for byte (their digests do not change, so the image ID is the one
 * Jib computed); only the manifest and the index are new. Every member is read twice (digests first, then the
 * copy, checked against the first pass), so an archive of any size streams through in constant memory. The
 * output is deterministic: the same docker archive gives the same OCI tarball byte for byte.
 *
 * <p>Usage: {@code OciArchive DOCKER_ARCHIVE.tar OCI_ARCHIVE.tar [DOCKER_ARCHIVE.tar OCI_ARCHIVE.tar ...]}
 */
public final class OciArchive {

    static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String GZIP_LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String TAR_LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";
    /** What podman, skopeo and Jib's own OCI tarballs name the image by. */
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** What containerd ({@code ctr import}, kind, k3s) and Docker 25+ name the image by: a fully qualified name. */
    static final String CONTAINERD_NAME = "io.containerd.image.name";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A member of the docker archive other than its JSON files: digest and size, and whether it is gzipped. */
    private record Member(String digest, long size, boolean gzip) {}

    private OciArchive() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args.length % 2 != 0) {
            System.err.println(
                    "usage: OciArchive DOCKER_ARCHIVE.tar OCI_ARCHIVE.tar [DOCKER_ARCHIVE.tar OCI_ARCHIVE.tar ...]");
            System.exit(2);
        }
        for (int i = 0; i < args.length; i += 2) {
            Path target = Path.of(args[i + 1]);
            String reference = convert(Path.of(args[i]), target);
            System.out.printf("oci-archive: %s (%s, %d MB)%n", target, reference, Files.size(target) / 1_000_000);
        }
    }

    /** Writes the OCI tarball of one docker archive (atomically: a failure leaves no partial file); returns its name. */
    public static String convert(Path dockerArchive, Path ociArchive) throws IOException {
        Map<String, byte[]> jsonFiles = new HashMap<>();
        Map<String, Member> members = new HashMap<>();
        try (TarArchiveInputStream tar = open(dockerArchive)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (!entry.isFile()) {
                    continue;
                }
                if (entry.getName().endsWith(".json")) {
                    jsonFiles.put(entry.getName(), tar.readAllBytes());
                } else {
                    members.put(entry.getName(), digest(tar, null));
                }
            }
        }

        JsonNode manifests = read(jsonFiles, "manifest.json", dockerArchive);
        if (!manifests.isArray() || manifests.size() != 1) {
            throw new IOException(dockerArchive + ": manifest.json must describe exactly one image");
        }
        JsonNode image = manifests.get(0);
        String reference = image.path("RepoTags").path(0).asText();
        if (reference.isEmpty()) {
            throw new IOException(dockerArchive + ": the image has no name (RepoTags)");
        }
        byte[] config = jsonFiles.get(image.path("Config").asText());
        if (config == null) {
            throw new IOException(dockerArchive + " lacks its image config " + image.path("Config"));
        }
        List<String> layerFiles = new ArrayList<>();
        image.path("Layers").forEach(layer -> layerFiles.add(layer.asText()));
        int diffIds = JSON.readTree(config).path("rootfs").path("diff_ids").size();
        if (diffIds != layerFiles.size()) {
            throw new IOException(
                    dockerArchive + ": " + layerFiles.size() + " layers but " + diffIds + " diff_ids in the config");
        }

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        manifest.set("config", descriptor(CONFIG_TYPE, sha256(config), config.length));
        var layers = manifest.putArray("layers");
        for (String file : layerFiles) {
            Member layer = members.get(file);
            if (layer == null) {
                throw new IOException(dockerArchive + " lacks its layer " + file);
            }
            layers.add(descriptor(layer.gzip ? GZIP_LAYER_TYPE : TAR_LAYER_TYPE, layer.digest, layer.size));
        }
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);

        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_TYPE);
        ObjectNode entry = descriptor(MANIFEST_TYPE, sha256(manifestBytes), manifestBytes.length);
        ObjectNode annotations = entry.putObject("annotations");
        annotations.put(CONTAINERD_NAME, qualified(reference));
        annotations.put(REF_NAME, reference);
        index.putArray("manifests").add(entry);

        Path partial = ociArchive.resolveSibling(ociArchive.getFileName() + ".partial");
        Files.createDirectories(ociArchive.toAbsolutePath().getParent());
        try (TarArchiveOutputStream out =
                        new TarArchiveOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16));
                TarArchiveInputStream in = open(dockerArchive)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            write(out, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            write(out, "index.json", JSON.writeValueAsBytes(index));
            directory(out, "blobs/");
            directory(out, "blobs/sha256/");
            write(out, blobPath(sha256(manifestBytes)), manifestBytes);
            write(out, blobPath(sha256(config)), config);
            // The layers in the docker archive's order; a layer listed twice is one blob.
            Set<String> wanted = new LinkedHashSet<>(layerFiles);
            Set<String> written = new HashSet<>();
            for (TarArchiveEntry member = in.getNextEntry(); member != null; member = in.getNextEntry()) {
                Member layer = members.get(member.getName());
                if (!member.isFile() || !wanted.contains(member.getName()) || !written.add(layer.digest)) {
                    continue;
                }
                out.putArchiveEntry(header(blobPath(layer.digest), layer.size));
                Member copied = digest(in, out);
                out.closeArchiveEntry();
                if (!copied.equals(layer)) {
                    throw new IOException(dockerArchive + " changed while it was converted (" + member.getName() + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, ociArchive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return reference;
    }

    /** "likeness/embedding:0.1.0" -> "docker.io/likeness/embedding:0.1.0", as Docker and containerd name it. */
    static String qualified(String reference) {
        int slash = reference.indexOf('/');
        String first = slash < 0 ? "" : reference.substring(0, slash);
        if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
            return reference;
        }
        return slash < 0 ? "docker.io/library/" + reference : "docker.io/" + reference;
    }

    static String blobPath(String digest) {
        return "blobs/sha256/" + digest.substring("sha256:".length());
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode descriptor = JSON.createObjectNode();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest);
        descriptor.put("size", size);
        return descriptor;
    }

    private static JsonNode read(Map<String, byte[]> jsonFiles, String name, Path archive) throws IOException {
        byte[] bytes = jsonFiles.get(name);
        if (bytes == null) {
            throw new IOException(archive + " is not a docker archive: it has no " + name);
        }
        return JSON.readTree(bytes);
    }

    private static TarArchiveInputStream open(Path archive) throws IOException {
        return new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16));
    }

    /** Reads the current tar member to its end (copying it to {@code copy} when given): its digest and size. */
    private static Member digest(InputStream member, TarArchiveOutputStream copy) throws IOException {
        MessageDigest sha256 = newSha256();
        byte[] buffer = new byte[1 << 16];
        long size = 0;
        byte[] head = new byte[2];
        for (int read = member.read(buffer); read >= 0; read = member.read(buffer)) {
            for (int i = 0; i < read && size + i < 2; i++) {
                head[(int) size + i] = buffer[i];
            }
            sha256.update(buffer, 0, read);
            if (copy != null) {
                copy.write(buffer, 0, read);
            }
            size += read;
        }
        boolean gzip = size >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        return new Member("sha256:" + HexFormat.of().formatHex(sha256.digest()), size, gzip);
    }

    static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Root-owned, 0644, time 0: nothing of the build machine ends up in the tarball. */
    private static TarArchiveEntry header(String name, long size) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(0100644);
        entry.setModTime(0);
        entry.setIds(0, 0);
        entry.setNames("", "");
        return entry;
    }

    private static void directory(TarArchiveOutputStream out, String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(040755);
        entry.setModTime(0);
        entry.setIds(0, 0);
        entry.setNames("", "");
        out.putArchiveEntry(entry);
        out.closeArchiveEntry();
    }

    private static void write(TarArchiveOutputStream out, String name, byte[] bytes) throws IOException {
        out.putArchiveEntry(header(name, bytes.length));
        out.write(bytes);
        out.closeArchiveEntry();
    }
}
