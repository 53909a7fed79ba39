package dev.likeness.servicekit.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may call a service's REST API ({@code /api/...}); health, metrics and OpenAPI under {@code /q} stay open
 * for probes and scrapers. See docs/reliability.md, "Security", and docs/matching.md, "Tenants".
 */
@ConfigMapping(prefix = "likeness.api.auth")
public interface ApiAuthConfig {

    enum Mode {
        /** Anyone who reaches the port: the local default (`make run`, the demo). */
        NONE,
        /** A key from {@link #keys()} or {@link #tenantKeys()} in the {@link #header()} header. */
        API_KEY,
        /**
         * A bearer JWT signed by the key of {@code mp.jwt.verify.publickey.location} (or {@code .publickey}), from
         * issuer {@code mp.jwt.verify.issuer}, not expired: e.g. an OIDC provider's access token.
         */
        JWT
    }

    /** {@code none}, {@code api-key} or {@code jwt} (env LIKENESS_API_AUTH_MODE). */
    @WithDefault("none")
    Mode mode();

    /**
     * The operator's API keys, comma-separated (env LIKENESS_API_AUTH_KEYS): tenant {@code default}, every scope
     * (admin included). From a Secret, never from the repository.
     */
    Optional<List<String>> keys();

    /**
     * Keys of tenants, by a label of your choice: {@code likeness.api.auth.tenant-keys.<label>.tenant},
     * {@code .key} and {@code .scopes} (recognise, verify, enrol, admin).
     */
    Map<String, TenantKey> tenantKeys();

    @WithDefault("X-API-Key")
    String header();

    /**
     * The header in which a caller may name its tenant: without authentication it chooses the tenant; with a key
     * or token it must name the key's own tenant, or the request is refused (403).
     */
    @WithDefault("X-Likeness-Tenant")
    String tenantHeader();

    /** One tenant's key and what it may do. */
    interface TenantKey {

        String tenant();

        String key();

        List<ApiScope.Scope> scopes();
    }
}
