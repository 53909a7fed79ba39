package dev.likeness.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a Quarkus test at the shared real broker: {@code @WithTestResource(KafkaBrokerResource.class)}.
 * The SmallRye Kafka connector reads {@code kafka.bootstrap.servers} by default, and setting it also
 * keeps Quarkus Dev Services from starting a broker of their own.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers());
    }

    @Override
    public void stop() {
        // The broker outlives each Quarkus application: later test classes in this JVM reuse it.
    }
}
