package dev.likeness.servicekit.api;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may call a service's REST API ({@code /api/...}); health, metrics and OpenAPI under {@code /q} stay open
 * for probes and scrapers. See docs/reliability.md, "Security".
 */
@ConfigMapping(prefix = "likeness.api.auth")
public interface ApiAuthConfig {

    enum Mode {
        /** Anyone who reaches the port: the local default (`make run`, the demo). */
        NONE,
        /** A key from {@link #keys()} in the {@link #header()} header. */
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

    /** The accepted API keys, comma-separated (env LIKENESS_API_AUTH_KEYS); from a Secret, never from the repository. */
    Optional<List<String>> keys();

    @WithDefault("X-API-Key")
    String header();
}
