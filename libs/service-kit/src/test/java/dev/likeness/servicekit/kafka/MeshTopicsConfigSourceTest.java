package dev.likeness.servicekit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.core.kafka.Topics;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class MeshTopicsConfigSourceTest {

    @Test
    void everyServiceFindsTheMeshTopicsThroughTheServiceLoader() {
        SmallRyeConfig config =
                new SmallRyeConfigBuilder().addDiscoveredSources().build();

        assertThat(config.getValue("likeness.mesh-topics.images", String.class)).isEqualTo(Topics.IMAGES);
        assertThat(config.getValue("likeness.mesh-topics.style-cancellations", String.class))
                .isEqualTo(Topics.STYLE_CANCELLATIONS);
        assertThat(config.getValue("likeness.mesh-topics.matching-dead-letters", String.class))
                .isEqualTo("likeness.matching.dlq.v1");
    }

    @Test
    void aServicesPropertiesNameTheirTopicsByReference() {
        ConfigSource application = new PropertiesConfigSource(
                Map.of(
                        "likeness.topics.images", "${likeness.mesh-topics.images}",
                        "likeness.topics.dead-letters", "${likeness.mesh-topics.embedding-dead-letters}"),
                "application.properties",
                250);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors() // expands ${...}, as in a service
                .withSources(new MeshTopicsConfigSource(), application)
                .build();

        assertThat(config.getValue("likeness.topics.images", String.class)).isEqualTo(Topics.IMAGES);
        assertThat(config.getValue("likeness.topics.dead-letters", String.class))
                .isEqualTo("likeness.embedding.dlq.v1");
    }

    @Test
    void namesEveryTopicOfTheMeshOnceAndThePatternOfTheTenantsImagesTopics() {
        Map<String, String> properties = new MeshTopicsConfigSource().getProperties();
        assertThat(properties).containsEntry("likeness.mesh-topics.tenant-images", TenantTopics.IMAGES_PATTERN);
        assertThat(properties.entrySet())
                .filteredOn(property -> !property.getKey().equals("likeness.mesh-topics.tenant-images"))
                .extracting(Map.Entry::getValue)
                .doesNotHaveDuplicates()
                .hasSize(Topics.byConfigName().size())
                .allMatch(topic -> topic.startsWith("likeness.") && topic.endsWith(".v1"));
    }
}
