package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.Analysis;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.matching.recognition.RequestRefusedException;
import dev.likeness.matching.tools.FaceEmbedder;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.Recapture;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The liveness policy through the real broker: sample1.jpg's subject is enrolled, a re-capture of that photo
 * ({@link Recapture}: shown small on a screen inside another photo, moire, glare) is refused NOT_LIVE on enrol and on
 * verify and never enrolled, and a face without a liveness result is refused LIVENESS_UNCHECKED. The faces are
 * analysed in-process, as the embedding service does for a request asking for {@code liveness}.
 *
 * <p>The threshold 0.98 is this test's, not a recommendation: the liveness network gives this photo's subject 0.994
 * and its re-captures 0.95-0.97, but over all the sample faces the two overlap (docs/analysis.md has the error
 * rates), so the default stays 0.5 and the policy off.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@TestProfile(LivenessPolicyTest.PolicyOn.class)
@WithTestResource(KafkaBrokerResource.class)
class LivenessPolicyTest {

    public static class PolicyOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "likeness.matching.liveness.enabled", "true",
                    "likeness.matching.liveness.analysis", "liveness",
                    "likeness.matching.liveness.threshold", "0.98");
        }
    }

    private static FaceEmbedder embedder;
    private static MatchingKafka kafka;
    private static FaceAnalysis live;
    private static FaceAnalysis recaptured;

    private final String prefix = "liveness-" + UUID.randomUUID() + "-";

    @BeforeAll
    static void analyse() throws Exception {
        var models = FaceEmbedder.modelsDirFromSystemProperty();
        embedder = new FaceEmbedder(FacePipelineConfig.defaults(models, FaceNetworks.DEFAULT)
                .withAnalyses(models, EnumSet.of(Analysis.LIVENESS)));
        kafka = new MatchingKafka().readingAnswers();
        byte[] photo = Files.readAllBytes(models.resolve("samples/sample1.jpg"));
        live = analyseForLiveness(photo);
        recaptured = analyseForLiveness(
                Recapture.of(embedder.pipeline().decoder().decode(photo).image(), 1));
        assertThat(recaptured.subject()).as("the re-capture's subject is found").isPresent();
    }

    private static FaceAnalysis analyseForLiveness(byte[] bytes) throws Exception {
        var pipeline = embedder.pipeline();
        return pipeline.analyseAll(List.of(pipeline.prepare(bytes, 0, 0, EnumSet.of(Analysis.LIVENESS))))
                .get(0);
    }

    @AfterAll
    static void close() {
        kafka.close();
        embedder.close();
    }

    @Test
    void refusesReCapturesOnEnrolAndVerifyAndNeverEnrolsThem() {
        String person = prefix + "live";
        MatchResult enrolled = kafka.ask(event("enrol-live", enrol(person), live, true));
        assertThat(enrolled.getEnrolment().getCreated()).as(enrolled.toString()).isTrue();

        String impostor = prefix + "recaptured";
        MatchResult refused = kafka.ask(event("enrol-recaptured", enrol(impostor), recaptured, true));
        assertThat(refused.getError().getCode()).isEqualTo(RequestRefusedException.NOT_LIVE);
        assertThat(refused.getError().getMessage()).contains("human-liveness").contains("0.980");
        given().get("/api/v1/identities/{id}", impostor).then().statusCode(404);

        MatchResult verified = kafka.ask(event(
                "verify-recaptured",
                Purpose.newBuilder()
                        .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId(person))
                        .build(),
                recaptured,
                true));
        assertThat(verified.getError().getCode()).isEqualTo(RequestRefusedException.NOT_LIVE);

        MatchResult unchecked = kafka.ask(event("enrol-unchecked", enrol(prefix + "unchecked"), live, false));
        assertThat(unchecked.getError().getCode()).isEqualTo(RequestRefusedException.LIVENESS_UNCHECKED);
        given().get("/api/v1/identities/{id}", prefix + "unchecked").then().statusCode(404);

        given().delete("/api/v1/identities/{id}", person).then().statusCode(204);
    }

    private static Purpose enrol(String identity) {
        return Purpose.newBuilder()
                .setEnrol(Purpose.Enrol.newBuilder().setIdentityId(identity))
                .build();
    }

    /** The FacesEmbedded the embedding service writes, each face with its liveness result when asked for. */
    private FacesEmbedded event(String name, Purpose purpose, FaceAnalysis analysis, boolean withLiveness) {
        FacesEmbedded.Builder event =
                MatchingKafka.embedded(prefix + name, embedder.model().toRef(), purpose, analysis).toBuilder();
        if (withLiveness) {
            for (int f = 0; f < event.getFacesCount(); f++) {
                Face.Builder face = event.getFacesBuilder(f);
                analysis.faces().get(f).attributes().forEach(attribute -> face.addAttributes(attribute.toEvent()));
            }
        }
        return event.build();
    }
}
