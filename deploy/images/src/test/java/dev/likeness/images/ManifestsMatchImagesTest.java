package dev.likeness.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.k8s.Kustomize;

/**
 * The Kubernetes manifests (deploy/k8s, both overlays) against the images they name, for every image
 * tarball present: the tag, the user, the port, where the models are mounted, the command of the
 * onnx-tools init containers.
 */
@Tag("images")
class ManifestsMatchImagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A container (or init container) of a Deployment whose image was built here. */
    record Use(String where, JsonNode pod, JsonNode container, ImageArchive image) {}

    static List<Use> uses(String overlay) {
        List<Use> uses = new ArrayList<>();
        Path dir = ImageConfigTest.ROOT.resolve("deploy/k8s/overlays").resolve(overlay);
        for (var object : Kustomize.render(dir)) {
            JsonNode node = JSON.valueToTree(object);
            if (!node.path("kind").asText().equals("Deployment")) {
                continue;
            }
            JsonNode pod = node.path("spec").path("template").path("spec");
            List<JsonNode> containers = new ArrayList<>();
            pod.path("initContainers").forEach(containers::add);
            pod.path("containers").forEach(containers::add);
            for (JsonNode container : containers) {
                String reference = container.path("image").asText();
                if (!reference.startsWith("likeness/")) {
                    continue;
                }
                Path tarball = ImageArchive.DIRECTORY.resolve(
                        reference.substring("likeness/".length()).replace(':', '-') + ".tar");
                if (Files.isRegularFile(tarball)) {
                    String where =
                            overlay + " " + node.path("metadata").path("name").asText() + "/"
                                    + container.path("name").asText();
                    uses.add(new Use(where, pod, container, ImageArchive.of(tarball)));
                }
            }
        }
        return uses;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void everyBuiltImageFitsTheManifestsThatRunIt(String overlay) {
        List<Use> uses = uses(overlay);
        if (overlay.equals("cpu")) {
            // `make test` builds likeness/embedding:0.1.0, which the cpu overlay runs.
            assertThat(uses).extracting(Use::where).contains("cpu likeness-embedding/embedding");
        }
        for (Use use : uses) {
            checkUser(use);
            if (ImageConfigTest.name(use.image).equals("onnx-tools")) {
                checkToolCommand(use);
            } else {
                checkService(use);
            }
        }
    }

    static void checkUser(Use use) {
        assertThat(use.container.path("image").asText()).isEqualTo(use.image.repoTag);
        String[] user = use.image.runtime().path("User").asText().split(":");
        JsonNode podSecurity = use.pod.path("securityContext");
        JsonNode security = use.container.path("securityContext");
        // A container's own securityContext wins over the pod's.
        assertThat((security.has("runAsUser") ? security : podSecurity)
                        .path("runAsUser")
                        .asText())
                .as("%s runAsUser", use.where)
                .isEqualTo(user[0]);
        assertThat((security.has("runAsGroup") ? security : podSecurity)
                        .path("runAsGroup")
                        .asText())
                .as("%s runAsGroup", use.where)
                .isEqualTo(user[1]);
        assertThat((security.has("runAsNonRoot") ? security : podSecurity)
                        .path("runAsNonRoot")
                        .asBoolean())
                .as("%s runAsNonRoot", use.where)
                .isTrue();
        // The image is read-only in the pods; the JVM (and ONNX Runtime's native libraries) need /tmp.
        assertThat(security.path("readOnlyRootFilesystem").asBoolean())
                .as(use.where)
                .isTrue();
        assertThat(mountPaths(use, "tmp"))
                .as("%s mounts a writable /tmp", use.where)
                .containsExactly("/tmp");
    }

    static void checkService(Use use) {
        List<Integer> ports = new ArrayList<>();
        use.container
                .path("ports")
                .forEach(port -> ports.add(port.path("containerPort").asInt()));
        List<Integer> exposed = new ArrayList<>();
        use.image
                .runtime()
                .path("ExposedPorts")
                .fieldNames()
                .forEachRemaining(port -> exposed.add(Integer.parseInt(port.replace("/tcp", ""))));
        assertThat(ports).as("%s container ports", use.where).isEqualTo(exposed);
        List<String> models = mountPaths(use, "models");
        if (!models.isEmpty()) {
            assertThat(models)
                    .as("%s models mount", use.where)
                    .containsExactly(use.image.environment().get("LIKENESS_MODELS_DIR"));
        }
        // Nothing is started other than the image's entrypoint.
        assertThat(use.container.has("command"))
                .as("%s overrides the entrypoint", use.where)
                .isFalse();
    }

    private static void checkToolCommand(Use use) {
        List<String> command = new ArrayList<>();
        use.container.path("command").forEach(argument -> command.add(argument.asText()));
        assertThat(command)
                .as("%s command", use.where)
                .hasSize(4)
                .startsWith("java", "-cp", "@/app/jib-classpath-file");
        String mainClass = command.get(3);
        assertThat(use.image.entries())
                .extracting(ImageArchive.Entry::path)
                .as("%s main class", use.where)
                .contains("app/classes/" + mainClass.replace('.', '/') + ".class");
    }

    private static List<String> mountPaths(Use use, String volume) {
        List<String> paths = new ArrayList<>();
        use.container.path("volumeMounts").forEach(mount -> {
            if (mount.path("name").asText().equals(volume)) {
                paths.add(mount.path("mountPath").asText());
            }
        });
        return paths;
    }
}
