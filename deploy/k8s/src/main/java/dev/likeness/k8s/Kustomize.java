package dev.likeness.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the small subset of kustomize that
 * deploy/k8s uses, so the manifests can be built and checked without a kustomize binary:
 * <ul>
 * <li>{@code resources}: YAML files (several documents each) and folders holding a kustomization.yaml;</li>
 * <li>{@code namespace}: set on every namespaced object;</li>
 * <li>{@code configMapGenerator} with {@code files} and {@code literals}, only with
 * {@code generatorOptions.disableNameSuffixHash: true} (no name hashes, so no reference rewriting);</li>
 * <li>{@code images}: {@code newName}/{@code newTag}/{@code digest} of containers and init containers;</li>
 * <li>{@code patches} with a {@code path} to strategic-merge patches, addressed by kind and name: maps
 * merge, lists of objects with a {@code name} merge by name, other lists and scalars replace, a
 * {@code null} deletes. JSON 6902 patches and {@code $patch} directives are refused.</li>
 * </ul>
 * Any other kustomization field is refused, so an overlay cannot silently use something this renderer
 * ignores. {@code KustomizeTest} compares the result with {@code kubectl kustomize} where kubectl exists.
 */
public final class Kustomize {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private static final Set<String> SUPPORTED = Set.of(
            "apiVersion",
            "kind",
            "resources",
            "namespace",
            "configMapGenerator",
            "generatorOptions",
            "images",
            "patches");

    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace",
            "CustomResourceDefinition",
            "ClusterRole",
            "ClusterRoleBinding",
            "PersistentVolume",
            "StorageClass",
            "PriorityClass");

    private Kustomize() {}

    /** The objects of the kustomization in {@code dir}, in kustomize's order (resources, then generated). */
    public static List<Map<String, Object>> render(Path dir) {
        Map<String, Object> k = readOne(dir.resolve("kustomization.yaml"));
        for (String key : k.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new IllegalArgumentException(dir + "/kustomization.yaml: '" + key
                        + "' is not in the kustomize subset this renderer supports " + SUPPORTED);
            }
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (String resource : strings(k.get("resources"))) {
            Path path = dir.resolve(resource).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(render(path));
            } else {
                objects.addAll(readAll(path));
            }
        }
        objects.addAll(generateConfigMaps(dir, k));
        for (Map<String, Object> patch : maps(k.get("patches"))) {
            applyPatch(dir, patch, objects);
        }
        if (k.get("namespace") instanceof String namespace) {
            for (Map<String, Object> object : objects) {
                if (!CLUSTER_SCOPED.contains(object.get("kind"))) {
                    metadata(object).put("namespace", namespace);
                }
            }
        }
        for (Map<String, Object> image : maps(k.get("images"))) {
            setImage(image, objects);
        }
        checkUnique(objects);
        return objects;
    }

    /** The rendering as one multi-document YAML text, like {@code kubectl kustomize}. */
    public static String renderYaml(Path dir) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> object : render(dir)) {
            if (!out.isEmpty()) {
                out.append("---\n");
            }
            try {
                out.append(YAML.writeValueAsString(object));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out.toString();
    }

    /** {@code java dev.likeness.k8s.Kustomize deploy/k8s/overlays/cpu} prints the rendering. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: Kustomize KUSTOMIZATION_FOLDER");
            System.exit(2);
        }
        System.out.print(renderYaml(Path.of(args[0])));
    }

    /** Every YAML document of a file as a map; empty documents are left out. */
    public static List<Map<String, Object>> readAll(Path file) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> it =
                YAML.readerFor(new TypeReference<Map<String, Object>>() {}).readValues(file.toFile())) {
            while (it.hasNextValue()) {
                Map<String, Object> document = it.nextValue();
                if (document != null && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return documents;
    }

    private static Map<String, Object> readOne(Path file) {
        List<Map<String, Object>> documents = readAll(file);
        if (documents.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one YAML document, found " + documents.size());
        }
        return documents.get(0);
    }

    private static List<Map<String, Object>> generateConfigMaps(Path dir, Map<String, Object> k) {
        List<Map<String, Object>> generators = maps(k.get("configMapGenerator"));
        if (generators.isEmpty()) {
            return List.of();
        }
        Map<String, Object> options = asMap(k.getOrDefault("generatorOptions", Map.of()));
        if (!Boolean.TRUE.equals(options.get("disableNameSuffixHash")) || options.size() != 1) {
            throw new IllegalArgumentException(dir + ": configMapGenerator is supported only with "
                    + "generatorOptions: {disableNameSuffixHash: true}");
        }
        List<Map<String, Object>> generated = new ArrayList<>();
        for (Map<String, Object> generator : generators) {
            for (String key : generator.keySet()) {
                if (!Set.of("name", "files", "literals").contains(key)) {
                    throw new IllegalArgumentException(
                            dir + ": configMapGenerator field '" + key + "' is not supported");
                }
            }
            Map<String, Object> data = new LinkedHashMap<>();
            for (String file : strings(generator.get("files"))) {
                int eq = file.indexOf('=');
                String key = eq < 0 ? Path.of(file).getFileName().toString() : file.substring(0, eq);
                Path path = dir.resolve(eq < 0 ? file : file.substring(eq + 1)).normalize();
                if (!path.startsWith(dir.normalize())) {
                    throw new IllegalArgumentException(path + " is outside " + dir + " (kustomize refuses it too)");
                }
                try {
                    data.put(key, Files.readString(path));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            for (String literal : strings(generator.get("literals"))) {
                int eq = literal.indexOf('=');
                data.put(literal.substring(0, eq), literal.substring(eq + 1));
            }
            Map<String, Object> configMap = new LinkedHashMap<>();
            configMap.put("apiVersion", "v1");
            configMap.put("kind", "ConfigMap");
            configMap.put("metadata", new LinkedHashMap<>(Map.of("name", generator.get("name"))));
            configMap.put("data", data);
            generated.add(configMap);
        }
        return generated;
    }

    private static void applyPatch(Path dir, Map<String, Object> entry, List<Map<String, Object>> objects) {
        if (entry.size() != 1 || !(entry.get("path") instanceof String file)) {
            throw new IllegalArgumentException(dir + ": only `patches: - path: FILE` is supported, not " + entry);
        }
        for (Map<String, Object> patch : readAll(dir.resolve(file))) {
            if (patch.containsKey("op")) {
                throw new IllegalArgumentException(file + ": JSON 6902 patches are not supported");
            }
            String kind = (String) patch.get("kind");
            String name = (String) metadata(patch).get("name");
            Map<String, Object> target = objects.stream()
                    .filter(o -> kind.equals(o.get("kind"))
                            && name.equals(metadata(o).get("name"))
                            && group(o).equals(group(patch)))
                    .reduce((a, b) -> {
                        throw new IllegalArgumentException(file + ": " + kind + "/" + name + " matches twice");
                    })
                    .orElseThrow(() -> new IllegalArgumentException(file + ": no " + kind + "/" + name + " to patch"));
            merge(target, patch, file);
        }
    }

    /** Strategic merge, the part of it the overlays use (see the class comment). */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> target, Map<String, Object> patch, String where) {
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (key.startsWith("$")) {
                throw new IllegalArgumentException(where + ": directive " + key + " is not supported");
            }
            Object current = target.get(key);
            if (value == null) {
                target.remove(key);
            } else if (value instanceof Map<?, ?> m && current instanceof Map<?, ?> c) {
                merge((Map<String, Object>) c, (Map<String, Object>) m, where);
            } else if (value instanceof List<?> l && current instanceof List<?> c && byName(l) && byName(c)) {
                List<Object> merged = new ArrayList<>(c);
                for (Object item : l) {
                    Map<String, Object> patchItem = (Map<String, Object>) item;
                    Map<String, Object> match = null;
                    for (Object existing : merged) {
                        if (Objects.equals(((Map<String, Object>) existing).get("name"), patchItem.get("name"))) {
                            match = (Map<String, Object>) existing;
                        }
                    }
                    if (match == null) {
                        merged.add(deepCopy(patchItem));
                    } else {
                        merge(match, patchItem, where);
                    }
                }
                target.put(key, merged);
            } else {
                target.put(key, deepCopy(value));
            }
        }
    }

    private static boolean byName(List<?> list) {
        return !list.isEmpty() && list.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get("name") != null);
    }

    private static void setImage(Map<String, Object> image, List<Map<String, Object>> objects) {
        String name = (String) image.get("name");
        for (Map<String, Object> object : objects) {
            Object template = path(object, "spec", "template", "spec");
            if (!(template instanceof Map<?, ?> podSpec)) {
                continue;
            }
            for (String list : List.of("initContainers", "containers")) {
                for (Map<String, Object> container : maps(podSpec.get(list))) {
                    String ref = (String) container.get("image");
                    String[] parts = splitImage(ref);
                    if (!parts[0].equals(name)) {
                        continue;
                    }
                    String newName = image.get("newName") instanceof String n ? n : parts[0];
                    String suffix = parts[1];
                    if (image.get("newTag") != null) {
                        suffix = ":" + image.get("newTag");
                    }
                    if (image.get("digest") != null) {
                        suffix = "@" + image.get("digest");
                    }
                    container.put("image", newName + suffix);
                }
            }
        }
    }

    /** The image name and its ":tag" or "@digest" suffix (empty when none). */
    static String[] splitImage(String ref) {
        int at = ref.indexOf('@');
        if (at >= 0) {
            return new String[] {ref.substring(0, at), ref.substring(at)};
        }
        int colon = ref.lastIndexOf(':');
        if (colon > ref.lastIndexOf('/')) {
            return new String[] {ref.substring(0, colon), ref.substring(colon)};
        }
        return new String[] {ref, ""};
    }

    private static void checkUnique(List<Map<String, Object>> objects) {
        Set<String> seen = new java.util.HashSet<>();
        for (Map<String, Object> o : objects) {
            String id = group(o) + "/" + o.get("kind") + "/" + metadata(o).get("namespace") + "/"
                    + metadata(o).get("name");
            if (!seen.add(id)) {
                throw new IllegalArgumentException("two objects " + id);
            }
        }
    }

    private static String group(Map<String, Object> object) {
        String apiVersion = String.valueOf(object.get("apiVersion"));
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Map<String, Object> object) {
        return (Map<String, Object>) object.computeIfAbsent("metadata", x -> new LinkedHashMap<>());
    }

    private static Object path(Map<String, Object> object, String... keys) {
        Object current = object;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return o == null ? List.of() : (List<String>) o;
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<?, ?> e = it.next();
                copy.put((String) e.getKey(), deepCopy(e.getValue()));
            }
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(i -> copy.add(deepCopy(i)));
            return copy;
        }
        return value;
    }
}
