package dev.likeness.k8s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/** The rendered overlays, as typed Kubernetes objects (fabric8) and generic trees (Strimzi, KEDA). */
final class Manifests {

    static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    static final Path ROOT = findRoot();
    static final Path K8S = ROOT.resolve("deploy/k8s");
    static final List<String> OVERLAYS = List.of("cpu", "cuda");

    private static final Map<String, Manifests> CACHE = new ConcurrentHashMap<>();

    final String overlay;
    final List<Map<String, Object>> objects;

    private Manifests(String overlay) {
        this.overlay = overlay;
        this.objects = Kustomize.render(K8S.resolve("overlays").resolve(overlay));
    }

    static Manifests of(String overlay) {
        return CACHE.computeIfAbsent(overlay, Manifests::new);
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    <T> List<T> typed(String kind, Class<T> type) {
        return ofKind(kind).stream().map(o -> JSON.convertValue(o, type)).toList();
    }

    List<Deployment> deployments() {
        return typed("Deployment", Deployment.class);
    }

    List<Service> services() {
        return typed("Service", Service.class);
    }

    List<ConfigMap> configMaps() {
        return typed("ConfigMap", ConfigMap.class);
    }

    List<PodDisruptionBudget> disruptionBudgets() {
        return typed("PodDisruptionBudget", PodDisruptionBudget.class);
    }

    ConfigMap configMap(String name) {
        return configMaps().stream()
                .filter(c -> c.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no ConfigMap " + name));
    }

    Deployment deployment(String name) {
        return deployments().stream()
                .filter(d -> d.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no Deployment " + name));
    }

    /** Custom resources (Strimzi, KEDA) as JSON trees. */
    List<JsonNode> custom(String kind) {
        return ofKind(kind).stream().map(o -> (JsonNode) JSON.valueToTree(o)).toList();
    }

    JsonNode custom(String kind, String name) {
        return custom(kind).stream()
                .filter(n -> n.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/events.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (docs/events.md) above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
