package dev.likeness.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.EventTypes;
import dev.likeness.core.kafka.RequestIds;
import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.ModelRef;
import dev.likeness.events.v1.Point;
import dev.likeness.events.v1.Purpose;
import dev.likeness.matching.gallery.DisplayNames;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.testing.BadRecord;
import dev.likeness.testing.CorpusReport;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import dev.likeness.testing.KeyedRecords;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The bad-input corpus of the matching service, through the real broker: each case is one FacesEmbedded
 * record followed, on the same partition, by a good identify request. Input no gallery state could make
 * servable must come back as a dead letter with its reason code; a well-formed request that cannot be served
 * (unknown identity, another model...) as a MatchResult with that error; and the good request must be answered.
 */
@Tag("broker")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class BadInputCorpusTest {

    static final ModelRef MODEL = MatchingApiTest.MODEL;
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Every case and its good successor go to this partition, so "next" means the next offset. */
    static final int PARTITION = 0;

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String ALICE = "corpus-" + RUN + "-alice";

    static MatchingKafka mesh;
    static KafkaTestClient kafka;
    static KeyedRecords matches;
    static KeyedRecords deadLetters;
    static final SyntheticEmbeddings EMBEDDINGS = new SyntheticEmbeddings(RUN.hashCode(), 64);
    static final float[] ALICE_FACE = EMBEDDINGS.person();

    @BeforeAll
    static void connect() {
        mesh = new MatchingKafka();
        kafka = mesh.client();
        matches = KeyedRecords.fromEnd(kafka, MatchingKafka.topic("matches"));
        deadLetters = KeyedRecords.fromEnd(kafka, MatchingKafka.topic("dead-letters"));
        MatchResult enrolled = answer(send(
                key("enrol alice"),
                MatchingKafka.request(
                                key("enrol alice"),
                                MODEL,
                                MatchingApiTest.enrol(ALICE, "Alice"),
                                List.of(MatchingKafka.face(ALICE_FACE)))
                        .toByteArray()));
        assertThat(enrolled.hasEnrolment()).as(enrolled.toString()).isTrue();
    }

    @AfterAll
    static void disconnect() {
        if (matches != null) {
            matches.close();
            deadLetters.close();
        }
        mesh.close();
    }

    static Stream<Arguments> deadLettered() {
        byte[] valid =
                identify("valid", List.of(face(EMBEDDINGS.person()))).build().toByteArray();
        byte[] image = ImageSubmitted.newBuilder().setRequestId("image").build().toByteArray();
        return Stream.concat(
                BadRecord.envelopeCases(
                        valid, valid.length - 7, image, EventTypes.typeOf(ImageSubmitted.getDefaultInstance())),
                Stream.of(
                        event("missing request id", identify("", List.of(face(EMBEDDINGS.person()))), "MISSING_FIELD"),
                        event(
                                "request id over 256 characters",
                                identify("x".repeat(RequestIds.MAX_LENGTH + 1), List.of(face(EMBEDDINGS.person()))),
                                "INVALID_FIELD"),
                        event(
                                "missing embedding model",
                                identify("no model", List.of(face(EMBEDDINGS.person())))
                                        .clearEmbeddingModel(),
                                "MISSING_FIELD"),
                        event(
                                "unknown purpose (a kind from a newer schema)",
                                identify("newer", List.of(face(EMBEDDINGS.person())))
                                        .setPurpose(Purpose.newBuilder()
                                                .setUnknownFields(UnknownFieldSet.newBuilder()
                                                        .addField(
                                                                15,
                                                                UnknownFieldSet.Field.newBuilder()
                                                                        .addLengthDelimited(
                                                                                ByteString.copyFromUtf8("x"))
                                                                        .build())
                                                        .build())),
                                "UNKNOWN_PURPOSE"),
                        event(
                                "no purpose",
                                identify("none", List.of(face(EMBEDDINGS.person())))
                                        .clearPurpose(),
                                "UNKNOWN_PURPOSE"),
                        event(
                                "enrol without identity id",
                                identify("enrol", List.of(face(EMBEDDINGS.person())))
                                        .setPurpose(MatchingApiTest.enrol("", "Nobody")),
                                "MISSING_FIELD"),
                        event(
                                "enrol with an identity id holding '/'",
                                identify("enrol slash", List.of(face(EMBEDDINGS.person())))
                                        .setPurpose(MatchingApiTest.enrol("a/b", "Slash")),
                                "INVALID_FIELD"),
                        event(
                                "enrol with a display name over 256 characters",
                                identify("long name", List.of(face(EMBEDDINGS.person())))
                                        .setPurpose(MatchingApiTest.enrol(
                                                key("long name"), "n".repeat(DisplayNames.MAX_LENGTH + 1))),
                                "INVALID_FIELD"),
                        event(
                                "verify against nothing",
                                identify("verify", List.of(face(EMBEDDINGS.person())))
                                        .setPurpose(
                                                Purpose.newBuilder().setVerify(Purpose.Verify.getDefaultInstance())),
                                "MISSING_FIELD"),
                        event(
                                "face without embedding",
                                identify(
                                        "no embedding",
                                        List.of(Face.newBuilder()
                                                .setDetectorScore(0.9f)
                                                .build())),
                                "INVALID_FIELD"),
                        event(
                                "NaN in an embedding",
                                identify("nan", List.of(face(withValue(EMBEDDINGS.person(), Float.NaN)))),
                                "INVALID_FIELD"),
                        event(
                                "infinity in an embedding",
                                identify(
                                        "infinite",
                                        List.of(face(withValue(EMBEDDINGS.person(), Float.NEGATIVE_INFINITY)))),
                                "INVALID_FIELD"),
                        event("all-zero embedding", identify("zero", List.of(face(new float[64]))), "INVALID_FIELD"),
                        event(
                                "enrol of a new model's embedding over 4096 values",
                                identify(
                                                "too long",
                                                List.of(face(
                                                        new SyntheticEmbeddings(3, Gallery.MAX_EMBEDDING_DIMENSION + 1)
                                                                .person())))
                                        .setEmbeddingModel(ModelRef.newBuilder()
                                                .setId("never-enrolled-model")
                                                .setVersion("1"))
                                        .setPurpose(MatchingApiTest.enrol(key("too long"), "Too long")),
                                "INVALID_FIELD"),
                        event(
                                "embeddings of different lengths in one request",
                                identify(
                                        "lengths",
                                        List.of(
                                                face(EMBEDDINGS.person()),
                                                face(new SyntheticEmbeddings(1, 32).person()))),
                                "INVALID_FIELD"),
                        event(
                                "subject_face beyond the faces",
                                identify("subject beyond", List.of(face(EMBEDDINGS.person())))
                                        .setSubjectFace(1),
                                "INVALID_FIELD"),
                        event(
                                "enrol naming face -1",
                                identify("negative face", List.of(face(EMBEDDINGS.person())))
                                        .setPurpose(enrolNaming(
                                                FaceChoice.newBuilder().setIndex(-1))),
                                "INVALID_FIELD"),
                        event(
                                "verify naming a face at a NaN point",
                                identify("nan point", List.of(face(EMBEDDINGS.person())))
                                        .setPurpose(Purpose.newBuilder()
                                                .setVerify(Purpose.Verify.newBuilder()
                                                        .setClaimedIdentityId(ALICE)
                                                        .setFace(FaceChoice.newBuilder()
                                                                .setPoint(Point.newBuilder()
                                                                        .setX(Float.NaN)
                                                                        .setY(1))))),
                                "INVALID_FIELD")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void deadLettered(BadRecord bad, String reasonCode) throws Exception {
        String key = send(bad);
        String next = sendGood(key);

        ConsumerRecord<String, byte[]> letter =
                deadLetters.await(key, WAIT).orElseThrow(() -> new AssertionError("no dead letter for " + bad.name()));
        DeadLetter deadLetter = DeadLetter.parseFrom(letter.value());
        assertThat(deadLetter.getReasonCode()).as(deadLetter.getReason()).isEqualTo(reasonCode);
        assertThat(deadLetter.getReason()).isNotBlank();
        assertThat(deadLetter.getService()).isEqualTo("matching");
        assertThat(deadLetter.getSourceTopic()).isEqualTo(MatchingKafka.topic("faces"));
        assertThat(deadLetter.getSourcePartition()).isEqualTo(PARTITION);
        assertThat(new String(
                        letter.headers()
                                .lastHeader(CloudEventHeaders.DEAD_LETTER_REASON_CODE)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo(reasonCode);
        assertThat(answer(next).hasRecognition())
                .as("the request after " + bad.name())
                .isTrue();
        assertThat(matches.findUpToEnd(key))
                .as("no answer besides the dead letter")
                .isEmpty();
        CorpusReport.record("matching", bad.name(), "dead letter `" + reasonCode + "`: " + deadLetter.getReason());
    }

    static Stream<Arguments> answeredWithAnError() {
        ModelRef otherVersion = MODEL.toBuilder().setVersion("corpus-" + RUN).build();
        ModelRef uncalibrated =
                ModelRef.newBuilder().setId("never-calibrated").setVersion("1").build();
        return Stream.of(
                event(
                        "unknown identity",
                        identify("unknown", List.of(face(EMBEDDINGS.view(ALICE_FACE, 0.8))))
                                .setPurpose(verify(ALICE + "-nobody")),
                        "UNKNOWN_IDENTITY"),
                event(
                        "embedding of another model (verify)",
                        identify("other model", List.of(face(ALICE_FACE)))
                                .setEmbeddingModel(otherVersion)
                                .setPurpose(verify(ALICE)),
                        "MODEL_MISMATCH"),
                event(
                        "embedding of another model (identify)",
                        identify("other model 1:K", List.of(face(ALICE_FACE))).setEmbeddingModel(otherVersion),
                        "MODEL_MISMATCH"),
                event(
                        "embedding of a model without threshold",
                        identify("uncalibrated", List.of(face(ALICE_FACE))).setEmbeddingModel(uncalibrated),
                        "UNCALIBRATED_MODEL"),
                event(
                        "embedding of another dimension than the gallery's",
                        identify("dimension", List.of(face(new SyntheticEmbeddings(2, 32).person()))),
                        "INVALID_EMBEDDING"),
                event("no face to identify", identify("no face", List.of()), "NO_FACE"),
                event(
                        "enrol naming face 3 of an image with one face",
                        identify("no face 3", List.of(face(ALICE_FACE)))
                                .setPurpose(enrolNaming(FaceChoice.newBuilder().setIndex(3))),
                        "NO_SUCH_FACE"),
                event(
                        "verify naming a point outside every box",
                        identify("no face there", List.of(boxed(ALICE_FACE, 10, 10, 50, 50)))
                                .setPurpose(Purpose.newBuilder()
                                        .setVerify(Purpose.Verify.newBuilder()
                                                .setClaimedIdentityId(ALICE)
                                                .setFace(FaceChoice.newBuilder()
                                                        .setPoint(Point.newBuilder()
                                                                .setX(60)
                                                                .setY(20))))),
                        "NO_SUCH_FACE"),
                event(
                        "verify a pair whose second image has no face",
                        identify("pair", List.of(face(ALICE_FACE)))
                                .setPurpose(Purpose.newBuilder()
                                        .setVerify(Purpose.Verify.newBuilder()
                                                .setSecondImage(ImageSource.getDefaultInstance()))),
                        "NO_FACE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void answeredWithAnError(BadRecord unservable, String code) throws Exception {
        String key = send(unservable);
        String next = sendGood(key);

        MatchResult result = answer(key);
        assertThat(result.getError().getCode()).as(result.toString()).isEqualTo(code);
        assertThat(result.getError().getMessage()).isNotBlank();
        assertThat(answer(next).hasRecognition())
                .as("the request after " + unservable.name())
                .isTrue();
        assertThat(deadLetters.findUpToEnd(key))
                .as("no dead letter besides the answer")
                .isEmpty();
        CorpusReport.record(
                "matching",
                unservable.name(),
                "MatchResult error `" + code + "`: " + result.getError().getMessage());
    }

    /** top_k of two billion: served, with at most likeness.matching.max-top-k (100) candidates per face. */
    @Test
    void absurdTopKIsCapped() throws Exception {
        String key = send(
                key("absurd top_k"),
                identify(key("absurd top_k"), List.of(face(ALICE_FACE)))
                        .setPurpose(Purpose.newBuilder()
                                .setIdentify(Purpose.Identify.newBuilder().setTopK(2_000_000_000)))
                        .build()
                        .toByteArray());
        String next = sendGood(key);

        MatchResult result = answer(key);
        assertThat(result.getRecognition().getFaces(0).getCandidatesCount()).isBetween(1, 100);
        assertThat(result.getRecognition().getFaces(0).getCandidates(0).getIdentityId())
                .isEqualTo(ALICE);
        assertThat(answer(next).hasRecognition()).isTrue();
        CorpusReport.record(
                "matching",
                "identify with top_k 2000000000",
                "works: capped at max-top-k (100), "
                        + result.getRecognition().getFaces(0).getCandidatesCount() + " candidates, Alice first");
    }

    private static String sendGood(String after) {
        String next = after + "-next";
        send(next, identify(next, List.of(face(EMBEDDINGS.person()))).build().toByteArray());
        return next;
    }

    /** Sends the case to the corpus partition under its key; returns the key. */
    private static String send(BadRecord bad) {
        String key = key(bad.name());
        kafka.send(bad.toRecord(MatchingKafka.topic("faces"), PARTITION, key));
        return key;
    }

    private static String send(String key, byte[] value) {
        kafka.send(new ProducerRecord<>(MatchingKafka.topic("faces"), PARTITION, key, value));
        return key;
    }

    private static MatchResult answer(String key) {
        ConsumerRecord<String, byte[]> record =
                matches.awaitAnswer(key, WAIT, "MatchResult", deadLetters, CloudEventHeaders.DEAD_LETTER_REASON);
        try {
            return MatchResult.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static FacesEmbedded.Builder identify(String requestId, List<Face> faces) {
        return MatchingKafka.request(requestId, MODEL, MatchingApiTest.identify(3), faces).toBuilder();
    }

    private static Purpose verify(String identityId) {
        return Purpose.newBuilder()
                .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId(identityId))
                .build();
    }

    private static Face face(float[] embedding) {
        return MatchingKafka.face(embedding);
    }

    private static Face boxed(float[] embedding, float x1, float y1, float x2, float y2) {
        return face(embedding).toBuilder()
                .setBox(BoundingBox.newBuilder().setX1(x1).setY1(y1).setX2(x2).setY2(y2))
                .build();
    }

    private static Purpose enrolNaming(FaceChoice.Builder face) {
        return Purpose.newBuilder()
                .setEnrol(Purpose.Enrol.newBuilder().setIdentityId(key("named")).setFace(face))
                .build();
    }

    private static float[] withValue(float[] embedding, float value) {
        float[] changed = embedding.clone();
        changed[7] = value;
        return changed;
    }

    private static String key(String name) {
        return BadRecord.key(RUN, name);
    }

    /** A FacesEmbedded whose request id becomes the record key, unless the case is about the request id. */
    private static Arguments event(String name, FacesEmbedded.Builder event, String code) {
        boolean keepId = event.getRequestId().isEmpty() || event.getRequestId().length() > RequestIds.MAX_LENGTH;
        return Arguments.of(
                BadRecord.event(
                        name,
                        key -> (keepId ? event : event.setRequestId(key))
                                .build()
                                .toByteArray()),
                code);
    }

    private static Arguments raw(String name, byte[] value, String type, String code) {
        return Arguments.of(BadRecord.raw(name, value, type), code);
    }
}
