package dev.likeness.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

class KustomizeTest {

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void everyObjectIsWellFormedInTheLikenessNamespaceAndNoSecretIsCommitted(String overlay) {
        List<Map<String, Object>> objects = Manifests.of(overlay).objects;
        assertThat(objects).hasSizeGreaterThan(30);
        for (Map<String, Object> o : objects) {
            assertThat(o).containsKeys("apiVersion", "kind", "metadata");
            Map<String, Object> metadata = Kustomize.metadata(o);
            assertThat(metadata.get("name")).as("name of %s", o.get("kind")).isNotNull();
            if (!"Namespace".equals(o.get("kind"))) {
                assertThat(metadata.get("namespace"))
                        .as("%s %s", o.get("kind"), metadata.get("name"))
                        .isEqualTo("likeness");
            }
        }
        assertThat(objects)
                .extracting(o -> o.get("kind"))
                .doesNotContain("Secret")
                .contains(
                        "Namespace",
                        "Kafka",
                        "KafkaNodePool",
                        "KafkaTopic",
                        "KafkaUser",
                        "ConfigMap",
                        "Deployment",
                        "Service",
                        "PodDisruptionBudget",
                        "ScaledObject",
                        "TriggerAuthentication");
    }

    /**
     * The real kustomize (kubectl 1.32's, fetched by deploy/k8s/kubectl.sh, which `make test` runs) renders exactly
     * the same objects. Tagged out of `make check`, which fetches nothing.
     */
    @Tag("tools")
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void rendersLikeKubectlKustomize(String overlay) throws Exception {
        Path kubectl = Path.of(System.getProperty("likeness.kubectl", "var/tools/kubectl"));
        assertThat(kubectl)
                .as("kubectl for the comparison: run deploy/k8s/kubectl.sh (make test does)")
                .isExecutable();
        Process process = new ProcessBuilder(
                        kubectl.toString(),
                        "kustomize",
                        Manifests.K8S.resolve("overlays/" + overlay).toString())
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("kubectl kustomize finished")
                .isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize: %s", err).isZero();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> theirs = new ArrayList<>();
        yaml.readerFor(JsonNode.class)
                .readValues(new String(out, StandardCharsets.UTF_8))
                .forEachRemaining(n -> theirs.add((JsonNode) n));
        List<JsonNode> ours = Manifests.of(overlay).objects.stream()
                .map(o -> (JsonNode) Manifests.JSON.valueToTree(o))
                .toList();
        assertThat(ours).containsExactlyInAnyOrderElementsOf(theirs);
    }

    @Test
    void strategicMergeMergesNamedListsAndReplacesTheRest() {
        Map<String, Object> target = tree("""
                spec: {containers: [{name: a, image: x, resources: {limits: {cpu: "1"}}}, {name: b, image: y}],
                       tolerations: [{key: k1}], replicas: 1, gone: 2}
                """);
        Map<String, Object> patch = tree("""
                spec: {containers: [{name: a, resources: {limits: {nvidia.com/gpu: 1}}}, {name: c, image: z}],
                       tolerations: [{key: k2}], gone: null}
                """);
        Kustomize.merge(target, patch, "test");
        assertThat(target).isEqualTo(tree("""
                spec: {containers: [{name: a, image: x, resources: {limits: {cpu: "1", nvidia.com/gpu: 1}}},
                                    {name: b, image: y}, {name: c, image: z}],
                       tolerations: [{key: k2}], replicas: 1}
                """));
    }

    @Test
    void refusesWhatItDoesNotImplement(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: []\ncommonLabels: {a: b}\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("commonLabels");
        Files.writeString(dir.resolve("kustomization.yaml"), "configMapGenerator: [{name: x, literals: [a=b]}]\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("disableNameSuffixHash");
    }

    @Test
    void imageTagsAreSplitLikeKustomize() {
        assertThat(Kustomize.splitImage("registry:5000/likeness/embedding:0.1.0"))
                .containsExactly("registry:5000/likeness/embedding", ":0.1.0");
        assertThat(Kustomize.splitImage("registry:5000/likeness/embedding"))
                .containsExactly("registry:5000/likeness/embedding", "");
        assertThat(Kustomize.splitImage("node@sha256:ab")).containsExactly("node", "@sha256:ab");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tree(String yaml) {
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(yaml, LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
