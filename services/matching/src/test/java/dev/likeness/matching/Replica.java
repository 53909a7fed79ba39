package dev.likeness.matching;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import dev.likeness.core.events.Tenants;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.gallery.TenantGalleries;
import dev.likeness.matching.in.GalleryFollower;
import dev.likeness.matching.recognition.Matcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Another matching replica in the test JVM: the same follower, gallery and decision classes the service
 * wires together, reading the same gallery topic. A second Quarkus application cannot run in one JVM; a
 * replica is exactly this state, so this is what two replicas answering alike means.
 */
final class Replica implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ForkJoinPool pool;
    private final TenantGalleries galleries;
    private final GalleryFollower follower;
    private final MatchingConfig config;

    Replica(String bootstrapServers, String topic, MatchingConfig config) {
        pool = new ForkJoinPool(2);
        this.config = config;
        galleries = new TenantGalleries(GalleryService.searchSettings(config), pool);
        follower = new GalleryFollower(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new SimpleMeterRegistry(),
                topic,
                galleries);
    }

    /** The default tenant's gallery. */
    Gallery gallery() {
        return gallery(Tenants.DEFAULT);
    }

    Gallery gallery(String tenant) {
        return galleries.of(tenant);
    }

    /** The decision rules on the default tenant's gallery. */
    Matcher matcher() {
        return matcher(Tenants.DEFAULT);
    }

    Matcher matcher(String tenant) {
        return new Matcher(galleries.of(tenant), GalleryService.calibrations(config));
    }

    /** Waits until the replica has materialised the gallery and applied every record up to {@code ends}. */
    Replica syncedTo(Map<Integer, Long> ends) throws InterruptedException {
        if (!follower.awaitCaughtUp(TIMEOUT)) {
            throw new AssertionError("replica did not catch up: " + follower.progress(), follower.failure());
        }
        for (Map.Entry<Integer, Long> end : ends.entrySet()) {
            if (end.getValue() > 0 && !follower.awaitApplied(end.getKey(), end.getValue() - 1, TIMEOUT)) {
                throw new AssertionError("replica did not reach offset " + end, follower.failure());
            }
        }
        return this;
    }

    @Override
    public void close() {
        follower.close();
        pool.shutdownNow();
    }
}
