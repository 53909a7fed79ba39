package dev.likeness.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.calibration.DistanceLogistic;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Identity;
import dev.likeness.matching.calibration.Calibrations;
import dev.likeness.matching.gallery.GallerySnapshots;
import dev.likeness.matching.gallery.IdentityUpdates;
import dev.likeness.matching.in.GalleryFollower;
import dev.likeness.matching.search.SearchSettings;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaTestClient;

/**
 * A replica restarted from a gallery snapshot answers as one that read the whole topic: after the snapshot,
 * identities are enrolled, some deleted again, older ones deleted, renamed and given another face, and both
 * replicas (HNSW graphs in use) list the same gallery, hold the same records and give the same candidates,
 * distances and probabilities. The restarted one applies only the records written after its snapshot.
 */
@Tag("broker")
class GallerySnapshotRestartTest {

    private static final ModelKey MODEL = new ModelKey("synthetic-snapshot-model", "1");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** HNSW from 100 rows on, so that the snapshot carries a graph and the restarted replica extends it. */
    private static final SearchSettings SEARCH = new SearchSettings(2, 32_768, 100, 16, 100, 100, 0.25);

    private static final Calibrations CALIBRATIONS = new Calibrations(
            List.of(new Calibrations.Defaults(MODEL.id(), Optional.empty(), 1.2f, new DistanceLogistic(6.0, -5.0))),
            List.of());

    private final SyntheticEmbeddings embeddings = SyntheticEmbeddings.nextSeeded(64);
    private final String topic = "likeness.gallery.snapshot-test-" + UUID.randomUUID();

