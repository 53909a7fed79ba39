package dev.likeness.k8s;

import java.util.List;
import java.util.Set;

/**
 * What each service reads and writes, from docs/events.md: the table the Kafka ACLs, the KEDA triggers and
 * the models init containers are checked against. ServicesConfigTest checks it against each service's
 * application.properties, so neither side can drift alone.
 */
record Mesh(
        String service,
        int port,
        String consumerGroup,
        String inputTopic,
        Set<String> reads,
        Set<String> writes,
        Set<String> literalGroups,
        Set<String> prefixedGroups,
        boolean needsModels,
        boolean usesGpu) {

    String app() {
        return "likeness-" + service;
    }

    static final List<Mesh> SERVICES = List.of(
            new Mesh(
                    "embedding",
                    8081,
                    "likeness-embedding",
                    "likeness.images.v1",
                    Set.of("likeness.images.v1"),
                    Set.of("likeness.faces.v1", "likeness.embedding.dlq.v1"),
                    Set.of("likeness-embedding"),
                    Set.of(),
                    true,
                    true),
            // Faces through its group; gallery and matches read whole by partition assignment (no group).
            // Writes images: the REST API submits uploads to embedding.
            new Mesh(
                    "matching",
                    8082,
                    "likeness-matching",
                    "likeness.faces.v1",
                    Set.of("likeness.faces.v1", "likeness.gallery.v1", "likeness.matches.v1"),
                    Set.of(
                            "likeness.gallery.v1",
                            "likeness.matches.v1",
                            "likeness.images.v1",
                            "likeness.matching.dlq.v1"),
                    Set.of("likeness-matching"),
                    Set.of(),
                    false,
                    false),
            // Cancellations on every replica with its own group likeness-stylising-cancel-<uuid>.
            new Mesh(
                    "stylising",
                    8083,
                    "likeness-stylising",
                    "likeness.style.requests.v1",
                    Set.of("likeness.style.requests.v1", "likeness.style.cancellations.v1"),
                    Set.of("likeness.style.progress.v1", "likeness.style.results.v1", "likeness.stylising.dlq.v1"),
                    Set.of("likeness-stylising"),
                    Set.of("likeness-stylising-cancel-"),
                    true,
                    true));
}
