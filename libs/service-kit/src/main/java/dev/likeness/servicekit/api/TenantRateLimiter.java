package dev.likeness.servicekit.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A token bucket per tenant: each tenant's REST requests may come at its rate, with bursts up to the bucket's
 * size; beyond that a request is refused at once (429) rather than queued, so it costs the service nothing.
 */
@ApplicationScoped
public class TenantRateLimiter {

    private final ApiRateLimitConfig config;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    @Inject
    public TenantRateLimiter(ApiRateLimitConfig config) {
        this.config = config;
    }

    /** Empty when the tenant may make a request now; else how many seconds until it may. */
    public Optional<Long> retryAfterSeconds(String tenant) {
        double rate = rate(tenant);
        if (rate <= 0) {
            return Optional.empty();
        }
        double size = config.burst() > 0 ? config.burst() : Math.max(1, rate);
        return buckets.computeIfAbsent(tenant, t -> new Bucket(size)).take(rate, size);
    }

    private double rate(String tenant) {
        ApiRateLimitConfig.TenantRate own = config.tenants().get(tenant);
        return own != null && own.requestsPerSecond().isPresent()
                ? own.requestsPerSecond().getAsDouble()
                : config.requestsPerSecond();
    }

    private static final class Bucket {
        private double tokens;
        private long refilledNanos = System.nanoTime();

        Bucket(double size) {
            this.tokens = size;
        }

        synchronized Optional<Long> take(double rate, double size) {
            long now = System.nanoTime();
            tokens = Math.min(size, tokens + (now - refilledNanos) / 1e9 * rate);
            refilledNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Optional.empty();
            }
            return Optional.of((long) Math.ceil((1 - tokens) / rate));
        }
    }
}