    @Test
    void aReplicaRestartedFromTheSnapshotAnswersAsAFreshOne(@TempDir Path snapshots) throws InterruptedException {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        GalleryFollower.Snapshotting snapshotting = new GalleryFollower.Snapshotting(
                new GallerySnapshots(snapshots, Duration.ofHours(1)), Duration.ofHours(1));
        List<float[]> people = new ArrayList<>();
        try (KafkaTestClient kafka = KafkaBroker.shared().client();
                GalleryTopic gallery = compactedGallery(kafka)) {
            for (int i = 0; i < 240; i++) {
                enrol(kafka, people, i);
            }
            Map<Integer, Long> beforeSnapshot = gallery.endOffsets();
            try (Replica first = new Replica(bootstrap, topic, SEARCH, CALIBRATIONS, snapshotting)) {
                first.syncedTo(beforeSnapshot);
                assertThat(first.gallery().stats().approximate()).isTrue();
                // Written once the gallery is materialised.
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Files.exists(snapshots.resolve(topic + ".snapshot")));
            }

            long recordsAfterSnapshot = 0;
            for (int i = 240; i < 300; i++) {
                enrol(kafka, people, i);
                recordsAfterSnapshot++;
            }
            for (int i = 0; i < 240; i += 12) {
                kafka.send(new ProducerRecord<>(topic, id(i), null));
                recordsAfterSnapshot++;
            }
            for (int i = 245; i < 300; i += 10) {
                kafka.send(new ProducerRecord<>(topic, id(i), null));
                recordsAfterSnapshot++;
            }
            Identity renamed = record(people, 5, "Person 5");
            kafka.send(
                    topic,
                    id(5),
                    IdentityUpdates.rename(renamed, "Renamed", T0.plusSeconds(60))
                            .toByteArray());
            Identity twoFaces = IdentityUpdates.enrol(
                    record(people, 7, "Person 7"),
                    id(7),
                    "Person 7",
                    MODEL,
                    embeddings.view(people.get(7), 0.8),
                    "second-7",
                    T0.plusSeconds(90),
                    5);
            kafka.send(topic, id(7), twoFaces.toByteArray());
            recordsAfterSnapshot += 2;

            Map<Integer, Long> ends = gallery.endOffsets();
            try (Replica restarted = new Replica(bootstrap, topic, SEARCH, CALIBRATIONS, snapshotting).syncedTo(ends);
                    Replica fresh = new Replica(bootstrap, topic, SEARCH, CALIBRATIONS, null).syncedTo(ends)) {
                assertThat(restarted.follower().progress().recordsApplied()).isEqualTo(recordsAfterSnapshot);
                assertThat(fresh.follower().progress().recordsApplied()).isEqualTo(240 + recordsAfterSnapshot);
                // Heap estimates aside (arrays sized by growth differ): the same identities and embeddings.
                assertThat(restarted.gallery().stats())
                        .usingRecursiveComparison()
                        .ignoringFields("indexBytes")
                        .isEqualTo(fresh.gallery().stats());
                assertThat(restarted.gallery().stats().approximate()).isTrue();
                assertThat(restarted.gallery().list(0, Integer.MAX_VALUE))
                        .isEqualTo(fresh.gallery().list(0, Integer.MAX_VALUE))
                        .hasSize(300 - 20 - 6);
                assertThat(restarted.gallery().get(id(5)).orElseThrow().displayName())
                        .isEqualTo("Renamed");
                for (int i = 0; i < people.size(); i++) {
                    assertThat(restarted.gallery().record(id(i)))
                            .isEqualTo(fresh.gallery().record(id(i)));
                }
                List<float[]> probes = new ArrayList<>();
                people.forEach(person -> probes.add(embeddings.view(person, 0.7)));
                for (int i = 0; i < 20; i++) {
                    probes.add(embeddings.person());
                }
                for (float[] probe : probes) {
                    assertThat(restarted.answer(MODEL, probe)).isEqualTo(fresh.answer(MODEL, probe));
                }
                // The deleted are gone from the restarted replica's answers, whether enrolled before the snapshot or
                // after.
                assertThat(restarted.answer(MODEL, people.get(12)))
                        .noneMatch(candidate -> candidate.startsWith(id(12) + ":"));
                assertThat(restarted.answer(MODEL, people.get(255)))
                        .noneMatch(candidate -> candidate.startsWith(id(255) + ":"));
                assertThat(restarted.answer(MODEL, people.get(290)).get(1)).startsWith(id(290) + ":");
            }
        }
    }

    /**
     * With no records for longer than the snapshot's maximum age (a night without enrolments), the snapshot is
     * rewritten before it grows too old, so a replica started then still restores it instead of reading the topic.
     */
    @Test
    void aQuietGalleryKeepsASnapshotYoungEnoughToRestore(@TempDir Path snapshots) throws InterruptedException {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        Duration maxAge = Duration.ofSeconds(10);
        GalleryFollower.Snapshotting snapshotting =
                new GalleryFollower.Snapshotting(new GallerySnapshots(snapshots, maxAge), Duration.ofHours(1));
        List<float[]> people = new ArrayList<>();
        try (KafkaTestClient kafka = KafkaBroker.shared().client();
                GalleryTopic gallery = compactedGallery(kafka)) {
            for (int i = 0; i < 10; i++) {
                enrol(kafka, people, i);
            }
            Map<Integer, Long> ends = gallery.endOffsets();
            try (Replica quiet = new Replica(bootstrap, topic, SEARCH, CALIBRATIONS, snapshotting).syncedTo(ends)) {
                Path snapshot = snapshots.resolve(topic + ".snapshot");
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(snapshot));
                // No record comes while the replica runs past the first snapshot's maximum age.
                Thread.sleep(maxAge.plusSeconds(2).toMillis());
            }
            try (Replica restarted = new Replica(bootstrap, topic, SEARCH, CALIBRATIONS, snapshotting).syncedTo(ends)) {
                assertThat(restarted.follower().progress().recordsApplied())
                        .as("restored from the snapshot, no record read again")
                        .isZero();
                assertThat(restarted.gallery().list(0, Integer.MAX_VALUE)).hasSize(10);
            }
        }
    }

    /** The test's gallery topic, compacted as the service's, with three partitions. */
    private GalleryTopic compactedGallery(KafkaTestClient kafka) {
        kafka.createTopics(new NewTopic(topic, 3, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        return new GalleryTopic(kafka, topic);
    }

    private void enrol(KafkaTestClient kafka, List<float[]> people, int i) {
        people.add(embeddings.person());
        kafka.send(topic, id(i), record(people, i, "Person " + i).toByteArray());
    }

    private static Identity record(List<float[]> people, int i, String name) {
        return IdentityUpdates.enrol(null, id(i), name, MODEL, people.get(i), "request-" + i, T0, 5);
    }

    private static String id(int i) {
        return "person-" + i;
    }
}
