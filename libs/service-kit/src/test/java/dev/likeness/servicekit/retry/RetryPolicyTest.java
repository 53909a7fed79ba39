package dev.likeness.servicekit.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Duration BACKOFF = Duration.ofMillis(100);

    private final RetryPolicy policy = new RetryPolicy(3, BACKOFF, Duration.ofSeconds(1));

    @Test
    void retriesAFailureWithBackoffUntilTheWorkSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();

        RetryPolicy.Attempts<String> result = policy.run(
                "flaky work",
                () -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("not yet " + calls.get());
                    }
                    return "done";
                },
                failure -> true);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.value()).isEqualTo("done");
        assertThat(result.attempts()).isEqualTo(3);
        // Two pauses, each at least half the backoff (jitter), the second one doubled.
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThanOrEqualTo(BACKOFF.multipliedBy(3).dividedBy(2));
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheWorksLastFailure() {
        AtomicInteger calls = new AtomicInteger();

        RetryPolicy.Attempts<String> result = policy.run(
                "failing work",
                () -> {
                    throw new IllegalStateException("failure " + calls.incrementAndGet());
                },
                failure -> true);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(calls).hasValue(3);
        assertThat(result.failure()).isInstanceOf(IllegalStateException.class).hasMessage("failure 3");
    }

    @Test
    void doesNotRetryAFailureThePredicateRefuses() {
        AtomicInteger calls = new AtomicInteger();

        RetryPolicy.Attempts<String> result = policy.run(
                "refused work",
                () -> {
                    throw new IllegalArgumentException("bad input " + calls.incrementAndGet());
                },
                failure -> !(failure instanceof IllegalArgumentException));

        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.failure()).hasMessage("bad input 1");
    }

    @Test
    void oneAttemptMeansNoRetry() {
        AtomicInteger calls = new AtomicInteger();

        RetryPolicy.Attempts<Object> result = new RetryPolicy(1, BACKOFF, BACKOFF)
                .run(
                        "single attempt",
                        () -> {
                            throw new IllegalStateException("failure " + calls.incrementAndGet());
                        },
                        failure -> true);

        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.failure()).hasMessage("failure 1");
    }
}
