package dev.likeness.core.kafka;

import java.util.Optional;

import dev.likeness.core.events.Tenants;

/**
 * The topics of a tenant whose own clients talk Kafka (docs/matching.md, "Tenants"): every one is named
 * {@code likeness.tenant.<tenant>.<kind>.v1}, the prefix its KafkaUser's ACLs grant (deploy/local's
 * {@code TenantManifests}), so the topic a record came on says which tenant wrote it.
 */
public final class TenantTopics {

    public static final String PREFIX = "likeness.tenant.";
    /** A regular expression of every tenant's images topic, for a pattern subscription. */
    public static final String IMAGES_PATTERN = "likeness[.]tenant[.][a-z0-9-]+[.]images[.]v1";

    private TenantTopics() {}

    public static String images(String tenant) {
        return PREFIX + Tenants.requireValid(tenant) + ".images.v1";
    }

    public static String matches(String tenant) {
        return PREFIX + Tenants.requireValid(tenant) + ".matches.v1";
    }

    /** The tenant whose topic this is, or empty for a topic of the mesh's own. */
    public static Optional<String> tenantOf(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int end = topic.indexOf('.', PREFIX.length());
        String tenant = end < 0 ? "" : topic.substring(PREFIX.length(), end);
        return Tenants.valid(tenant) ? Optional.of(tenant) : Optional.empty();
    }
}
