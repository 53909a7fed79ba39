package dev.likeness.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.Recognition;
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A console that works within one tenant ({@code likeness.console.tenant}): its uploads are that tenant's requests,
 * its page gets that tenant's requests, results and gallery only, and its admin view lists that tenant only.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@TestProfile(TenantConsoleTest.WithinOneTenant.class)
@WithTestResource(KafkaBrokerResource.class)
class TenantConsoleTest {

    static final String TENANT = "console-tenant";
    private static final Duration WAIT = Duration.ofSeconds(30);

    public static class WithinOneTenant implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("likeness.console.tenant", TENANT);
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private final KafkaTestClient kafka = KafkaBroker.shared().client();

    @Test
    void anUploadIsTheTenantsRequest() throws Exception {
        Path photo = ModelsDirectory.resolve("samples/sample1.jpg");
        try (TopicFollower images = kafka.readFromEnd(Topics.IMAGES)) {
            String requestId = given().multiPart("image", photo.toFile(), "image/jpeg")
                    .when()
                    .post("/api/identify")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("requestId");
            List<ConsumerRecord<String, byte[]>> records = images.read(1, WAIT);
            ImageSubmitted request = ImageSubmitted.parseFrom(records.get(0).value());
            assertThat(request.getRequestId()).isEqualTo(requestId);
            assertThat(request.getTenant()).isEqualTo(TENANT);
        }
    }

    @Test
    void thePageShowsTheTenantsEventsAndGalleryOnly() throws Exception {
        sendRequest("tc-own-image", TENANT);
        sendRequest("tc-other-image", "other-tenant");
        sendResult("tc-own-match", TENANT);
        sendResult("tc-other-match", "other-tenant");
        sendResult("tc-default-match", "");
        sendIdentity(TENANT + "/tc-ada", "tc-ada");
        sendIdentity("other-tenant/tc-cy", "tc-cy");
        sendIdentity("tc-bob", "tc-bob");
        kafka.send(
                Topics.deadLetters("embedding"),
                "tc-dead",
                DeadLetter.newBuilder()
                        .setRequestId("tc-dead")
                        .setReasonCode("IMAGE_UNDECODABLE")
                        .build()
                        .toByteArray());
        // The last of the tenant's own; the other tenants' records, sent before it, must not reach the page.
        sendResult("tc-own-last", TENANT);

        List<String> events = PageFeed.awaitEvents(
                port,
                seen -> Stream.of(
                                "\"requestId\":\"tc-own-image\"",
                                "\"requestId\":\"tc-own-match\"",
                                "\"requestId\":\"tc-own-last\"",
                                "\"identityId\":\"tc-ada\"")
                        .allMatch(part -> seen.stream().anyMatch(e -> e.contains(part))),
                WAIT);
        assertThat(events)
                .noneMatch(e -> Stream.of(
                                "tc-other-image", "tc-other-match", "tc-default-match", "tc-cy", "tc-bob", "tc-dead")
                        .anyMatch(e::contains));

        // The admin view of a tenant's console: its own tenant only, though the topic holds three.
        given().when()
                .get("/api/tenants")
                .then()
                .statusCode(200)
                .body("tenant", equalTo(List.of(TENANT)))
                .body("identities", equalTo(List.of(1)));
    }

    private void sendRequest(String requestId, String tenant) {
        kafka.send(
                Topics.IMAGES,
                requestId,
                ImageSubmitted.newBuilder()
                        .setRequestId(requestId)
                        .setTenant(tenant)
                        .setImage(ImageSource.newBuilder()
                                .setInline(ByteString.copyFromUtf8("jpeg bytes"))
                                .setContentType("image/jpeg"))
                        .setPurpose(Purpose.newBuilder().setIdentify(Purpose.Identify.getDefaultInstance()))
                        .build()
                        .toByteArray());
    }

    private void sendResult(String requestId, String tenant) {
        kafka.send(
                Topics.MATCHES,
                requestId,
                MatchResult.newBuilder()
                        .setRequestId(requestId)
                        .setTenant(tenant)
                        .setRecognition(Recognition.newBuilder().setThreshold(1.17f))
                        .build()
                        .toByteArray());
    }

    private void sendIdentity(String galleryKey, String identityId) {
        kafka.send(
                Topics.GALLERY,
                galleryKey,
                Identity.newBuilder()
                        .setIdentityId(identityId)
                        .setDisplayName(identityId)
                        .build()
                        .toByteArray());
    }
}
