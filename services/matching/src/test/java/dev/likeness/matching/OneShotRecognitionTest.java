package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.RecognisedFace;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.matching.tools.FaceCrops;
import dev.likeness.matching.tools.FaceEmbedder;
import dev.likeness.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One-shot recognition on real photos (the face-api sample group photos), with the real face networks
 * standing in for the embedding service, embedding with its default model (the fusion of fr_feature and dlib). A person is enrolled from one crop of one face; a perturbed crop
 * of that face (shifted, tighter, brighter, rotated, recompressed) and the same person in another photo
 * are recognised; people never enrolled are unknown.
 *
 * <p>Faces are named sNfK: face K (best detector score first) of sampleN.jpg; a crop's subject is the face it was
 * cut around. Who is who: s1f2 and s3f1 are
 * the same woman (distance 0.81, far below any different-person pair among the samples); faces of one
 * photo are different people.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class OneShotRecognitionTest {

    private static final List<String> ENROLLED = List.of("s1f0", "s1f1", "s1f2", "s2f0", "s2f2");
    private static final FaceCrops.Perturbation SECOND_SHOT = new FaceCrops.Perturbation(0.05, 0.9, 1.15f, 5, 1, 0.7f);

    private static FaceEmbedder embedder;
    private static MatchingKafka kafka;
    private static final Map<Integer, Photo> PHOTOS = new HashMap<>();

    private final String prefix = "one-shot-" + UUID.randomUUID() + "-";
    private final List<String> enrolledIds = new ArrayList<>();

    record Photo(byte[] bytes, BufferedImage image, FaceAnalysis analysis) {}

    @BeforeAll
    static void openPipeline() {
        embedder = new FaceEmbedder(
                FacePipelineConfig.defaults(FaceEmbedder.modelsDirFromSystemProperty(), FaceNetworks.DEFAULT));
        kafka = new MatchingKafka().readingAnswers();
        for (int sample = 1; sample <= 3; sample++) {
            try {
                byte[] bytes = Files.readAllBytes(
                        FaceEmbedder.modelsDirFromSystemProperty().resolve("samples/sample" + sample + ".jpg"));
                PHOTOS.put(sample, new Photo(bytes, FaceCrops.read(bytes), embedder.analyse(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException("run `make models` first", e);
            }
        }
    }

    @AfterAll
    static void closePipeline() {
        kafka.close();
        embedder.close();
    }

    @AfterEach
    void forgetTheEnrolled() {
        enrolledIds.forEach(
                id -> given().delete("/api/v1/identities/{id}", id).then().statusCode(204));
    }

    @Test
    void enrolledFromOneCropThenRecognisedAndStrangersUnknown() {
        for (String face : ENROLLED) {
            MatchResult enrolled = kafka.ask(MatchingKafka.embedded(
                    prefix + "enrol-" + face,
                    embedder.model().toRef(),
                    enrol(face),
                    embedder.analyse(crop(face, FaceCrops.Perturbation.NONE))));
            assertThat(enrolled.getEnrolment().getCreated()).as(face).isTrue();
            enrolledIds.add(prefix + face);
        }

        for (String face : ENROLLED) {
            RecognisedFace secondShot = identifySubject("again-" + face, crop(face, SECOND_SHOT));
            assertThat(secondShot.getUnknown()).as("perturbed crop of %s", face).isFalse();
            assertThat(secondShot.getCandidates(0).getIdentityId()).as(face).isEqualTo(prefix + face);
        }
        // sample3.jpg: s3f1 is the woman enrolled as s1f2; s3f0 and s3f2 were never enrolled.
        MatchResult sample3 = identify("sample3", PHOTOS.get(3).bytes());
        assertThat(sample3.getRecognition().getFacesList()).hasSize(3);
        assertThat(sample3.getRecognition().getFaces(1).getUnknown()).isFalse();
        assertThat(sample3.getRecognition().getFaces(1).getCandidates(0).getIdentityId())
                .isEqualTo(prefix + "s1f2");
        assertThat(sample3.getRecognition().getFaces(0).getUnknown()).as("s3f0").isTrue();
        assertThat(sample3.getRecognition().getFaces(2).getUnknown()).as("s3f2").isTrue();
        // sample2.jpg: s2f0 and s2f2 enrolled (from crops), s2f1 not.
        MatchResult sample2 = identify("sample2", PHOTOS.get(2).bytes());
        assertThat(sample2.getRecognition().getFaces(0).getCandidates(0).getIdentityId())
                .isEqualTo(prefix + "s2f0");
        assertThat(sample2.getRecognition().getFaces(1).getUnknown()).as("s2f1").isTrue();
        assertThat(sample2.getRecognition().getFaces(2).getCandidates(0).getIdentityId())
                .isEqualTo(prefix + "s2f2");
    }

    @Test
    void imageUploadsOfTheApiTravelOverKafkaToAnInTestEmbedder() throws InterruptedException {
        try (EmbeddingStandIn standIn = new EmbeddingStandIn(kafka, embedder)) {
            String id = prefix + "s1f2";
            // The whole group photo, the woman named by a point inside her box (she is not its subject).
            AnalysedFace woman = PHOTOS.get(1).analysis().faces().get(2);
            assertThat(PHOTOS.get(1).analysis().subjectIndex()).isNotEqualTo(2);
            given().contentType("image/jpeg")
                    .body(PHOTOS.get(1).bytes())
                    .queryParam("displayName", "Sample woman")
                    .queryParam(
                            "faceAt",
                            (woman.box().x1() + woman.box().x2()) / 2 + ","
                                    + (woman.box().y1() + woman.box().y2()) / 2)
                    .post("/api/v1/identities/{id}/images", id)
                    .then()
                    .statusCode(201)
                    .body("created", equalTo(true))
                    .body("faceIndex", equalTo(2))
                    .body("displayName", equalTo("Sample woman"));
            enrolledIds.add(id);

            given().contentType("image/jpeg")
                    .body(PHOTOS.get(3).bytes())
                    .post("/api/v1/identify/image")
                    .then()
                    .statusCode(200)
                    .body("model.id", equalTo(FaceNetworks.DEFAULT))
                    .body("faces.size()", equalTo(3))
                    .body("faces[1].candidates[0].identityId", equalTo(id))
                    .body("faces[1].unknown", equalTo(false))
                    .body("faces[0].unknown", equalTo(true));
            // Another tenant: the same id is another person there (sample2's), and the woman is unknown to it.
            String tenant = "photos-" + Integer.toHexString(prefix.hashCode());
            given().header("X-Likeness-Tenant", tenant)
                    .contentType("image/jpeg")
                    .body(crop("s2f0", SECOND_SHOT))
                    .post("/api/v1/identities/{id}/images", id)
                    .then()
                    .statusCode(201)
                    .body("created", equalTo(true));
            given().header("X-Likeness-Tenant", tenant)
                    .contentType("image/jpeg")
                    .body(PHOTOS.get(3).bytes())
                    .post("/api/v1/identify/image")
                    .then()
                    .statusCode(200)
                    .body("faces[1].unknown", equalTo(true));
            given().header("X-Likeness-Tenant", tenant)
                    .delete("/api/v1/identities/{id}", id)
                    .then()
                    .statusCode(204);
            given().contentType("image/jpeg")
                    .body(crop("s1f2", SECOND_SHOT))
                    .queryParam("claimedIdentityId", id)
                    .post("/api/v1/verify/image")
                    .then()
                    .statusCode(200)
                    .body("same", equalTo(true))
                    .body("claimedIdentityId", equalTo(id));
            given().contentType("image/jpeg")
                    .body(crop("s2f0", SECOND_SHOT))
                    .queryParam("claimedIdentityId", id)
                    .post("/api/v1/verify/image")
                    .then()
                    .statusCode(200)
                    .body("same", equalTo(false));
            // Two photos: sample1's subject is not the woman, her face is named in each.
            given().multiPart("image", "sample1.jpg", PHOTOS.get(1).bytes(), "image/jpeg")
                    .multiPart("second", "sample3.jpg", PHOTOS.get(3).bytes(), "image/jpeg")
                    .queryParam("face", 2)
                    .queryParam("secondFace", 1)
                    .post("/api/v1/verify/images")
                    .then()
                    .statusCode(200)
                    .body("same", equalTo(true));
            given().multiPart("image", "sample1.jpg", PHOTOS.get(1).bytes(), "image/jpeg")
                    .multiPart("second", "sample3.jpg", PHOTOS.get(3).bytes(), "image/jpeg")
                    .queryParam("secondFace", 1)
                    .post("/api/v1/verify/images")
                    .then()
                    .statusCode(200)
                    .body("same", equalTo(false));
            given().contentType("image/jpeg")
                    .body(crop("s1f2", SECOND_SHOT))
                    .queryParam("claimedIdentityId", id)
                    .queryParam("face", 5)
                    .post("/api/v1/verify/image")
                    .then()
                    .statusCode(422)
                    .body("code", equalTo("NO_SUCH_FACE"));
            given().contentType("image/jpeg")
                    .body(crop("s1f2", SECOND_SHOT))
                    .queryParam("claimedIdentityId", id)
                    .queryParam("faceAt", "left")
                    .post("/api/v1/verify/image")
                    .then()
                    .statusCode(400);
        }
    }

    private MatchResult identify(String name, byte[] image) {
        return kafka.ask(MatchingKafka.embedded(
                prefix + "identify-" + name,
                embedder.model().toRef(),
                Purpose.newBuilder()
                        .setIdentify(Purpose.Identify.newBuilder().setTopK(3))
                        .build(),
                embedder.analyse(image)));
    }

    private Purpose enrol(String face) {
        return Purpose.newBuilder()
                .setEnrol(
                        Purpose.Enrol.newBuilder().setIdentityId(prefix + face).setDisplayName("Sample face " + face))
                .build();
    }

    /** A crop of face sNfK of the sample photos. */
    private static byte[] crop(String face, FaceCrops.Perturbation perturbation) {
        Photo photo = PHOTOS.get(face.charAt(1) - '0');
        AnalysedFace analysed = photo.analysis().faces().get(face.charAt(3) - '0');
        return FaceCrops.crop(photo.image(), analysed.box(), perturbation);
    }

    /** Identifies every face of a crop and returns the answer for its subject (a wide crop may show part of a neighbour). */
    private RecognisedFace identifySubject(String name, byte[] crop) {
        return identify(name, crop).getRecognition().getFacesList().stream()
                .filter(RecognisedFace::getSubject)
                .findFirst()
                .orElseThrow();
    }
}
