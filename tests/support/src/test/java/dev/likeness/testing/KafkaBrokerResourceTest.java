package dev.likeness.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@Tag("broker")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class KafkaBrokerResourceTest {

    @Test
    void pointsQuarkusAtTheSharedBroker() {
        String bootstrapServers = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);

        assertThat(bootstrapServers).isEqualTo(KafkaBroker.shared().bootstrapServers());
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            kafka.createTopics("test-support.quarkus");
            kafka.send("test-support.quarkus", "k", "v".getBytes(StandardCharsets.UTF_8));
            assertThat(kafka.drain("test-support.quarkus", 1, Duration.ofSeconds(30)))
                    .hasSize(1);
        }
    }
}
