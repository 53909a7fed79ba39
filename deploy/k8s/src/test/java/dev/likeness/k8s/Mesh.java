package dev.likeness.k8s;

import java.util.List;
import java.util.Set;

import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.core.kafka.Topics;

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
        /** Topic prefixes read and written: the tenants' own topics (TenantTopics, docs/matching.md "Tenants"). */
        Set<String> prefixedReads,
        Set<String> prefixedWrites,
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
                    Topics.IMAGES,
                    Set.of(Topics.IMAGES, Topics.INSIGHT_REQUESTS),
                    Set.of(
                            Topics.FACES,
                            Topics.deadLetters("embedding"),
                            Topics.INSIGHT_PROGRESS,
                            Topics.INSIGHT_RESULTS,
                            Topics.INSIGHT_ATLASES),
                    // likeness.tenant.T.images.v1 by pattern subscription.
                    Set.of(TenantTopics.PREFIX),
                    Set.of(),
                    Set.of("likeness-embedding", "likeness-embedding-insight"),
                    Set.of(),
                    true,
                    true),
            // Faces through its group; gallery and matches read whole by partition assignment (no group).
            // Writes images: the REST API submits uploads to embedding.
            new Mesh(
                    "matching",
                    8082,
                    "likeness-matching",
                    Topics.FACES,
                    Set.of(Topics.FACES, Topics.GALLERY, Topics.MATCHES),
                    Set.of(Topics.GALLERY, Topics.MATCHES, Topics.IMAGES, Topics.deadLetters("matching")),
                    Set.of(),
                    // The answers to a tenant's own requests, on likeness.tenant.T.matches.v1.
                    Set.of(TenantTopics.PREFIX),
                    Set.of("likeness-matching"),
                    Set.of(),
                    false,
                    false),
            // Cancellations on every replica with its own group likeness-stylising-cancel-<uuid>.
            new Mesh(
                    "stylising",
                    8083,
                    "likeness-stylising",
                    Topics.STYLE_REQUESTS,
                    Set.of(Topics.STYLE_REQUESTS, Topics.STYLE_CANCELLATIONS, Topics.INSIGHT_REQUESTS),
                    Set.of(
                            Topics.STYLE_PROGRESS,
                            Topics.STYLE_RESULTS,
                            Topics.deadLetters("stylising"),
                            Topics.INSIGHT_PROGRESS,
                            Topics.INSIGHT_RESULTS,
                            Topics.INSIGHT_ATLASES),
                    Set.of(),
                    Set.of(),
                    Set.of("likeness-stylising", "likeness-stylising-insight"),
                    Set.of("likeness-stylising-cancel-"),
                    true,
                    true));
}
