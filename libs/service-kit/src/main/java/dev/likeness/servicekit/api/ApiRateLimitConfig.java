package dev.likeness.servicekit.api;

import java.util.Map;
import java.util.OptionalDouble;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How many REST requests each tenant may make ({@link TenantRateLimiter}), so that one tenant's flood cannot starve
 * the others. Off by default.
 */
@ConfigMapping(prefix = "likeness.api.rate-limit")
public interface ApiRateLimitConfig {

    /** Requests per second of each tenant; 0 = no limit. */
    @WithDefault("0")
    double requestsPerSecond();

    /** How many requests a tenant may make at once after a quiet spell; 0 = one second's worth. */
    @WithDefault("0")
    int burst();

    /** Another rate for some tenants: {@code likeness.api.rate-limit.tenants."acme".requests-per-second}. */
    Map<String, TenantRate> tenants();

    interface TenantRate {

        OptionalDouble requestsPerSecond();
    }
}
