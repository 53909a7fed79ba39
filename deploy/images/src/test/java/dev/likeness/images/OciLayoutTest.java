package dev.likeness.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.likeness.images.ImageArchive.Blob;
import dev.likeness.images.ImageArchive.Descriptor;

/**
 * Every tarball under target/images/ is an OCI image layout (image-layout spec 1.0) that a runtime or
 * {@code skopeo copy oci-archive:...} accepts: index.json -> manifest -> config and layers, OCI media
 * types, every blob named by the SHA-256 of its content with the size its descriptor says, and the config's
 * diff_ids the digests of the uncompressed layers (what a runtime checks when it unpacks them).
 */
@Tag("images")
class OciLayoutTest {

    static List<Path> images() {
        return ImageArchive.built();
    }

    @ParameterizedTest
    @MethodSource("images")
    void isAnOciImageLayoutWithOneNamedManifest(Path tarball) {
        ImageArchive image = ImageArchive.of(tarball);
        assertThat(image.layout.path("imageLayoutVersion").asText()).isEqualTo("1.0.0");
        assertThat(image.index.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(image.index.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(image.manifestEntry.path("mediaType").asText())
                .isEqualTo("application/vnd.oci.image.manifest.v1+json");
        // "embedding-0.1.0.tar" holds likeness/embedding:0.1.0, named for podman/skopeo and for containerd/Docker.
        Matcher file = Pattern.compile("(.+?)-([0-9].*)\\.tar")
                .matcher(tarball.getFileName().toString());
        assertThat(file.matches()).as("%s is named NAME-TAG.tar", tarball).isTrue();
        String name = file.group(1);
        String tag = file.group(2);
        assertThat(image.repoTag).isEqualTo("likeness/" + name + ":" + tag);
        assertThat(image.manifestEntry
                        .path("annotations")
                        .path(OciArchive.CONTAINERD_NAME)
                        .asText())
                .isEqualTo("docker.io/likeness/" + name + ":" + tag);
        assertThat(image.manifest.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(image.manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(image.configDescriptor().mediaType()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(image.layers())
                .isNotEmpty()
                .extracting(Descriptor::mediaType)
                .containsOnly("application/vnd.oci.image.layer.v1.tar+gzip");
    }

    @ParameterizedTest
    @MethodSource("images")
    void everyBlobHasTheDigestAndSizeItsDescriptorsSay(Path tarball) throws IOException {
        ImageArchive image = ImageArchive.of(tarball);
        List<Blob> blobs = image.blobs();
        for (Blob blob : blobs) {
            assertThat(blob.path())
                    .as("a blob's name is the SHA-256 of its content")
                    .isEqualTo(ImageArchive.blobPath(blob.contentDigest()));
        }
        Map<String, Blob> byDigest = blobs.stream().collect(Collectors.toMap(Blob::contentDigest, Function.identity()));
        List<Descriptor> descriptors = new ArrayList<>();
        descriptors.add(Descriptor.of(image.manifestEntry));
        descriptors.add(image.configDescriptor());
        descriptors.addAll(image.layers());
        for (Descriptor descriptor : descriptors) {
            assertThat(byDigest).as("%s: blob %s", image, descriptor.digest()).containsKey(descriptor.digest());
            assertThat(byDigest.get(descriptor.digest()).size())
                    .as("%s: size of %s", image, descriptor.digest())
                    .isEqualTo(descriptor.size());
        }
        // Nothing but the layout: no blob that nothing refers to, no leftover of the docker archive.
        assertThat(byDigest.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        descriptors.stream().map(Descriptor::digest).distinct().toList());
        assertThat(image.memberNames())
                .allMatch(
                        name -> name.equals("oci-layout") || name.equals("index.json") || name.startsWith("blobs/"),
                        "only oci-layout, index.json and blobs/");
    }

    @ParameterizedTest
    @MethodSource("images")
    void theConfigsDiffIdsAreTheDigestsOfTheUncompressedLayers(Path tarball) {
        ImageArchive image = ImageArchive.of(tarball);
        assertThat(image.config.path("rootfs").path("type").asText()).isEqualTo("layers");
        List<String> diffIds = new ArrayList<>();
        image.config.path("rootfs").path("diff_ids").forEach(id -> diffIds.add(id.asText()));
        assertThat(image.uncompressedLayerDigests()).isEqualTo(diffIds);
    }
}
