package dev.likeness.k8s;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.likeness.core.kafka.Topics;

/**
 * A service's application.properties as the service sees them: with the mesh's topic names it refers to
 * ({@code likeness.mesh-topics.*}, from core's Topics), and {@code ${...}} references resolved.
 */
record ServiceProperties(Properties properties) {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}:]+)(:[^}]*)?}");

    static ServiceProperties of(String service) throws IOException {
        Properties p = new Properties();
        Topics.byConfigName().forEach((name, topic) -> p.setProperty("likeness.mesh-topics." + name, topic));
        try (Reader r = Files.newBufferedReader(Manifests.ROOT
                .resolve("services")
                .resolve(service)
                .resolve("src/main/resources/application.properties"))) {
            p.load(r);
        }
        return new ServiceProperties(p);
    }

    /** The key's value with every reference resolved; a reference to nothing becomes "UUID" (a generated id). */
    String get(String key) {
        String value = properties.getProperty(key);
        return value == null ? null : resolve(value);
    }

    /** A comma-separated list, resolved. */
    Set<String> list(String key) {
        return Arrays.stream(get(key).split(",")).map(String::strip).collect(Collectors.toSet());
    }

    Set<String> keys() {
        return properties.stringPropertyNames();
    }

    private String resolve(String value) {
        Matcher m = REFERENCE.matcher(value);
        return m.replaceAll(r -> {
            String v = properties.getProperty(r.group(1));
            return Matcher.quoteReplacement(v != null ? resolve(v) : "UUID");
        });
    }
}
