package dev.likeness.cli;

import dev.likeness.core.events.Tenants;
import dev.likeness.events.v1.ImageSubmitted;
import picocli.CommandLine.Option;

/**
 * The tenant a command works within (docs/matching.md, "Tenants"); mixed into the commands that touch a gallery or
 * send requests (the mesh's shared topics take the request's tenant field from the CLI, an operator's tool).
 * None given means the tenant {@value Tenants#DEFAULT}. Behind API keys the key decides the tenant, and naming
 * another one is refused.
 */
final class TenantOption {

    static final String HEADER = "X-Likeness-Tenant";

    @Option(
            names = "--tenant",
            paramLabel = "TENANT",
            defaultValue = "${env:LIKENESS_TENANT}",
            description = "The tenant whose gallery to use (default: $LIKENESS_TENANT, else the tenant default).")
    String tenant;

    /** The tenant named, checked, or null when none is. */
    String named() {
        if (tenant == null || tenant.isEmpty()) {
            return null;
        }
        if (!Tenants.valid(tenant)) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "--tenant " + tenant + ": lowercase letters, digits and '-', at most 63 characters");
        }
        return tenant;
    }

    /** The request as the named tenant's (unchanged when none is named: the tenant default's). */
    ImageSubmitted applyTo(ImageSubmitted request) {
        String named = named();
        return named == null ? request : request.toBuilder().setTenant(named).build();
    }

    /** The tenant named, or {@value Tenants#DEFAULT}. */
    String orDefault() {
        String named = named();
        return named == null ? Tenants.DEFAULT : named;
    }
}
