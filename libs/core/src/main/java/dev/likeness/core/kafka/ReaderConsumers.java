package dev.likeness.core.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Settings of a plain consumer that reads topics outside any consumer group (the matching replicas' gallery
 * follower and reply reader, the console's feed): every reader sees every record, and nothing is committed.
 */
public final class ReaderConsumers {

    private ReaderConsumers() {}

    /** @param kafkaConfig the shared {@code kafka.*} settings (bootstrap servers, security) */
    public static Map<String, Object> config(Map<String, Object> kafkaConfig) {
        Map<String, Object> config = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        // No group: partitions are assigned by hand and positions are never committed.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // The caller passes its deserializers to the consumer.
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return config;
    }
}
