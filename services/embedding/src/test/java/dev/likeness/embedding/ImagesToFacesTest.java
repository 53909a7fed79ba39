package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.faces.SubjectRule;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** The service end to end through a real broker: real photos in, FacesEmbedded and dead letters out. */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ImagesToFacesTest {

    static final String IMAGES = Topics.IMAGES;
    static final String FACES = Topics.FACES;
    static final String DEAD_LETTERS = Topics.deadLetters("embedding");
    static final int[] FACES_PER_SAMPLE = {3, 3, 3, 4, 5, 4};

    @Test
    void fiftyImagesAndFiveBadEventsInOneStream() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        List<byte[]> samples = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            samples.add(Files.readAllBytes(ModelsDirectory.locate().resolve("samples/sample" + i + ".jpg")));
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, ImageSubmitted> sent = new HashMap<>();
        List<String> badKeys = new ArrayList<>();
        try (TopicFollower faces = kafka.readFromEnd(FACES);
                TopicFollower deadLetters = kafka.readFromEnd(DEAD_LETTERS)) {
            for (int i = 0; i < 55; i++) {
                if (i % 11 == 5) {
                    String key = run + "-bad-" + badKeys.size();
                    badKeys.add(key);
                    kafka.send(IMAGES, key, badEvent(badKeys.size() - 1, samples.get(0)));
                    continue;
                }
                String requestId = run + "-" + i;
                ImageSubmitted request = ImageSubmitted.newBuilder()
                        .setRequestId(requestId)
                        .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(samples.get(i % 6))))
                        .setPurpose(purpose(i))
                        .putAttributes("sample", Integer.toString(i % 6))
                        // Every third request of a tenant of its own, the others of the default (empty).
                        .setTenant(i % 3 == 0 ? "tenant-" + i : "")
                        .build();
                sent.put(requestId, request);
                kafka.send(IMAGES, requestId, request.toByteArray());
            }
            assertThat(sent).hasSize(50);
            String inProcessFusionVersion;
            try (FacePipeline pipeline =
                    FacePipeline.open(FacePipelineConfig.defaults(ModelsDirectory.locate(), FaceNetworks.FUSION))) {
                inProcessFusionVersion = pipeline.embeddingModel().version();
            }

            List<ConsumerRecord<String, byte[]>> results = faces.read(50, Duration.ofMinutes(3));
            assertThat(results).hasSize(50);
            Set<Integer> subjects = new HashSet<>();
            for (ConsumerRecord<String, byte[]> record : results) {
                FacesEmbedded event = FacesEmbedded.parseFrom(record.value());
                ImageSubmitted request = sent.get(record.key());
                assertThat(request)
                        .as("result for an unknown key %s", record.key())
                        .isNotNull();
                assertThat(event.getRequestId()).isEqualTo(record.key());
                assertThat(event.getPurpose()).isEqualTo(request.getPurpose());
                assertThat(event.getAttributesMap()).isEqualTo(request.getAttributesMap());
                assertThat(event.getTenant()).isEqualTo(request.getTenant());
                int sample = Integer.parseInt(request.getAttributesOrThrow("sample"));
                assertThat(event.getFacesCount()).isEqualTo(FACES_PER_SAMPLE[sample]);
                assertThat(event.getEmbeddingModel().getId()).isEqualTo(FaceNetworks.FUSION);
                // The in-process tools (likeness evaluate, calibration) embed with the very same model.
                assertThat(event.getEmbeddingModel().getVersion()).isEqualTo(inProcessFusionVersion);
                for (Face face : event.getFacesList()) {
                    assertFused(face);
                }
                assertThat(event.getSubjectFace())
                        .as("the subject of sample %d", sample + 1)
                        .isEqualTo(SubjectRule.subjectIndex(
                                event.getFacesList().stream().map(Face::getBox).toList(),
                                event.getImageWidth(),
                                event.getImageHeight()));
                subjects.add(event.getSubjectFace());
                assertCloudEvent(record, "likeness.v1.FacesEmbedded");
                sent.remove(record.key());
            }
            assertThat(sent).as("requests without a result").isEmpty();
            // Group photos: the subject is not always the face the detector is surest of (the first).
            assertThat(subjects).as("subject indices").anyMatch(index -> index > 0);

            List<ConsumerRecord<String, byte[]>> letters = deadLetters.read(5, Duration.ofMinutes(1));
            assertThat(letters).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(badKeys);
            for (ConsumerRecord<String, byte[]> letter : letters) {
                DeadLetter deadLetter = DeadLetter.parseFrom(letter.value());
                assertThat(deadLetter.getSourceTopic()).isEqualTo(IMAGES);
                assertThat(deadLetter.getReason()).isNotBlank();
                assertThat(header(letter, CloudEventHeaders.DEAD_LETTER_REASON_CODE))
                        .isEqualTo(deadLetter.getReasonCode());
                assertThat(header(letter, CloudEventHeaders.DEAD_LETTER_OFFSET))
                        .isEqualTo(Long.toString(deadLetter.getSourceOffset()));
                assertCloudEvent(letter, "likeness.v1.DeadLetter");
            }
            assertThat(letters)
                    .extracting(l -> DeadLetter.parseFrom(l.value()).getReasonCode())
                    .containsExactlyInAnyOrder(
                            "MALFORMED_EVENT", "UNKNOWN_PURPOSE", "IMAGE_UNDECODABLE", "IMAGE_EMPTY", "MISSING_FIELD");
        }
    }

    @Test
    void readyOnlyWithModelsLoaded() {
        RestAssured.get("/q/health/ready").then().statusCode(200);
        String body = RestAssured.get("/q/health/ready").asString();
        assertThat(body)
                .contains("face models")
                .contains(FaceNetworks.FUSION)
                .contains("fr_feature.onnx")
                .contains("dlib_face_recognition_resnet_model_v1.onnx");
        assertThat(RestAssured.get("/q/metrics").asString()).contains("likeness_embedding_stage_seconds");
    }

    /**
     * The default model is the fusion: dlib's 128 values then fr_feature's 512 (networks in id order), each part its
     * network's unit embedding scaled by sqrt(weight), so each part's squared length is that network's weight.
     */
    static void assertFused(Face face) {
        assertThat(face.getEmbeddingCount()).isEqualTo(128 + 512);
        double dlib = 0, frFeature = 0;
        for (int k = 0; k < face.getEmbeddingCount(); k++) {
            double value = face.getEmbedding(k);
            if (k < 128) {
                dlib += value * value;
            } else {
                frFeature += value * value;
            }
        }
        assertThat(frFeature).isCloseTo(FaceNetworks.FUSION_FR_FEATURE_WEIGHT, within(1e-4));
        assertThat(dlib).isCloseTo(FaceNetworks.FUSION_DLIB_WEIGHT, within(1e-4));
    }

    private static Purpose purpose(int i) {
        return switch (i % 4) {
            case 0 ->
                Purpose.newBuilder()
                        .setIdentify(Purpose.Identify.newBuilder().setTopK(3))
                        .build();
            case 1 ->
                Purpose.newBuilder()
                        .setEnrol(Purpose.Enrol.newBuilder()
                                .setIdentityId("person-" + i)
                                .setDisplayName("Person " + i))
                        .build();
            case 2 ->
                Purpose.newBuilder()
                        .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId("person-1"))
                        .build();
            default ->
                Purpose.newBuilder()
                        .setDetectOnly(Purpose.DetectOnly.getDefaultInstance())
                        .build();
        };
    }

    /** Five kinds of bad input: garbage bytes, no purpose, a truncated JPEG, an empty image, no image. */
    private static byte[] badEvent(int kind, byte[] jpeg) {
        Purpose identify = Purpose.newBuilder()
                .setIdentify(Purpose.Identify.getDefaultInstance())
                .build();
        return switch (kind) {
            case 0 -> "this is not a protobuf event".getBytes(StandardCharsets.UTF_8);
            case 1 ->
                ImageSubmitted.newBuilder()
                        .setRequestId("no-purpose")
                        .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(jpeg)))
                        .build()
                        .toByteArray();
            case 2 ->
                ImageSubmitted.newBuilder()
                        .setRequestId("truncated")
                        .setPurpose(identify)
                        .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(Arrays.copyOf(jpeg, 600))))
                        .build()
                        .toByteArray();
            case 3 ->
                ImageSubmitted.newBuilder()
                        .setRequestId("empty")
                        .setPurpose(identify)
                        .setImage(ImageSource.newBuilder().setInline(ByteString.EMPTY))
                        .build()
                        .toByteArray();
            default ->
                ImageSubmitted.newBuilder()
                        .setRequestId("no-image")
                        .setPurpose(identify)
                        .build()
                        .toByteArray();
        };
    }

    private static void assertCloudEvent(ConsumerRecord<String, byte[]> record, String type) {
        assertThat(header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
        assertThat(header(record, CloudEventHeaders.TYPE)).isEqualTo(type);
        assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("/likeness/embedding");
        assertThat(header(record, CloudEventHeaders.ID)).isEqualTo(record.key() + "/" + type);
        assertThat(header(record, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/protobuf");
        assertThat(header(record, CloudEventHeaders.TRACEPARENT)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s on %s", name, record.key()).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
