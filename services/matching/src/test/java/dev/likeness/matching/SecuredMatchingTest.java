package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.follower.TopicFollower;
import dev.likeness.local.kafka.TenantManifests;
import dev.likeness.testing.KafkaTestClient;
import dev.likeness.testing.SecuredKafkaBroker;
import dev.likeness.testing.SecuredKafkaBrokerResource;
import dev.likeness.testing.TokenIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Matching as it runs in a cluster: Kafka over SASL_SSL as its own least-privilege user (consumer group, gallery
 * follower, REST replies, the topic check and, in exactly-once mode, the transactional producer all log in), and a REST API that takes only bearer tokens of the
 * configured issuer. Everything comes from config; the key pair and the passwords are made by the test.
 */
@QuarkusTest
@TestProfile(SecuredMatchingTest.JwtProfile.class)
@WithTestResource(
        value = SecuredKafkaBrokerResource.class,
        initArgs = @ResourceArg(name = "user", value = "likeness-matching"))
@Tag("broker")
class SecuredMatchingTest {

    static final TokenIssuer ISSUER = new TokenIssuer("https://issuer.likeness.test");

    public static class JwtProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(ISSUER.verificationConfig());
            config.put("likeness.api.auth.mode", "jwt");
            // Answers in transactions: the transactional id is checked against the user's ACLs too.
            config.put("likeness.delivery", "exactly-once");
            return config;
        }
    }

    private static MatchingKafka kafka;
    private final SyntheticEmbeddings embeddings =
            new SyntheticEmbeddings(UUID.randomUUID().hashCode(), 64);
    private final String prefix = "secured-" + UUID.randomUUID() + "-";

    @BeforeAll
    static void connect() {
        // The test plays embedding and the clients as the super user.
        kafka = new MatchingKafka(SecuredKafkaBroker.client(SecuredKafkaBroker.ADMIN)).readingAnswers();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @Test
    void enrolsAndRecognisesOverSaslSslAndListsWithAValidToken() {
        float[] ada = embeddings.person();
        String id = prefix + "ada";
        MatchResult enrolled = kafka.ask(MatchingKafka.request(
                prefix + "r1",
                MatchingApiTest.MODEL,
                MatchingApiTest.enrol(id, "Ada"),
                List.of(MatchingKafka.face(ada))));
        MatchResult identified = kafka.ask(MatchingKafka.request(
                prefix + "r2",
                MatchingApiTest.MODEL,
                MatchingApiTest.identify(1),
                List.of(MatchingKafka.face(embeddings.view(ada, 0.7)))));

        assertThat(enrolled.getEnrolment().getCreated()).isTrue();
        assertThat(identified.getRecognition().getFaces(0).getCandidates(0).getIdentityId())
                .isEqualTo(id);
        // The gallery follower, logged in as likeness-matching, materialised the enrolment from the gallery topic.
        String token = ISSUER.token("operator", Duration.ofMinutes(5));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .get("/api/v1/identities/{id}", id)
                        .then()
                        .statusCode(200));
        given().auth()
                .oauth2(token)
                .get("/api/v1/identities?limit=1000")
                .then()
                .statusCode(200)
                .body("items.identityId", hasItem(id));
    }

    @Test
    void refusesRequestsWithoutAValidToken() {
        given().get("/api/v1/identities")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .contentType("application/problem+json")
                .body("status", is(401));
        given().auth()
                .oauth2(ISSUER.token("operator", Duration.ofMinutes(-10)))
                .get("/api/v1/identities")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("invalid_token"));
        given().auth()
                .oauth2(ISSUER.forgedToken("operator"))
                .get("/api/v1/identities")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(ISSUER.tokenOfIssuer("https://elsewhere.test", "operator"))
                .get("/api/v1/identities")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer not-a-jwt")
                .get("/api/v1/identities")
                .then()
                .statusCode(401);
        // Probes and scrapers need no token.
        given().get("/q/health/live").then().statusCode(200);
    }

    /**
     * A request that came on a tenant's own images topic (FacesEmbedded.on_tenant_topic, set by embedding) is
     * answered on that tenant's results topic, which that tenant's principal reads and the other's cannot; the
     * identity is in that tenant's gallery only, as a bearer token's tenant claim sees it.
     */
    @Test
    void answersATenantsOwnRequestOnItsOwnResultsTopic() throws Exception {
        String tenantA = SecuredKafkaBroker.TENANTS.get(0);
        String tenantB = SecuredKafkaBroker.TENANTS.get(1);
        String id = prefix + "grace";
        FacesEmbedded enrol = MatchingKafka.request(
                        prefix + "t1",
                        MatchingApiTest.MODEL,
                        MatchingApiTest.enrol(id, "Grace"),
                        List.of(MatchingKafka.face(embeddings.person())))
                .toBuilder()
                .setTenant(tenantA)
                .setOnTenantTopic(true)
                .build();
        try (KafkaTestClient clientOfA = SecuredKafkaBroker.client(TenantManifests.userName(tenantA));
                KafkaTestClient clientOfB = SecuredKafkaBroker.client(TenantManifests.userName(tenantB));
                TopicFollower answersOfA = clientOfA.readFromEnd(TenantTopics.matches(tenantA));
                TopicFollower sharedAnswers = kafka.client().readFromEnd(MatchingKafka.topic("matches"))) {
            kafka.send("faces", enrol.getRequestId(), enrol);

            List<ConsumerRecord<String, byte[]>> answers = answersOfA.read(1, Duration.ofSeconds(60));
            assertThat(answers).extracting(ConsumerRecord::key).containsExactly(enrol.getRequestId());
            MatchResult enrolled = MatchResult.parseFrom(answers.get(0).value());
            assertThat(enrolled.getTenant()).isEqualTo(tenantA);
            assertThat(enrolled.getEnrolment().getCreated()).isTrue();
            assertThat(sharedAnswers.read(1, Duration.ofSeconds(2)))
                    .extracting(ConsumerRecord::key)
                    .doesNotContain(enrol.getRequestId());
            assertThatThrownBy(() -> clientOfB.drain(TenantTopics.matches(tenantA), 1, Duration.ofSeconds(10)))
                    .isInstanceOf(TopicAuthorizationException.class);
        }

        String tokenOfA = ISSUER.token("a-reader", Map.of("tenant", tenantA, "scope", "recognise"));
        given().auth()
                .oauth2(tokenOfA)
                .get("/api/v1/identities/{id}", id)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(ISSUER.token("b-reader", Map.of("tenant", tenantB, "scope", "recognise")))
                .get("/api/v1/identities/{id}", id)
                .then()
                .statusCode(404);
        // The token's scopes hold: a recognise-only token cannot delete.
        given().auth()
                .oauth2(tokenOfA)
                .delete("/api/v1/identities/{id}", id)
                .then()
                .statusCode(403)
                .body("code", is("MISSING_SCOPE"));
        given().auth()
                .oauth2(ISSUER.token("a-service", Map.of("tenant", tenantA, "scope", "recognise enrol")))
                .delete("/api/v1/identities/{id}", id)
                .then()
                .statusCode(204);
    }
}
