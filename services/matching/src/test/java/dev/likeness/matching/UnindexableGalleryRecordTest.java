package dev.likeness.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.matching.calibration.Calibrations;
import dev.likeness.matching.gallery.IdentityUpdates;
import dev.likeness.matching.search.SearchSettings;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaTestClient;

/**
 * A gallery record that got onto the topic past the service's checks, with an embedding longer than one block
 * of a vector index holds, is applied without that embedding, and the follower goes on with the next record.
 * Before, building the index threw and ended the follower, on every replica and at every start.
 */
@Tag("broker")
class UnindexableGalleryRecordTest {

    private static final ModelKey NEW_MODEL = new ModelKey("synthetic-huge-model", "1");
    private static final ModelKey MODEL = new ModelKey("synthetic-test-model", "1");
    /** One float more than a block of an EmbeddingMatrix holds (2^21 - 16): an 8.4 MB record. */
    private static final int UNINDEXABLE_DIMENSION = (1 << 21) - 15;

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final String topic = "likeness.gallery.unindexable-test-" + UUID.randomUUID();

    @Test
    void theUnindexableEmbeddingIsSkippedAndTheNextRecordApplied() throws InterruptedException {
        float[] huge = new SyntheticEmbeddings(1, UNINDEXABLE_DIMENSION).person();
        float[] next = new SyntheticEmbeddings(2, 64).person();
        try (KafkaTestClient kafka = KafkaBroker.shared().client();
                GalleryTopic gallery = new GalleryTopic(kafka, topic)) {
            kafka.createTopics(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            kafka.send(
                    topic,
                    "huge",
                    IdentityUpdates.enrol(null, "huge", "Huge", NEW_MODEL, huge, "r1", T0, 5)
                            .toByteArray());
            kafka.send(
                    topic,
                    "next",
                    IdentityUpdates.enrol(null, "next", "Next", MODEL, next, "r2", T0, 5)
                            .toByteArray());

            try (Replica replica = new Replica(
                    kafka.bootstrapServers(),
                    topic,
                    SearchSettings.exactOnly(1),
                    new Calibrations(List.of(), List.of()),
                    null)) {
                replica.syncedTo(gallery.endOffsets());

                assertThat(replica.follower().failure()).isNull();
                assertThat(replica.gallery().models()).containsExactly(MODEL);
                assertThat(replica.gallery().get("huge").orElseThrow().embeddings())
                        .isEmpty();
                assertThat(replica.gallery()
                                .identify(MODEL, new float[][] {next}, 1)
                                .get(0)
                                .get(0)
                                .identityId())
                        .isEqualTo("next");
            }
        }
    }
}
