package dev.likeness.servicekit.kafka;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.core.kafka.Topics;

/**
 * The mesh's topic names ({@link Topics}) as {@code likeness.mesh-topics.*}, so that a service's application.properties
 * names no topic itself but says {@code likeness.topics.images=${likeness.mesh-topics.images}}: the service's own
 * {@code likeness.topics.*} keys (overridable by environment variables such as {@code LIKENESS_TOPICS_GALLERY}) stay
 * what its config mappings read. Not {@code likeness.topics.*} itself: a service's mapping of that prefix would
 * reject the topics it does not use.
 */
public final class MeshTopicsConfigSource implements ConfigSource {

    static final String PREFIX = "likeness.mesh-topics.";

    private final Map<String, String> properties = Stream.concat(
                    Topics.byConfigName().entrySet().stream(),
                    // Not a topic: the regular expression of every tenant's images topic (embedding subscribes to it).
                    Stream.of(Map.entry("tenant-images", TenantTopics.IMAGES_PATTERN)))
            .collect(Collectors.toUnmodifiableMap(e -> PREFIX + e.getKey(), Map.Entry::getValue));

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "likeness-mesh-topics";
    }

    @Override
    public int getOrdinal() {
        return 90;
    }
}
