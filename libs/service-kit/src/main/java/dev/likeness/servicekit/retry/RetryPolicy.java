package dev.likeness.servicekit.retry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * The mesh's one retry policy for a request whose processing fails: up to {@code likeness.retry.max-attempts}
 * attempts with exponential backoff and jitter between them ({@code likeness.retry.backoff} doubling up to
 * {@code likeness.retry.max-backoff}), Mutiny's retry doing the waiting; then the caller dead-letters the request.
 */
@ApplicationScoped
public class RetryPolicy {

    private static final Logger LOG = Logger.getLogger(RetryPolicy.class);

    private final int maxAttempts;
    private final Duration backoff;
    private final Duration maxBackoff;

    @Inject
    public RetryPolicy(
            @ConfigProperty(name = "likeness.retry.max-attempts") int maxAttempts,
            @ConfigProperty(name = "likeness.retry.backoff") Duration backoff,
            @ConfigProperty(name = "likeness.retry.max-backoff") Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("likeness.retry.max-attempts must be at least 1, not " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** What the attempts came to: the value, or the failure that ended them; and how many were made. */
    public record Attempts<T>(T value, RuntimeException failure, int attempts) {

        public boolean succeeded() {
            return failure == null;
        }
    }

    /**
     * Runs {@code work} until it succeeds, fails with an error {@code retryable} refuses (no further attempt), or
     * has failed max-attempts times. Blocks the calling thread (the consumers run on worker threads).
     *
     * @param what names the work in the log lines
     */
    public <T> Attempts<T> run(String what, Supplier<T> work, Predicate<RuntimeException> retryable) {
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<RuntimeException> last = new AtomicReference<>();
        Uni<T> attempt = Uni.createFrom().item(() -> {
            attempts.incrementAndGet();
            try {
                return work.get();
            } catch (RuntimeException e) {
                last.set(e);
                throw e;
            }
        });
        try {
            T value = attempt.onFailure(failure -> retryable(what, failure, attempts.get(), retryable))
                    .retry()
                    .withBackOff(backoff, maxBackoff)
                    .atMost(maxAttempts - 1L)
                    .await()
                    .indefinitely();
            return new Attempts<>(value, null, attempts.get());
        } catch (RuntimeException e) {
            // Mutiny reports exhausted retries in an exception of its own: the caller wants the work's failure.
            return new Attempts<>(null, last.get() != null ? last.get() : e, attempts.get());
        }
    }

    private boolean retryable(String what, Throwable failure, int attempt, Predicate<RuntimeException> retryable) {
        if (!(failure instanceof RuntimeException runtime) || !retryable.test(runtime)) {
            return false;
        }
        LOG.warnf("%s failed (attempt %d of %d): %s", what, attempt, maxAttempts, failure.toString());
        return attempt < maxAttempts;
    }
}
