package dev.likeness.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.Candidate;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FaceAttribute;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.RecognisedFace;
import dev.likeness.events.v1.Recognition;
import dev.likeness.events.v1.StoredEmbedding;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The console against a real broker: uploads become requests on the topics, and what the topics carry (gallery
 * records and tombstones, results, dead letters) reaches a connected page. The page itself, against the whole
 * mesh, is tested in tests/e2e.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ConsoleTest {

    private static final Path PHOTO = ModelsDirectory.resolve("samples/sample1.jpg");
    private static final Path SECOND = ModelsDirectory.resolve("samples/sample2.jpg");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private final KafkaTestClient kafka = KafkaBroker.shared().client();

    @Test
    void anUploadIsPublishedAsAnImageRequestAndItsPictureServed() throws IOException {
        try (TopicFollower images = kafka.readFromEnd(Topics.IMAGES)) {
            String requestId = given().multiPart("image", PHOTO.toFile(), "image/jpeg")
                    .when()
                    .post("/api/identify")
                    .then()
                    .statusCode(202)
                    .body("requestId", startsWith("console-"))
                    .extract()
                    .path("requestId");

            ConsumerRecord<String, byte[]> record = images.read(1, WAIT).get(0);
            ImageSubmitted request = ImageSubmitted.parseFrom(record.value());
            assertThat(record.key()).isEqualTo(requestId);
            assertThat(request.getRequestId()).isEqualTo(requestId);
            assertThat(request.getPurpose().hasIdentify()).isTrue();
            assertThat(request.getImage().getInline().toByteArray()).isEqualTo(Files.readAllBytes(PHOTO));
            assertThat(request.getImage().getContentType()).isEqualTo("image/jpeg");
            assertThat(header(record, CloudEventHeaders.TYPE)).isEqualTo("likeness.v1.ImageSubmitted");
            assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("/likeness/console");
            assertThat(request.getOptions().getAnalysesList()).as("not asked").isEmpty();

            // Ticking "describe the faces" asks for the configured analyses.
            String described = given().multiPart("image", PHOTO.toFile(), "image/jpeg")
                    .multiPart("describe", "on")
                    .when()
                    .post("/api/identify")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("requestId");
            ImageSubmitted describedRequest =
                    ImageSubmitted.parseFrom(images.read(1, WAIT).get(0).value());
            assertThat(describedRequest.getRequestId()).isEqualTo(described);
            assertThat(describedRequest.getOptions().getAnalysesList())
                    .containsExactly("gear", "age", "gender", "emotion", "antispoof", "liveness");

            // The console read its own request back from the topic, and serves its picture.
            Response picture = awaitPicture("/api/pictures/" + requestId + "/image");
            assertThat(picture.asByteArray()).isEqualTo(Files.readAllBytes(PHOTO));
            assertThat(picture.contentType()).isEqualTo("image/jpeg");
            assertServedAsBytesOnly(picture);
        }
    }

    @Test
    void anUploadOfATypeThePageDoesNotShowIsServedAsPlainBytes() {
        byte[] page =
                "<svg xmlns='http://www.w3.org/2000/svg'><script>fetch('/api/gallery/ada', {method: 'DELETE'})</script></svg>"
                        .getBytes(StandardCharsets.UTF_8);
        for (String type : List.of("text/html", "image/svg+xml")) {
            String requestId = given().multiPart("image", "x.svg", page, type)
                    .when()
                    .post("/api/identify")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("requestId");

            Response picture = awaitPicture("/api/pictures/" + requestId + "/image");
            assertThat(picture.asByteArray()).isEqualTo(page);
            assertThat(picture.contentType()).as(type).isEqualTo("application/octet-stream");
            assertServedAsBytesOnly(picture);
        }
    }

    /** Nothing the console serves from a topic is sniffed or run as a page of the console's origin. */
    private static void assertServedAsBytesOnly(Response served) {
        assertThat(served.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(served.header("Content-Security-Policy")).isEqualTo("sandbox");
    }

    @Test
    void enrolVerifyAndStyleUploadsAreRequestsToo() throws IOException {
        try (TopicFollower images = kafka.readFromEnd(Topics.IMAGES);
                TopicFollower styles = kafka.readFromEnd(Topics.STYLE_REQUESTS)) {
            given().multiPart("image", PHOTO.toFile(), "image/jpeg")
                    .multiPart("identityId", " ada ")
                    .multiPart("displayName", "Ada Lovelace")
                    .when()
                    .post("/api/enrol")
                    .then()
                    .statusCode(202);
            given().multiPart("image", PHOTO.toFile(), "image/jpeg")
                    .multiPart("second", SECOND.toFile(), "image/jpeg")
                    .multiPart("face", "")
                    .multiPart("secondFace", " 2 ")
                    .when()
                    .post("/api/verify")
                    .then()
                    .statusCode(202);
            String styleId = given().multiPart("content", PHOTO.toFile(), "image/jpeg")
                    .multiPart("style", SECOND.toFile(), "image/jpeg")
                    .multiPart("size", "96")
                    .multiPart("iterations", "25")
                    .multiPart("styleWeight", "50")
                    .when()
                    .post("/api/style")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("requestId");

            List<ConsumerRecord<String, byte[]>> requests = images.read(2, WAIT);
            ImageSubmitted enrol = ImageSubmitted.parseFrom(requests.get(0).value());
            ImageSubmitted verify = ImageSubmitted.parseFrom(requests.get(1).value());
            if (!enrol.getPurpose().hasEnrol()) {
                ImageSubmitted swap = enrol;
                enrol = verify;
                verify = swap;
            }
            assertThat(enrol.getPurpose().getEnrol().getIdentityId()).isEqualTo("ada");
            assertThat(enrol.getPurpose().getEnrol().getDisplayName()).isEqualTo("Ada Lovelace");
            assertThat(verify.getPurpose()
                            .getVerify()
                            .getSecondImage()
                            .getInline()
                            .toByteArray())
                    .isEqualTo(Files.readAllBytes(SECOND));
            // Face numbers as the page labels them, from 1; an empty field is the photo's subject.
            assertThat(verify.getPurpose().getVerify().hasFace()).isFalse();
            assertThat(verify.getPurpose().getVerify().getSecondImageFace().getIndex())
                    .isEqualTo(1);

            ConsumerRecord<String, byte[]> styleRecord = styles.read(1, WAIT).get(0);
            StyleRequested style = StyleRequested.parseFrom(styleRecord.value());
            assertThat(styleRecord.key()).isEqualTo(styleId);
            assertThat(style.getOutputMaxSide()).isEqualTo(96);
            assertThat(style.getOptimisation().getIterations()).isEqualTo(25);
            assertThat(style.getOptimisation().getBeta()).isEqualTo(50f);
            assertThat(style.getOptimisation().hasAlpha()).isFalse();
            assertThat(style.getStyles(0).getImage().getInline().toByteArray()).isEqualTo(Files.readAllBytes(SECOND));
        }
    }

    @Test
    void missingAndMalformedFieldsAreRefusedWithAReason() {
        given().multiPart("identityId", "ada")
                .when()
                .post("/api/enrol")
                .then()
                .statusCode(400)
                .body("error", equalTo("image: choose a picture (JPEG, PNG or WebP)"));
        given().multiPart("image", PHOTO.toFile(), "image/jpeg")
                .when()
                .post("/api/enrol")
                .then()
                .statusCode(400)
                .body("error", equalTo("identityId is required"));
        given().multiPart("content", PHOTO.toFile(), "image/jpeg")
                .multiPart("style", SECOND.toFile(), "image/jpeg")
                .multiPart("iterations", "many")
                .when()
                .post("/api/style")
                .then()
                .statusCode(400)
                .body("error", equalTo("iterations must be a whole number, not 'many'"));
        given().multiPart("image", PHOTO.toFile(), "image/jpeg")
                .multiPart("second", SECOND.toFile(), "image/jpeg")
                .multiPart("face", "0")
                .when()
                .post("/api/verify")
                .then()
                .statusCode(400)
                .body("error", equalTo("face is a face's number on the page, from 1, not 0"));
    }

    @Test
    void renameAndDeleteSayWhenTheMatchingServiceIsDown() {
        given().when()
                .delete("/api/gallery/ada")
                .then()
                .statusCode(503)
                .body("error", containsString("the matching service at http://localhost:1/"));
        given().contentType("application/json")
                .body("{\"displayName\": \"Ada\"}")
                .when()
                .patch("/api/gallery/ada")
                .then()
                .statusCode(503);
        given().contentType("application/json")
                .body("{}")
                .when()
                .patch("/api/gallery/ada")
                .then()
                .statusCode(400)
                .body("error", equalTo("displayName is required"));
    }

    @Test
    void aConnectedPageGetsTheGalleryResultsAndDeadLettersFromTheTopics() throws Exception {
        kafka.send(
                Topics.GALLERY,
                "feed-ada",
                Identity.newBuilder()
                        .setIdentityId("feed-ada")
                        .setDisplayName("Ada")
                        .addEmbeddings(StoredEmbedding.newBuilder().addVector(1f))
                        .build()
                        .toByteArray());
        kafka.send(
                Topics.GALLERY,
                "feed-bob",
                Identity.newBuilder()
                        .setIdentityId("feed-bob")
                        .setDisplayName("Bob")
                        .build()
                        .toByteArray());
        kafka.send(new ProducerRecord<>(Topics.GALLERY, "feed-bob", null));
        // Another tenant's identity: not in the console's gallery (the tenant default's).
        kafka.send(
                Topics.GALLERY,
                "feed-tenant/feed-cy",
                Identity.newBuilder()
                        .setIdentityId("feed-cy")
                        .setDisplayName("Cy")
                        .build()
                        .toByteArray());
        kafka.send(
                Topics.MATCHES,
                "feed-1",
                MatchResult.newBuilder()
                        .setRequestId("feed-1")
                        .setRecognition(Recognition.newBuilder()
                                .setThreshold(1.17f)
                                .addFaces(RecognisedFace.newBuilder()
                                        .setBox(BoundingBox.newBuilder()
                                                .setX1(1)
                                                .setY1(2)
                                                .setX2(30)
                                                .setY2(40))
                                        .setSubject(true)
                                        .addCandidates(Candidate.newBuilder()
                                                .setIdentityId("feed-ada")
                                                .setDisplayName("Ada")
                                                .setDistance(0.5f)
                                                .setProbability(0.97f))))
                        .build()
                        .toByteArray());
        kafka.send(
                Topics.deadLetters("embedding"),
                "feed-2",
                DeadLetter.newBuilder()
                        .setRequestId("feed-2")
                        .setReasonCode("IMAGE_UNSUPPORTED_FORMAT")
                        .setReason("not a picture")
                        .setService("embedding")
                        .setSourceTopic(Topics.IMAGES)
                        .build()
                        .toByteArray());
        kafka.send(
                Topics.STYLE_RESULTS,
                "feed-3",
                ImageStylised.newBuilder()
                        .setRequestId("feed-3")
                        .setImage(ImageSource.newBuilder()
                                .setInline(ByteString.copyFromUtf8("png bytes"))
                                .setContentType("image/png"))
                        .setWidth(96)
                        .setHeight(64)
                        .setIterations(20)
                        .build()
                        .toByteArray());
        kafka.send(Topics.MATCHES, "feed-4", "not a protobuf MatchResult".getBytes(StandardCharsets.UTF_8));
        kafka.send(
                Topics.FACES,
                "feed-5",
                FacesEmbedded.newBuilder()
                        .setRequestId("feed-5")
                        .setImageWidth(64)
                        .setImageHeight(64)
                        .addFaces(Face.newBuilder()
                                .setBox(BoundingBox.newBuilder().setX2(30).setY2(40))
                                .addAttributes(FaceAttribute.newBuilder()
                                        .setAttribute("gender")
                                        .setAnalysis("gender")
                                        .setLabel("female")
                                        .setScore(0.914f)
                                        .addClasses("female")
                                        .addClasses("male")
                                        .addProbabilities(0.914f)
                                        .addProbabilities(0.086f))
                                .addAttributes(FaceAttribute.newBuilder()
                                        .setAttribute("age")
                                        .setAnalysis("age")
                                        .setValue(26.6f)))
                        .build()
                        .toByteArray());

        // Eventually a page that connects sees all of it, and never the identity deleted by its tombstone.
        List<String> events = awaitEvents(seen -> Stream.of(
                                "\"requestId\":\"feed-1\"",
                                "\"requestId\":\"feed-2\"",
                                "\"requestId\":\"feed-3\"",
                                "\"requestId\":\"feed-5\"",
                                "\"type\":\"unreadable\"",
                                "\"identityId\":\"feed-ada\"")
                        .allMatch(part -> seen.stream().anyMatch(e -> e.contains(part)))
                && seen.stream().noneMatch(e -> e.contains("\"identityId\":\"feed-bob\"")));
        assertThat(events).noneMatch(e -> e.contains("feed-cy"));

        // A face's analyses, as the page writes them on its box.
        assertThat(events)
                .anySatisfy(e -> assertThat(e)
                        .contains(
                                "\"requestId\":\"feed-5\"",
                                "\"attributes\":[\"gender female 0.91 (gender)\",\"age ~27 (age)\"]"));
        assertThat(events)
                .anySatisfy(e -> assertThat(e)
                        .contains(
                                "\"type\":\"identity\"",
                                "\"identityId\":\"feed-ada\"",
                                "\"displayName\":\"Ada\"",
                                "\"embeddings\":1"));
        assertThat(events)
                .anySatisfy(e -> assertThat(e)
                        .contains(
                                "\"type\":\"match\"",
                                "\"requestId\":\"feed-1\"",
                                "\"outcome\":\"recognition\"",
                                "\"subject\":true",
                                "\"unknown\":false",
                                "\"distance\":0.5",
                                "\"probability\":0.97",
                                "\"box\":[1.0,2.0,30.0,40.0]"));
        assertThat(events)
                .anySatisfy(e -> assertThat(e)
                        .contains(
                                "\"type\":\"dead-letter\"",
                                "\"reasonCode\":\"IMAGE_UNSUPPORTED_FORMAT\"",
                                "\"service\":\"embedding\""));
        assertThat(events)
                .anySatisfy(e -> assertThat(e)
                        .contains("\"type\":\"style-result\"", "\"resultUrl\":\"/api/pictures/feed-3/result\""));
        assertThat(events)
                .anySatisfy(
                        e -> assertThat(e).contains("\"type\":\"unreadable\"", "\"topic\":\"likeness.matches.v1\""));
        Response result = awaitPicture("/api/pictures/feed-3/result");
        assertThat(result.asByteArray()).isEqualTo("png bytes".getBytes(StandardCharsets.UTF_8));
        assertThat(result.contentType()).isEqualTo("image/png");
        given().when().get("/api/pictures/nothing/image").then().statusCode(404);
        // The admin view counts every tenant's gallery, the other tenant's too.
        given().when()
                .get("/api/tenants")
                .then()
                .statusCode(200)
                .body("find { it.tenant == 'feed-tenant' }.identities", equalTo(1));
        given().when().get("/q/health/ready").then().statusCode(200).body(containsString("following live"));
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("likeness_console_events_total{type=\"unreadable\"}"))
                .body(containsString("likeness_console_identities"));
    }

    @Test
    void aSubmittedAtNoInstantCanHoldIsShownWithoutATimeAndTheFeedGoesOn() throws Exception {
        kafka.send(Topics.IMAGES, "far-future", submittedAt("far-future", Long.MAX_VALUE));
        kafka.send(Topics.IMAGES, "after-far-future", submittedAt("after-far-future", 1_700_000_000L));

        List<String> events = awaitEvents(seen -> seen.stream().anyMatch(e -> e.contains("after-far-future")));
        assertThat(events)
                .anySatisfy(e -> assertThat(e)
                        .contains("\"type\":\"image\"", "\"requestId\":\"far-future\"", "\"submittedAt\":null"));
        assertThat(events)
                .anySatisfy(e -> assertThat(e)
                        .contains("\"requestId\":\"after-far-future\"", "\"submittedAt\":\"2023-11-14T22:13:20Z\""));
        given().when().get("/q/health/ready").then().statusCode(200).body(containsString("following live"));
    }

    private static byte[] submittedAt(String requestId, long epochSeconds) {
        return ImageSubmitted.newBuilder()
                .setRequestId(requestId)
                .setSubmittedAt(Timestamp.newBuilder().setSeconds(epochSeconds))
                .build()
                .toByteArray();
    }

    private List<String> awaitEvents(Predicate<List<String>> done) throws Exception {
        return PageFeed.awaitEvents(port, done, WAIT);
    }

    private Response awaitPicture(String path) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().when().get(path);
            if (response.statusCode() == 200) {
                return response;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no picture at " + path + " within " + WAIT);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
