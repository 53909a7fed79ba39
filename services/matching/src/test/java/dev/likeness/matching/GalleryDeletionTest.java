package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Recognition;
import dev.likeness.matching.recognition.Probe;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Deleting an identity removes it from the answers of this service, of an in-process replica started afterwards
 * (what a restarted service does: materialise the topic from the beginning; GalleryRestartTest restarts the
 * service itself), and still after the broker has
 * compacted the topic (the identity's records are gone; at most its tombstone is left).
 */
@Tag("broker")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class GalleryDeletionTest {

    private static final ModelKey MODEL =
            new ModelKey(MatchingApiTest.MODEL.getId(), MatchingApiTest.MODEL.getVersion());

    @Inject
    MatchingConfig config;

    private final SyntheticEmbeddings embeddings =
            new SyntheticEmbeddings(UUID.randomUUID().hashCode(), 64);
    private final String prefix = "deletion-" + UUID.randomUUID() + "-";

    @Test
    void aDeletedIdentityStaysGoneForANewInProcessReplicaAndAfterCompaction() throws InterruptedException {
        String deleted = prefix + "erin";
        String kept = prefix + "frank";
        float[] erin = embeddings.person();
        float[] frank = embeddings.person();
        enrol(deleted, erin);
        enrol(kept, frank);
        assertThat(identifyOnService(embeddings.view(erin, 0.7))).isEqualTo(deleted);

        given().delete("/api/v1/identities/{id}", deleted).then().statusCode(204);

        float[] erinAgain = embeddings.view(erin, 0.7);
        assertThat(identifyOnService(erinAgain)).isNotEqualTo(deleted);
        String topic = MatchingKafka.topic("gallery");
        try (MatchingKafka kafka = new MatchingKafka();
                GalleryTopic gallery = new GalleryTopic(kafka.client(), topic)) {
            try (Replica restarted = new Replica(KafkaBroker.shared().bootstrapServers(), topic, config)
                    .syncedTo(gallery.endOffsets())) {
                assertGone(restarted, deleted, erinAgain);
                assertThat(best(restarted, embeddings.view(frank, 0.7))).isEqualTo(kept);
            }

            gallery.forceCompaction(records -> records.stream().noneMatch(record -> isIdentity(record, deleted)));

            List<ConsumerRecord<String, byte[]>> left = gallery.records();
            assertThat(left).noneMatch(record -> isIdentity(record, deleted));
            assertThat(left).anyMatch(record -> isIdentity(record, kept));
            try (Replica afterCompaction = new Replica(KafkaBroker.shared().bootstrapServers(), topic, config)
                    .syncedTo(gallery.endOffsets())) {
                assertGone(afterCompaction, deleted, erinAgain);
                assertThat(best(afterCompaction, embeddings.view(frank, 0.7))).isEqualTo(kept);
            }
        }
        assertThat(identifyOnService(erinAgain)).isNotEqualTo(deleted);
        given().get("/api/v1/identities/{id}", deleted).then().statusCode(404);
    }

    private void enrol(String id, float[] face) {
        given().contentType(ContentType.JSON)
                .body(Map.of("displayName", id, "model", MatchingApiTest.model(), "embedding", face))
                .post("/api/v1/identities/{id}/embeddings", id)
                .then()
                .statusCode(201)
                .body("created", equalTo(true));
    }

    /** The service's best candidate, or "unknown". */
    private static String identifyOnService(float[] probe) {
        var answer = given().contentType(ContentType.JSON)
                .body(Map.of("model", MatchingApiTest.model(), "embedding", probe))
                .post("/api/v1/identify")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        return answer.getBoolean("faces[0].unknown")
                ? "unknown"
                : answer.getString("faces[0].candidates[0].identityId");
    }

    private static String best(Replica replica, float[] probe) {
        Recognition recognition = replica.matcher().identify(MODEL, List.of(new Probe(0, null, probe)), 5);
        return recognition.getFaces(0).getUnknown()
                ? "unknown"
                : recognition.getFaces(0).getCandidates(0).getIdentityId();
    }

    private static void assertGone(Replica replica, String id, float[] probe) {
        assertThat(replica.gallery().contains(id)).isFalse();
        Recognition recognition = replica.matcher().identify(MODEL, List.of(new Probe(0, null, probe)), 100);
        assertThat(recognition.getFaces(0).getCandidatesList())
                .noneMatch(c -> c.getIdentityId().equals(id));
    }

    private static boolean isIdentity(ConsumerRecord<String, byte[]> record, String id) {
        return id.equals(record.key()) && record.value() != null;
    }
}
