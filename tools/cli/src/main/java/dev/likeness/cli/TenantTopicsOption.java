package dev.likeness.cli;

import java.util.List;

import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.core.kafka.Topics;
import picocli.CommandLine.Option;

/**
 * Where a command that sends requests talks Kafka: the mesh's shared topics (an operator's or a service's user), or,
 * with {@code --tenant-topics}, the tenant's own {@code likeness.tenant.T.images.v1} and {@code .matches.v1}, the
 * only topics a tenant's Kafka user may write and read on a secured mesh (docs/matching.md, "Tenants").
 */
final class TenantTopicsOption {

    @Option(
            names = "--tenant-topics",
            description = "Send to and read from the tenant's own topics (likeness.tenant.TENANT.images.v1,"
                    + " .matches.v1), as a tenant's Kafka user must; needs --tenant.")
    boolean own;

    String images(TenantOption tenant) {
        return own ? TenantTopics.images(required(tenant)) : Topics.IMAGES;
    }

    String matches(TenantOption tenant) {
        return own ? TenantTopics.matches(required(tenant)) : Topics.MATCHES;
    }

    /**
     * Where the services a request passes (embedding, then matching) dead-letter what they refuse, keyed by the
     * request id: on the shared topics only, as a tenant's Kafka user may read no others.
     */
    List<String> deadLetters() {
        return own ? List.of() : List.of(Topics.deadLetters("embedding"), Topics.deadLetters("matching"));
    }

    private static String required(TenantOption tenant) {
        String named = tenant.named();
        if (named == null) {
            throw new CliException(ExitCodes.USAGE, "--tenant-topics needs --tenant (or $LIKENESS_TENANT)");
        }
        return named;
    }
}
