package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Identity;
import dev.likeness.matching.gallery.IdentityUpdates;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A service that starts on a gallery topic where an identity was enrolled, deleted, and compacted away
 * materialises the gallery without it: the deletion survives restarts and compaction.
 */
@Tag("broker")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(GalleryRestartTest.CompactedGalleryWithADeletion.class)
class GalleryRestartTest {

    /** Both the seeding (before the service starts) and the test make the same faces from this seed. */
    private static final long FACES_SEED = 4242;

    private static final String DELETED = "restart-deleted";
    private static final String KEPT = "restart-kept";

    @Test
    void theRestartedServiceNeverSeesTheDeletedIdentity() {
        SyntheticEmbeddings faces = new SyntheticEmbeddings(FACES_SEED, 64);
        float[] deleted = faces.person();
        float[] kept = faces.person();

        awaitReady();
        given().get("/api/v1/identities/{id}", DELETED).then().statusCode(404);
        given().get("/api/v1/identities?limit=1000")
                .then()
                .statusCode(200)
                .body("items.identityId", hasItem(KEPT))
                .body("items.identityId", not(hasItem(DELETED)));
        given().contentType(ContentType.JSON)
                .body(Map.of("model", MatchingApiTest.model(), "embedding", deleted))
                .post("/api/v1/identify")
                .then()
                .statusCode(200)
                .body("faces[0].unknown", equalTo(true))
                .body("faces[0].candidates.identityId", not(hasItem(DELETED)));
        given().contentType(ContentType.JSON)
                .body(Map.of("model", MatchingApiTest.model(), "embedding", kept))
                .post("/api/v1/identify")
                .then()
                .statusCode(200)
                .body("faces[0].unknown", equalTo(false))
                .body("faces[0].candidates[0].identityId", equalTo(KEPT));
    }

    static void awaitReady() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> given().get("/q/health/ready").then().extract().statusCode() == 200);
    }

    /**
     * Before the service starts: a fresh compacted gallery topic with two enrolments and a tombstone, written
     * as the service writes them, then compacted by the broker until the deleted identity's records are gone.
     */
    public static class CompactedGalleryWithADeletion implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            String topic = "likeness.gallery.restart-test-" + UUID.randomUUID();
            ModelKey model = new ModelKey(MatchingApiTest.MODEL.getId(), MatchingApiTest.MODEL.getVersion());
            SyntheticEmbeddings faces = new SyntheticEmbeddings(FACES_SEED, 64);
            Identity deleted =
                    IdentityUpdates.enrol(null, DELETED, "Deleted", model, faces.person(), "seed-1", Instant.now(), 5);
            Identity kept =
                    IdentityUpdates.enrol(null, KEPT, "Kept", model, faces.person(), "seed-2", Instant.now(), 5);
            try (KafkaTestClient kafka = KafkaBroker.shared().client();
                    GalleryTopic gallery = new GalleryTopic(kafka, topic)) {
                kafka.createTopics(new NewTopic(topic, 3, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
                kafka.send(topic, DELETED, deleted.toByteArray());
                kafka.send(topic, KEPT, kept.toByteArray());
                kafka.send(new ProducerRecord<>(topic, DELETED, null));
                gallery.forceCompaction(records ->
                        records.stream().noneMatch(record -> DELETED.equals(record.key()) && record.value() != null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return Map.of("likeness.topics.gallery", topic);
        }

        @Override
        public void stop() {
            // The topic stays with the test broker, which goes when the JVM does.
        }
    }
}
