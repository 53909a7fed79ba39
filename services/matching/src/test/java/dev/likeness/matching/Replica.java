package dev.likeness.matching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.events.Tenants;
import dev.likeness.events.v1.Candidate;
import dev.likeness.events.v1.Recognition;
import dev.likeness.matching.calibration.Calibrations;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.gallery.TenantGalleries;
import dev.likeness.matching.in.GalleryFollower;
import dev.likeness.matching.recognition.Matcher;
import dev.likeness.matching.recognition.Probe;
import dev.likeness.matching.search.SearchSettings;
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
    private final Calibrations calibrations;

    /** A replica without snapshots: it reads the whole topic. */
    Replica(String bootstrapServers, String topic, MatchingConfig config) {
        this(bootstrapServers, topic, config, null);
    }

    Replica(String bootstrapServers, String topic, MatchingConfig config, GalleryFollower.Snapshotting snapshotting) {
        this(
                bootstrapServers,
                topic,
                GalleryService.searchSettings(config),
                GalleryService.calibrations(config),
                snapshotting);
    }

    /** A replica that restores and writes snapshots as the service does ({@code snapshotting} null: none). */
    Replica(
            String bootstrapServers,
            String topic,
            SearchSettings settings,
            Calibrations calibrations,
            GalleryFollower.Snapshotting snapshotting) {
        pool = new ForkJoinPool(2);
        this.calibrations = calibrations;
        galleries = new TenantGalleries(settings, pool);
        follower = new GalleryFollower(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new SimpleMeterRegistry(),
                topic,
                galleries,
                snapshotting);
    }

    /** The default tenant's gallery. */
    Gallery gallery() {
        return gallery(Tenants.DEFAULT);
    }

    GalleryFollower follower() {
        return follower;
    }

    Gallery gallery(String tenant) {
        return galleries.of(tenant);
    }

    /** The decision rules on the default tenant's gallery. */
    Matcher matcher() {
        return matcher(Tenants.DEFAULT);
    }

    Matcher matcher(String tenant) {
        return new Matcher(galleries.of(tenant), calibrations);
    }

    /** The default tenant's recognition of one probe: "unknown" or "known", then id:distance:probability of each candidate. */
    List<String> answer(ModelKey model, float[] probe) {
        Recognition recognition = matcher().identify(model, List.of(new Probe(0, null, probe)), 5);
        List<String> answer = new ArrayList<>();
        answer.add(recognition.getFaces(0).getUnknown() ? "unknown" : "known");
        for (Candidate candidate : recognition.getFaces(0).getCandidatesList()) {
            answer.add(candidate.getIdentityId() + ":" + candidate.getDistance() + ":" + candidate.getProbability());
        }
        return answer;
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
