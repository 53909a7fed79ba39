package dev.likeness.servicekit.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which topics a service makes sure exist at startup, and how they are created. */
@ConfigMapping(prefix = "likeness.kafka.topics")
public interface TopicsConfig {

    /** Create missing topics at startup; off where an operator manages topics (e.g. Strimzi KafkaTopic). */
    @WithDefault("true")
    boolean create();

    /** The topics this service reads or writes. */
    Optional<List<String>> provision();

    /** Those of them that are compacted (cleanup.policy=compact, keyed state such as the gallery). */
    Optional<List<String>> compacted();

    @WithDefault("3")
    int partitions();

    @WithDefault("1")
    short replicationFactor();

    /** Largest inline image; topics accept it plus room for the rest of the event. */
    @WithDefault("16777216")
    int inlineImageMaxBytes();

    /** How long to keep trying to reach the broker before startup fails. */
    @WithDefault("60s")
    Duration timeout();
}
