package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.Recognition;
import dev.likeness.follower.TopicFollower;
import dev.likeness.matching.recognition.Probe;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Two tenants on one gallery topic: the same identity id in each is two people, a request is answered from its
 * own tenant's gallery only (over Kafka and REST), and deleting a tenant removes its whole gallery, also for a
 * replica started after the broker compacted the topic, while the other tenant is untouched.
 */
@Tag("broker")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class TenantsTest {

    private static final ModelKey MODEL =
            new ModelKey(MatchingApiTest.MODEL.getId(), MatchingApiTest.MODEL.getVersion());

    @Inject
    MatchingConfig config;

    private final SyntheticEmbeddings embeddings = SyntheticEmbeddings.nextSeeded(64);
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String tenantA = "a-" + run;
    private final String tenantB = "b-" + run;
    private final MatchingKafka kafka = new MatchingKafka().readingAnswers();
    private int requests;

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void theSameIdentityIdInTwoTenantsIsTwoPeopleAndNeitherSeesTheOther() {
        float[] adaOfA = embeddings.person();
        float[] adaOfB = embeddings.person();
        MatchResult enrolledA = ask(tenantA, enrol("ada"), adaOfA);
        MatchResult enrolledB = ask(tenantB, enrol("ada"), adaOfB);
        assertThat(enrolledA.getEnrolment().getCreated()).isTrue();
        assertThat(enrolledB.getEnrolment().getCreated())
                .as("B's ada is not A's ada")
                .isTrue();
        assertThat(enrolledA.getTenant()).isEqualTo(tenantA);

        // Each tenant recognises its own ada, and the other's face is a stranger there.
        assertThat(best(ask(tenantA, identify(), embeddings.view(adaOfA, 0.7)))).isEqualTo("ada");
        assertThat(best(ask(tenantB, identify(), embeddings.view(adaOfB, 0.7)))).isEqualTo("ada");
        assertThat(best(ask(tenantA, identify(), embeddings.view(adaOfB, 0.7)))).isEqualTo("unknown");
        assertThat(best(ask(tenantB, identify(), embeddings.view(adaOfA, 0.7)))).isEqualTo("unknown");
        // No candidate of the other tenant either, however far: A's gallery holds one identity, found once.
        assertThat(ask(tenantA, identify(), embeddings.view(adaOfB, 0.7))
                        .getRecognition()
                        .getFaces(0)
                        .getCandidatesList())
                .hasSize(1);

        assertThat(ask(tenantA, verify("ada"), embeddings.view(adaOfA, 0.7))
                        .getVerification()
                        .getSame())
                .isTrue();
        assertThat(ask(tenantA, verify("ada"), embeddings.view(adaOfB, 0.7))
                        .getVerification()
                        .getSame())
                .isFalse();
        assertThat(ask(tenantB, verify("ada"), embeddings.view(adaOfB, 0.7))
                        .getVerification()
                        .getSame())
                .isTrue();
        assertThat(ask("c-" + run, verify("ada"), adaOfA).getError().getCode()).isEqualTo("UNKNOWN_IDENTITY");

        // Per-tenant metrics: A's three recognitions are A's.
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString(
                        "likeness_matching_results_total{outcome=\"recognition\",tenant=\"" + tenantA + "\"} 3.0"));

        // REST within a tenant (no authentication here: the tenant header chooses it).
        given().header("X-Likeness-Tenant", tenantA)
                .get("/api/v1/identities")
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items[0].identityId", equalTo("ada"));
        given().get("/api/v1/identities/ada").then().statusCode(404);
        given().header("X-Likeness-Tenant", "Not A Tenant")
                .get("/api/v1/identities")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_TENANT"));

        // The gallery topic holds both, under tenant-scoped keys.
        try (GalleryTopic gallery = new GalleryTopic(kafka.client(), MatchingKafka.topic("gallery"))) {
            assertThat(gallery.records()).extracting(ConsumerRecord::key).contains(tenantA + "/ada", tenantB + "/ada");
        }
    }

    @Test
    void deletingATenantDeletesItsGalleryAndLeavesTheOtherAfterRestartAndCompaction() throws InterruptedException {
        float[] adaOfA = embeddings.person();
        float[] bobOfA = embeddings.person();
        float[] adaOfB = embeddings.person();
        ask(tenantA, enrol("ada"), adaOfA);
        ask(tenantA, enrol("bob"), bobOfA);
        ask(tenantB, enrol("ada"), adaOfB);
        given().get("/api/v1/tenants")
                .then()
                .statusCode(200)
                .body("find { it.tenant == '" + tenantA + "' }.identities", equalTo(2));

        given().delete("/api/v1/tenants/{tenant}", tenantA)
                .then()
                .statusCode(200)
                .body("identitiesDeleted", equalTo(2));

        assertThat(best(ask(tenantA, identify(), embeddings.view(adaOfA, 0.7)))).isEqualTo("unknown");
        assertThat(best(ask(tenantB, identify(), embeddings.view(adaOfB, 0.7)))).isEqualTo("ada");
        given().get("/api/v1/tenants")
                .then()
                .statusCode(200)
                .body("find { it.tenant == '" + tenantA + "' }", equalTo(null))
                .body("find { it.tenant == '" + tenantB + "' }.identities", equalTo(1));

        String topic = MatchingKafka.topic("gallery");
        try (GalleryTopic gallery = new GalleryTopic(kafka.client(), topic)) {
            try (Replica restarted = new Replica(KafkaBroker.shared().bootstrapServers(), topic, config)
                    .syncedTo(gallery.endOffsets())) {
                assertTenantGoneAndOtherKept(restarted, adaOfA, adaOfB);
            }

            gallery.forceCompaction(records -> records.stream().noneMatch(this::anIdentityOfA));

            assertThat(gallery.records()).noneMatch(this::anIdentityOfA);
            assertThat(gallery.records()).anyMatch(record -> (tenantB + "/ada").equals(record.key()));
            try (Replica afterCompaction = new Replica(KafkaBroker.shared().bootstrapServers(), topic, config)
                    .syncedTo(gallery.endOffsets())) {
                assertTenantGoneAndOtherKept(afterCompaction, adaOfA, adaOfB);
            }
        }
    }

    @Test
    void aRequestNamingNoValidTenantIsDeadLetteredWithTheReason() {
        String requestId = "tenants-" + run + "-bad";
        try (TopicFollower deadLetters = kafka.client().readFromEnd(MatchingKafka.topic("dead-letters"))) {
            kafka.send("faces", requestId, request(requestId, "../" + tenantA, identify(), embeddings.person()));
            MatchResult after = ask(tenantA, identify(), embeddings.person());

            List<ConsumerRecord<String, byte[]>> letters = deadLetters.read(1, Duration.ofSeconds(30));
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).key()).isEqualTo(requestId);
            assertThat(new String(
                            letters.get(0)
                                    .headers()
                                    .lastHeader(CloudEventHeaders.DEAD_LETTER_REASON_CODE)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo("INVALID_TENANT");
            assertThat(after.hasRecognition()).isTrue();
        }
    }

    private void assertTenantGoneAndOtherKept(Replica replica, float[] adaOfA, float[] adaOfB) {
        assertThat(replica.gallery(tenantA).size()).isZero();
        assertThat(best(replica, tenantA, embeddings.view(adaOfA, 0.7))).isEqualTo("unknown");
        assertThat(replica.gallery(tenantB).contains("ada")).isTrue();
        assertThat(best(replica, tenantB, embeddings.view(adaOfB, 0.7))).isEqualTo("ada");
    }

    private boolean anIdentityOfA(ConsumerRecord<String, byte[]> record) {
        return record.key() != null && record.key().startsWith(tenantA + "/") && record.value() != null;
    }

    private MatchResult ask(String tenant, Purpose purpose, float[] face) {
        return kafka.ask(request("tenants-" + run + "-" + requests++, tenant, purpose, face));
    }

    private static FacesEmbedded request(String requestId, String tenant, Purpose purpose, float[] face) {
        return MatchingKafka.request(requestId, MatchingApiTest.MODEL, purpose, List.of(MatchingKafka.face(face)))
                .toBuilder()
                .setTenant(tenant)
                .build();
    }

    private static Purpose enrol(String identityId) {
        return Purpose.newBuilder()
                .setEnrol(Purpose.Enrol.newBuilder().setIdentityId(identityId).setDisplayName(identityId))
                .build();
    }

    private static Purpose identify() {
        return Purpose.newBuilder()
                .setIdentify(Purpose.Identify.newBuilder().setTopK(5))
                .build();
    }

    private static Purpose verify(String identityId) {
        return Purpose.newBuilder()
                .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId(identityId))
                .build();
    }

    /** The best candidate's id, or "unknown". */
    private static String best(MatchResult result) {
        assertThat(result.hasRecognition()).as("%s", result).isTrue();
        return best(result.getRecognition());
    }

    private static String best(Replica replica, String tenant, float[] probe) {
        return best(replica.matcher(tenant).identify(MODEL, List.of(new Probe(0, null, probe)), 5));
    }

    private static String best(Recognition recognition) {
        return recognition.getFaces(0).getUnknown()
                ? "unknown"
                : recognition.getFaces(0).getCandidates(0).getIdentityId();
    }
}
