package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Purpose;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Replicas answer alike: the service, an in-process replica (the follower, gallery and matcher the service
 * wires, see {@link Replica}) that followed the gallery live while it changed, and one started afterwards give
 * the same candidates, distances and unknown flags, and list the same gallery, after enrolments (over Kafka and
 * REST), renames and deletions. Not two service processes: a second Quarkus application cannot run in this JVM.
 */
@Tag("broker")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class InProcessReplicasTest {

    private static final ModelKey MODEL =
            new ModelKey(MatchingApiTest.MODEL.getId(), MatchingApiTest.MODEL.getVersion());

    @Inject
    MatchingConfig config;

    private final SyntheticEmbeddings embeddings = SyntheticEmbeddings.nextSeeded(64);
    private final String prefix = "replicas-" + UUID.randomUUID() + "-";

    @Test
    void replicasGiveTheSameAnswers() throws InterruptedException {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        String topic = MatchingKafka.topic("gallery");
        List<float[]> people = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            people.add(embeddings.person());
        }
        try (MatchingKafka kafka = new MatchingKafka().readingAnswers();
                GalleryTopic gallery = new GalleryTopic(kafka.client(), topic);
                Replica live = new Replica(bootstrap, topic, config)) {
            for (int i = 0; i < people.size(); i++) {
                String id = prefix + i;
                if (i % 2 == 0) {
                    kafka.ask(MatchingKafka.request(
                            prefix + "enrol-" + i,
                            MatchingApiTest.MODEL,
                            Purpose.newBuilder()
                                    .setEnrol(Purpose.Enrol.newBuilder()
                                            .setIdentityId(id)
                                            .setDisplayName("Person " + i))
                                    .build(),
                            List.of(MatchingKafka.face(people.get(i)))));
                } else {
                    given().contentType(ContentType.JSON)
                            .body(Map.of(
                                    "displayName",
                                    "Person " + i,
                                    "model",
                                    MatchingApiTest.model(),
                                    "embedding",
                                    people.get(i)))
                            .post("/api/v1/identities/{id}/embeddings", id)
                            .then()
                            .statusCode(201);
                }
            }
            // A second view of person 0, a rename and two deletions.
            given().contentType(ContentType.JSON)
                    .body(Map.of("model", MatchingApiTest.model(), "embedding", embeddings.view(people.get(0), 0.8)))
                    .post("/api/v1/identities/{id}/embeddings", prefix + 0)
                    .then()
                    .statusCode(200);
            given().contentType(ContentType.JSON)
                    .body(Map.of("displayName", "Renamed"))
                    .patch("/api/v1/identities/{id}", prefix + 1)
                    .then()
                    .statusCode(200);
            given().delete("/api/v1/identities/{id}", prefix + 2).then().statusCode(204);
            given().delete("/api/v1/identities/{id}", prefix + 3).then().statusCode(204);

            Map<Integer, Long> ends = gallery.endOffsets();
            live.syncedTo(ends);
            try (Replica late = new Replica(bootstrap, topic, config).syncedTo(ends)) {
                List<float[]> probes = new ArrayList<>();
                people.forEach(person -> probes.add(embeddings.view(person, 0.7)));
                probes.add(embeddings.person());
                for (float[] probe : probes) {
                    List<String> service = serviceAnswer(probe);
                    assertThat(live.answer(MODEL, probe)).isEqualTo(service);
                    assertThat(late.answer(MODEL, probe)).isEqualTo(service);
                }
                List<String> serviceGallery = serviceGallery();
                assertThat(gallery(live)).isEqualTo(serviceGallery);
                assertThat(gallery(late)).isEqualTo(serviceGallery);
                assertThat(serviceGallery).contains(prefix + "1=Renamed").doesNotContain(prefix + "2=Person 2");
            }
        }
    }

    private static List<String> serviceAnswer(float[] probe) {
        JsonPath json = given().contentType(ContentType.JSON)
                .body(Map.of("model", MatchingApiTest.model(), "embedding", probe, "topK", 5))
                .post("/api/v1/identify")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<String> answer = new ArrayList<>();
        answer.add(json.getBoolean("faces[0].unknown") ? "unknown" : "known");
        List<Map<String, Object>> candidates = json.getList("faces[0].candidates");
        for (Map<String, Object> candidate : candidates) {
            answer.add(candidate.get("identityId") + ":" + ((Number) candidate.get("distance")).floatValue() + ":"
                    + ((Number) candidate.get("probability")).floatValue());
        }
        return answer;
    }

    /** id=name of every identity, in id order. */
    private static List<String> gallery(Replica replica) {
        return replica.gallery().list(0, Integer.MAX_VALUE).stream()
                .map(identity -> identity.identityId() + "=" + identity.displayName())
                .toList();
    }

    private static List<String> serviceGallery() {
        List<String> identities = new ArrayList<>();
        for (int offset = 0; ; offset += 1000) {
            List<Map<String, Object>> page = given().get("/api/v1/identities?offset=" + offset + "&limit=1000")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("items");
            page.forEach(identity -> identities.add(identity.get("identityId") + "=" + identity.get("displayName")));
            if (page.size() < 1000) {
                return identities;
            }
        }
    }
}
