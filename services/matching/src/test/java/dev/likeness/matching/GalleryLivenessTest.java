package dev.likeness.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import dev.likeness.local.kafka.FreePorts;
import dev.likeness.matching.gallery.TenantGalleries;
import dev.likeness.matching.in.GalleryFollower;
import dev.likeness.matching.search.SearchSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A gallery follower that stopped on an error makes the replica not live, so that Kubernetes restarts it. */
class GalleryLivenessTest {

    @Test
    void aFollowerThatCannotReachTheBrokerAtStartupIsDown() throws IOException {
        ForkJoinPool pool = new ForkJoinPool(1);
        // Nothing listens there: positioning on the topic times out (after 1 s instead of the default 60 s).
        Map<String, Object> unreachable = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "localhost:" + FreePorts.find(),
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                1000);
        try (GalleryFollower follower = new GalleryFollower(
                unreachable,
                new SimpleMeterRegistry(),
                "likeness.gallery.liveness-test",
                new TenantGalleries(SearchSettings.exactOnly(1), pool),
                null)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> follower.failure() != null);

            HealthCheckResponse liveness = GalleryLiveness.of(follower);

            assertThat(liveness.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(liveness.getName()).isEqualTo("gallery-follower");
            assertThat(liveness.getData().orElseThrow())
                    .containsEntry("topic", "likeness.gallery.liveness-test")
                    .containsKey("error");
        } finally {
            pool.shutdown();
        }
    }
}
