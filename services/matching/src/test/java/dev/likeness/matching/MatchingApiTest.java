package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.ModelRef;
import dev.likeness.events.v1.Purpose;
import dev.likeness.follower.TopicFollower;
import dev.likeness.matching.gallery.DisplayNames;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The service end to end on a real broker, with synthetic embeddings: Kafka requests, REST API, guards. */
@Tag("broker")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class MatchingApiTest {

    static final ModelRef MODEL =
            ModelRef.newBuilder().setId("synthetic-test-model").setVersion("1").build();

    private static MatchingKafka kafka;
    private final SyntheticEmbeddings embeddings = SyntheticEmbeddings.nextSeeded(64);
    private final String prefix = "api-test-" + UUID.randomUUID() + "-";

    @BeforeAll
    static void connect() {
        kafka = new MatchingKafka().readingAnswers();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @Test
    void enrolIdentifyAndVerifyOverKafka() {
        float[] alice = embeddings.person();
        String id = prefix + "alice";

        MatchResult enrolled = kafka.ask(MatchingKafka.request(
                prefix + "r1",
                MODEL,
                enrol(id, "Alice"),
                List.of(MatchingKafka.face(alice), MatchingKafka.face(embeddings.person()))));
        MatchResult identified = kafka.ask(MatchingKafka.request(
                prefix + "r2",
                MODEL,
                identify(3),
                List.of(MatchingKafka.face(embeddings.view(alice, 0.7)), MatchingKafka.face(embeddings.person()))));
        MatchResult verified = kafka.ask(MatchingKafka.request(
                prefix + "r3",
                MODEL,
                Purpose.newBuilder()
                        .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId(id))
                        .build(),
                List.of(MatchingKafka.face(embeddings.view(alice, 0.7)))));

        assertThat(enrolled.getEnrolment().getCreated()).isTrue();
        assertThat(enrolled.getEnrolment().getEmbeddingCount()).isEqualTo(1);
        assertThat(enrolled.getAttributesMap()).containsEntry("test", prefix + "r1");
        assertThat(identified.getRecognition().getFaces(0).getUnknown()).isFalse();
        assertThat(identified.getRecognition().getFaces(0).getCandidates(0).getIdentityId())
                .isEqualTo(id);
        assertThat(identified.getRecognition().getFaces(0).getCandidates(0).getDisplayName())
                .isEqualTo("Alice");
        assertThat(identified.getRecognition().getFaces(1).getUnknown()).isTrue();
        assertThat(identified.getRecognition().getThreshold()).isEqualTo(1.2f);
        assertThat(verified.getVerification().getSame()).isTrue();
        assertThat(verified.getModel()).isEqualTo(MODEL);
    }

    /** Probes 0.02 either side of the service's configured tau: the decision turns exactly there. */
    @Test
    void decisionsTurnAtTheConfiguredTau() {
        float tau = ConfigProvider.getConfig()
                .getValue("likeness.matching.models.\"" + MODEL.getId() + "\".threshold", Float.class);
        float[] alice = embeddings.person();
        String id = prefix + "alice";
        // Squared Euclidean distance between unit vectors: 2 - 2 cos.
        float[] inside = embeddings.view(alice, 1 - (tau - 0.02) / 2);
        float[] outside = embeddings.view(alice, 1 - (tau + 0.02) / 2);

        kafka.ask(
                MatchingKafka.request(prefix + "enrol", MODEL, enrol(id, "Alice"), List.of(MatchingKafka.face(alice))));
        MatchResult identified = kafka.ask(MatchingKafka.request(
                prefix + "identify",
                MODEL,
                identify(1),
                List.of(MatchingKafka.face(inside), MatchingKafka.face(outside))));
        Purpose verify = Purpose.newBuilder()
                .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId(id))
                .build();
        MatchResult verifiedInside = kafka.ask(
                MatchingKafka.request(prefix + "verify-inside", MODEL, verify, List.of(MatchingKafka.face(inside))));
        MatchResult verifiedOutside = kafka.ask(
                MatchingKafka.request(prefix + "verify-outside", MODEL, verify, List.of(MatchingKafka.face(outside))));

        assertThat(identified.getRecognition().getThreshold()).isEqualTo(tau);
        assertThat(identified.getRecognition().getFaces(0).getCandidates(0).getDistance())
                .isCloseTo(tau - 0.02f, within(1e-4f));
        assertThat(identified.getRecognition().getFaces(0).getUnknown())
                .as("at tau - 0.02")
                .isFalse();
        assertThat(identified.getRecognition().getFaces(1).getCandidates(0).getDistance())
                .isCloseTo(tau + 0.02f, within(1e-4f));
        assertThat(identified.getRecognition().getFaces(1).getUnknown())
                .as("at tau + 0.02")
                .isTrue();
        assertThat(verifiedInside.getVerification().getSame())
                .as("verified at tau - 0.02")
                .isTrue();
        assertThat(verifiedOutside.getVerification().getSame())
                .as("verified at tau + 0.02")
                .isFalse();
    }

    @Test
    void aRedeliveredEnrolmentIsStoredOnce() {
        String id = prefix + "bob";
        FacesEmbedded request = MatchingKafka.request(
                prefix + "twice", MODEL, enrol(id, "Bob"), List.of(MatchingKafka.face(embeddings.person())));

        MatchResult first = kafka.ask(request);
        kafka.send("faces", request.getRequestId(), request);
        MatchResult again = kafka.ask(MatchingKafka.request(
                prefix + "after", MODEL, enrol(id, ""), List.of(MatchingKafka.face(embeddings.person()))));

        assertThat(first.getEnrolment().getCreated()).isTrue();
        assertThat(again.getEnrolment().getCreated()).isFalse();
        assertThat(again.getEnrolment().getEmbeddingCount()).isEqualTo(2);
        assertThat(again.getEnrolment().getDisplayName()).isEqualTo("Bob");
    }

    @Test
    void unservableRequestsGetAnErrorResult() {
        float[] face = embeddings.person();
        ModelRef otherModel = ModelRef.newBuilder()
                .setId("synthetic-test-model")
                .setVersion("2")
                .build();
        String id = prefix + "carol";
        kafka.ask(MatchingKafka.request(prefix + "e1", MODEL, enrol(id, "Carol"), List.of(MatchingKafka.face(face))));

        MatchResult unknownIdentity = kafka.ask(MatchingKafka.request(
                prefix + "e2",
                MODEL,
                Purpose.newBuilder()
                        .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId(prefix + "nobody"))
                        .build(),
                List.of(MatchingKafka.face(face))));
        MatchResult otherModelVerify = kafka.ask(MatchingKafka.request(
                prefix + "e3",
                otherModel,
                Purpose.newBuilder()
                        .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId(id))
                        .build(),
                List.of(MatchingKafka.face(face))));
        MatchResult noFace = kafka.ask(MatchingKafka.request(prefix + "e4", MODEL, enrol(id, ""), List.of()));

        assertThat(unknownIdentity.getError().getCode()).isEqualTo("UNKNOWN_IDENTITY");
        assertThat(unknownIdentity.getError().getMessage()).contains(prefix + "nobody");
        assertThat(otherModelVerify.getError().getCode()).isEqualTo("MODEL_MISMATCH");
        assertThat(noFace.getError().getCode()).isEqualTo("NO_FACE");
    }

    @Test
    void badInputIsDeadLetteredAndTheConsumerGoesOn() {
        try (TopicFollower deadLetters = kafka.client().readFromEnd(MatchingKafka.topic("dead-letters"))) {
            kafka.sendRaw("faces", prefix + "garbage", "not protobuf".getBytes(StandardCharsets.UTF_8));
            kafka.send(
                    "faces",
                    prefix + "no-purpose",
                    FacesEmbedded.newBuilder()
                            .setRequestId(prefix + "no-purpose")
                            .setEmbeddingModel(MODEL)
                            .build());
            MatchResult after = kafka.ask(MatchingKafka.request(
                    prefix + "ok", MODEL, identify(1), List.of(MatchingKafka.face(embeddings.person()))));

            List<ConsumerRecord<String, byte[]>> letters = deadLetters.read(2, Duration.ofSeconds(30));
            // Different keys land on different partitions: no order between them.
            assertThat(letters)
                    .extracting(letter -> letter.key() + " "
                            + new String(
                                    letter.headers()
                                            .lastHeader(CloudEventHeaders.DEAD_LETTER_REASON_CODE)
                                            .value(),
                                    StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder(
                            prefix + "garbage MALFORMED_EVENT", prefix + "no-purpose UNKNOWN_PURPOSE");
            assertThat(after.hasRecognition()).isTrue();
        }
    }

    @Test
    void restEnrolListGetRenameAndDelete() {
        float[] dave = embeddings.person();
        String id = prefix + "dave";

        given().contentType(ContentType.JSON)
                .body(Map.of("displayName", "Dave", "model", model(), "embedding", dave))
                .post("/api/v1/identities/{id}/embeddings", id)
                .then()
                .statusCode(201)
                .body("created", equalTo(true))
                .body("embeddingCount", equalTo(1));
        given().contentType(ContentType.JSON)
                .body(Map.of("model", model(), "embedding", embeddings.view(dave, 0.8)))
                .post("/api/v1/identities/{id}/embeddings", id)
                .then()
                .statusCode(200)
                .body("created", equalTo(false))
                .body("embeddingCount", equalTo(2));
        given().get("/api/v1/identities?limit=1000").then().statusCode(200).body("items.identityId", hasItem(id));
        given().contentType(ContentType.JSON)
                .body(Map.of("displayName", "David"))
                .patch("/api/v1/identities/{id}", id)
                .then()
                .statusCode(200)
                .body("displayName", equalTo("David"));
        given().get("/api/v1/identities/{id}", id)
                .then()
                .statusCode(200)
                .body("displayName", equalTo("David"))
                .body("embeddings.size()", equalTo(2))
                .body("embeddings[0].model.id", equalTo("synthetic-test-model"));
        given().contentType(ContentType.JSON)
                .body(Map.of("model", model(), "embedding", embeddings.view(dave, 0.7)))
                .post("/api/v1/identify")
                .then()
                .statusCode(200)
                .body("faces[0].unknown", equalTo(false))
                .body("faces[0].candidates[0].identityId", equalTo(id))
                .body("faces[0].candidates[0].displayName", equalTo("David"));
        given().contentType(ContentType.JSON)
                .body(Map.of("model", model(), "embedding", embeddings.view(dave, 0.7), "claimedIdentityId", id))
                .post("/api/v1/verify")
                .then()
                .statusCode(200)
                .body("same", equalTo(true))
                .body("threshold", equalTo(1.2f))
                .body("probability", notNullValue());

        given().delete("/api/v1/identities/{id}", id).then().statusCode(204);

        given().get("/api/v1/identities/{id}", id)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("UNKNOWN_IDENTITY"));
        given().contentType(ContentType.JSON)
                .body(Map.of("model", model(), "embedding", dave))
                .post("/api/v1/identify")
                .then()
                .statusCode(200)
                .body("faces[0].candidates.identityId", not(hasItem(id)));
    }

    /** Every candidate repeats the name, so an unbounded one could make a result too large to send. */
    @Test
    void displayNamesOverTheMaximumAreRefused() {
        String id = prefix + "long-name";
        String longest = "n".repeat(DisplayNames.MAX_LENGTH);

        given().contentType(ContentType.JSON)
                .body(Map.of("displayName", longest + "n", "model", model(), "embedding", embeddings.person()))
                .post("/api/v1/identities/{id}/embeddings", id)
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"))
                .body("detail", containsString("longer than " + DisplayNames.MAX_LENGTH));
        given().contentType(ContentType.JSON)
                .body(Map.of("displayName", longest, "model", model(), "embedding", embeddings.person()))
                .post("/api/v1/identities/{id}/embeddings", id)
                .then()
                .statusCode(201)
                .body("displayName", equalTo(longest));
        given().contentType(ContentType.JSON)
                .body(Map.of("displayName", longest + "n"))
                .patch("/api/v1/identities/{id}", id)
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"));
        given().get("/api/v1/identities/{id}", id).then().statusCode(200).body("displayName", equalTo(longest));
    }

    @Test
    void errorsAreProblemDocuments() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        given().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .delete("/api/v1/identities/{id}", prefix + "nobody")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("type", equalTo("urn:likeness:problem:unknown-identity"))
                .body("detail", containsString("nobody"))
                // The caller's trace goes on in the service, and the problem names it.
                .body("traceId", equalTo(traceId));
        given().contentType(ContentType.JSON)
                .body(Map.of("model", Map.of("id", "never-calibrated"), "embedding", embeddings.person()))
                .post("/api/v1/identify")
                .then()
                .statusCode(422)
                .body("code", equalTo("UNCALIBRATED_MODEL"));
        given().contentType(ContentType.JSON)
                .body(Map.of("model", model(), "embedding", new float[] {1, 2}))
                .post("/api/v1/identify")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_EMBEDDING"));
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "model",
                        Map.of("id", "never-enrolled-model", "version", "1"),
                        "embedding",
                        new SyntheticEmbeddings(1, Gallery.MAX_EMBEDDING_DIMENSION + 1).person()))
                .post("/api/v1/identities/{id}/embeddings", prefix + "too-long")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_EMBEDDING"))
                .body("detail", containsString("more than the maximum of " + Gallery.MAX_EMBEDDING_DIMENSION));
        given().contentType(ContentType.JSON)
                .body("{not json")
                .post("/api/v1/identify")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void servesItsOpenApiDocumentAndReportsReady() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths", hasKey("/api/v1/identify"))
                .body("paths", hasKey("/api/v1/identities/{identityId}/images"));
        GalleryRestartTest.awaitReady();
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'gallery' }.status", equalTo("UP"));
    }

    static Map<String, String> model() {
        return Map.of("id", MODEL.getId(), "version", MODEL.getVersion());
    }

    static Purpose enrol(String id, String name) {
        return Purpose.newBuilder()
                .setEnrol(Purpose.Enrol.newBuilder().setIdentityId(id).setDisplayName(name))
                .build();
    }

    static Purpose identify(int topK) {
        return Purpose.newBuilder()
                .setIdentify(Purpose.Identify.newBuilder().setTopK(topK))
                .build();
    }
}
