package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.EventTypes;
import dev.likeness.core.kafka.RequestIds;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.testing.BadRecord;
import dev.likeness.testing.CorpusReport;
import dev.likeness.testing.ImageCorpus;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import dev.likeness.testing.KeyedRecords;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The bad-input corpus of the embedding service, through the real broker: every case is one record on
 * likeness.images.v1 followed, on the same partition, by a good request. A bad record must come back as a
 * dead letter with its specific reason code and the good one must be answered; awkward but valid images
 * (CMYK, 16-bit, palette, huge EXIF, EXIF-rotated) must give the same faces, of the same people, as the
 * plain photo.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class BadInputCorpusTest {

    static final String IMAGES = Topics.IMAGES;
    static final String FACES = Topics.FACES;
    static final String DEAD_LETTERS = Topics.deadLetters("embedding");
    static final Duration WAIT = Duration.ofSeconds(90);
    /** Every case and its good successor go to this partition, so "next" means the next offset. */
    static final int PARTITION = 0;
    /**
     * The largest ||f - f_plain||^2 accepted for the same pixels in another encoding: measured up to 0.056
     * (the palette PNG's 256 colours), the others 0.013 or less. Matching's tau for the default model, 0.3573,
     * is the different-person threshold and would let a wrong face or a broken decode through.
     */
    static final double RE_ENCODED = 0.1;
    /** Dead letters keep original values up to the inline image limit (16 MiB) whole. */
    static final int MAX_ORIGINAL_BYTES = 16 * 1024 * 1024;
    /** The folder the test profile allows file: URIs in (src/test/resources/application.properties). */
    static final Path ROOT = Path.of("target/test-images").toAbsolutePath();

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static KafkaTestClient kafka;
    static KeyedRecords faces;
    static KeyedRecords deadLetters;
    /** sample1 at half size (960x640): three faces. */
    static BufferedImage photo;

    static byte[] photoJpeg;
    static FacesEmbedded upright;

    @BeforeAll
    static void connect() throws Exception {
        kafka = KafkaBroker.shared().client();
        faces = KeyedRecords.fromEnd(kafka, FACES);
        deadLetters = KeyedRecords.fromEnd(kafka, DEAD_LETTERS);
        photo = ImageCorpus.scaled(
                ImageCorpus.decode(Files.readAllBytes(ModelsDirectory.resolve("samples/sample1.jpg"))), 0.5);
        photoJpeg = ImageCorpus.encode(photo, "jpeg");
        Files.createDirectories(ROOT);
        Files.write(ROOT.resolve("photo.jpg"), photoJpeg);
        Path outside = ROOT.resolveSibling("outside-the-root.jpg");
        Files.write(outside, photoJpeg);
        Path link = ROOT.resolve("link-out.jpg");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, outside);
        upright = embed("upright", ImageCorpus.encode(photo, "png"));
        assertThat(upright.getFacesCount()).isEqualTo(3);
    }

    @AfterAll
    static void disconnect() {
        if (faces != null) {
            faces.close();
            deadLetters.close();
        }
    }

    static Stream<Arguments> deadLettered() {
        byte[] jpeg = photoJpeg;
        byte[] jpegMagicThenNoise = ImageCorpus.randomBytes(20_000, 3);
        jpegMagicThenNoise[0] = (byte) 0xFF;
        jpegMagicThenNoise[1] = (byte) 0xD8;
        jpegMagicThenNoise[2] = (byte) 0xFF;
        byte[] overLimit = Arrays.copyOf(jpeg, 16 * 1024 * 1024 + 1); // a real JPEG, zero-padded past 16 MiB
        byte[] valid = request("a valid request").build().toByteArray();
        byte[] style = StyleRequested.newBuilder().setRequestId("style").build().toByteArray();
        // The envelope, as every service's consumer sees it.
        Stream<Arguments> envelope = BadRecord.envelopeCases(
                valid, valid.length / 2, style, EventTypes.typeOf(StyleRequested.getDefaultInstance()));
        return Stream.concat(
                envelope,
                Stream.of(
                        // The image itself.
                        Arguments.of(
                                BadRecord.withValuelessCeType("ce_type header without a value", valid),
                                "WRONG_EVENT_TYPE"),
                        inline("zero bytes", new byte[0], "IMAGE_EMPTY"),
                        inline("random bytes", ImageCorpus.randomBytes(50_000, 1), "IMAGE_UNSUPPORTED_FORMAT"),
                        inline("JPEG magic bytes, then noise", jpegMagicThenNoise, "IMAGE_UNDECODABLE"),
                        inline(
                                "truncated JPEG (first half)",
                                Arrays.copyOf(jpeg, jpeg.length / 2),
                                "IMAGE_UNDECODABLE"),
                        inline(
                                "PNG header claiming 30000x30000 (decompression bomb)",
                                ImageCorpus.pngClaiming(30_000, 30_000),
                                "IMAGE_TOO_MANY_PIXELS"),
                        inline(
                                "PNG header claiming 20000x100 (side over the limit)",
                                ImageCorpus.pngClaiming(20_000, 100),
                                "IMAGE_SIDE_TOO_LONG"),
                        inline(
                                "animated GIF",
                                ImageCorpus.animatedGif(photo, ImageCorpus.rotatedCounterClockwise(photo)),
                                "IMAGE_UNSUPPORTED_FORMAT"),
                        inline("TIFF", ImageCorpus.encode(photo, "tiff"), "IMAGE_UNSUPPORTED_FORMAT"),
                        inline(
                                "inline image of 16 MiB + 1 byte (oversized message)",
                                overLimit,
                                "IMAGE_TOO_MANY_BYTES"),
                        // The event.
                        event("missing request id", request("").setRequestId(""), "MISSING_FIELD"),
                        event(
                                "request id over 256 characters",
                                request("x".repeat(RequestIds.MAX_LENGTH + 1)),
                                "INVALID_FIELD"),
                        event("missing image", request("no image").clearImage(), "MISSING_FIELD"),
                        event(
                                "unknown purpose (a kind from a newer schema)",
                                request("newer purpose")
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
                        event("no purpose", request("no purpose").clearPurpose(), "UNKNOWN_PURPOSE"),
                        event(
                                "enrol without identity id",
                                request("enrol")
                                        .setPurpose(Purpose.newBuilder()
                                                .setEnrol(Purpose.Enrol.newBuilder()
                                                        .setDisplayName("Nobody"))),
                                "MISSING_FIELD"),
                        event(
                                "verify against nothing",
                                request("verify")
                                        .setPurpose(
                                                Purpose.newBuilder().setVerify(Purpose.Verify.getDefaultInstance())),
                                "MISSING_FIELD"),
                        event(
                                "verify with an empty second image",
                                request("verify pair")
                                        .setPurpose(Purpose.newBuilder()
                                                .setVerify(Purpose.Verify.newBuilder()
                                                        .setSecondImage(ImageSource.newBuilder()
                                                                .setInline(ByteString.EMPTY)))),
                                "IMAGE_EMPTY"),
                        // Copied into FacesEmbedded and MatchResult: unbounded, they could make a result too large to
                        // send.
                        event(
                                "attributes over 64 KiB",
                                request("attributes").putAttributes("notes", "x".repeat(300 * 1024)),
                                "INVALID_FIELD"),
                        event(
                                "negative max_faces",
                                request("options")
                                        .setOptions(ImageSubmitted.Options.newBuilder()
                                                .setMaxFaces(-1)),
                                "INVALID_FIELD"),
                        // Images by reference.
                        uri(
                                "URI that does not exist",
                                ROOT.resolve("missing.jpg").toUri().toString(),
                                "URI_NOT_FOUND"),
                        uri(
                                "URI outside the allowed roots (a real photo)",
                                ModelsDirectory.resolve("samples/sample1.jpg")
                                        .toUri()
                                        .toString(),
                                "URI_NOT_ALLOWED"),
                        uri(
                                "URI escaping the root with ..",
                                "file://" + ROOT + "/../outside-the-root.jpg",
                                "URI_NOT_ALLOWED"),
                        uri(
                                "symbolic link out of the root",
                                ROOT.resolve("link-out.jpg").toUri().toString(),
                                "URI_NOT_ALLOWED"),
                        uri("URI naming a folder", ROOT.toUri().toString(), "URI_UNREADABLE"),
                        uri(
                                "URI naming a host (file://localhost/...)",
                                "file://localhost" + ROOT + "/photo.jpg",
                                "BAD_URI"),
                        // Quoted whole in the reason, this made a dead letter of 18 MB that could not be sent.
                        uri(
                                "data: URL of 6 MB as image URI",
                                "data:image/jpeg;base64,"
                                        + Base64.getEncoder().encodeToString(ImageCorpus.randomBytes(4_500_000, 4)),
                                "BAD_URI"),
                        uri("http URI", "http://example.com/photo.jpg", "BAD_URI"),
                        uri("not a URI", "file:// photo .jpg", "BAD_URI")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void deadLettered(BadRecord bad, String reasonCode) throws Exception {
        String key = key(bad.name());
        ProducerRecord<String, byte[]> record = bad.toRecord(IMAGES, PARTITION, key);
        byte[] value = record.value();
        kafka.send(record);
        String next = sendGood(key);

        ConsumerRecord<String, byte[]> letter =
                deadLetters.await(key, WAIT).orElseThrow(() -> new AssertionError("no dead letter for " + bad.name()));
        DeadLetter deadLetter = DeadLetter.parseFrom(letter.value());
        assertThat(deadLetter.getReasonCode()).as(deadLetter.getReason()).isEqualTo(reasonCode);
        assertThat(deadLetter.getReason()).isNotBlank();
        assertThat(deadLetter.getService()).isEqualTo("embedding");
        assertThat(deadLetter.getSourceTopic()).isEqualTo(IMAGES);
        assertThat(deadLetter.getSourcePartition()).isEqualTo(PARTITION);
        byte[] original = value == null ? new byte[0] : value;
        assertThat(deadLetter.getOriginalValueSize()).isEqualTo(original.length);
        assertThat(deadLetter.getOriginalValueTruncated()).isEqualTo(original.length > MAX_ORIGINAL_BYTES);
        assertThat(deadLetter.getOriginalValue())
                .isEqualTo(ByteString.copyFrom(original, 0, Math.min(original.length, MAX_ORIGINAL_BYTES)));
        assertThat(new String(
                        letter.headers()
                                .lastHeader(CloudEventHeaders.DEAD_LETTER_REASON_CODE)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo(reasonCode);
        assertThat(faces.await(next, WAIT))
                .as("the request after " + bad.name())
                .isPresent();
        CorpusReport.record("embedding", bad.name(), "dead letter `" + reasonCode + "`: " + deadLetter.getReason());
    }

    static Stream<Arguments> readable() {
        return Stream.of(
                Arguments.of(Named.of("CMYK JPEG", ImageCorpus.cmykJpeg(photo))),
                Arguments.of(Named.of("16-bit PNG", ImageCorpus.sixteenBitPng(photo))),
                Arguments.of(Named.of("palette PNG (256 colours)", ImageCorpus.palettePng(photo))),
                Arguments.of(Named.of(
                        "huge EXIF (200 segments of 64 KiB, counts of 1e9 values)",
                        ImageCorpus.withHugeExif(photoJpeg, 200))),
                Arguments.of(Named.of(
                        "EXIF-rotated photo (pixels on their side, orientation 6)",
                        ImageCorpus.withExifOrientation(
                                ImageCorpus.encode(ImageCorpus.rotatedCounterClockwise(photo), "jpeg"), 6))));
    }

    /** Decoded as the photo it is: the same three faces, each of the same person as in the plain photo. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void readable(byte[] image, TestInfo info) throws Exception {
        String name = info.getDisplayName();
        FacesEmbedded result = embed(name, image);

        assertThat(result.getImageWidth()).isEqualTo(upright.getImageWidth());
        assertThat(result.getImageHeight()).isEqualTo(upright.getImageHeight());
        assertThat(result.getFacesCount()).isEqualTo(upright.getFacesCount());
        double worst = 0;
        for (Face expected : upright.getFacesList()) {
            Face found = result.getFacesList().stream()
                    .max((a, b) ->
                            Double.compare(iou(a.getBox(), expected.getBox()), iou(b.getBox(), expected.getBox())))
                    .orElseThrow();
            assertThat(iou(found.getBox(), expected.getBox())).as("box overlap").isGreaterThan(0.6);
            double distance = squaredDistance(found, expected);
            assertThat(distance)
                    .as("||f - f_upright||^2 of the face at %s", expected.getBox())
                    .isLessThan(RE_ENCODED);
            worst = Math.max(worst, distance);
        }
        CorpusReport.record(
                "embedding",
                name,
                String.format(
                        Locale.ROOT,
                        "works: %d faces as in the plain photo, each the same person (largest ||f - f_plain||^2 %.3f, bound %.2f)",
                        result.getFacesCount(),
                        worst,
                        RE_ENCODED));
    }

    /** Larger than the topic allows: the broker refuses the record, the producer is told, the consumer never sees it. */
    @Test
    void recordOverTheTopicsLimitIsRefusedAtTheProducer() {
        byte[] value = request("too large")
                .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(new byte[18 * 1024 * 1024])))
                .build()
                .toByteArray();
        String key = key("record over the topic's max.message.bytes");

        assertThatThrownBy(() -> kafka.send(new ProducerRecord<>(IMAGES, PARTITION, key, value)))
                .hasRootCauseInstanceOf(RecordTooLargeException.class);
        String next = sendGood(key);
        assertThat(faces.await(next, WAIT)).isPresent();
        CorpusReport.record(
                "embedding",
                "record of 18 MiB (over the topic's max.message.bytes, 17 MiB)",
                "refused to the producer: `RecordTooLargeException`; never reaches the service");
    }

    /** A record the broker takes, at the topic's limit: too many image bytes, and a dead letter that must still fit. */
    @Test
    void recordAtTheTopicsLimitIsDeadLettered() throws Exception {
        String key = key("record at the topic's max.message.bytes");
        byte[] value = request(key)
                .setImage(ImageSource.newBuilder()
                        .setInline(ByteString.copyFrom(Arrays.copyOf(photoJpeg, 17 * 1024 * 1024 - 300))))
                .build()
                .toByteArray();
        kafka.send(new ProducerRecord<>(IMAGES, PARTITION, key, value));
        String next = sendGood(key);

        DeadLetter letter = DeadLetter.parseFrom(deadLetters
                .await(key, WAIT)
                .orElseThrow(() -> new AssertionError("no dead letter"))
                .value());
        assertThat(letter.getReasonCode()).isEqualTo("IMAGE_TOO_MANY_BYTES");
        // With the whole value the dead letter would not fit the dead-letter topic: its head is kept.
        assertThat(letter.getOriginalValueSize()).isEqualTo(value.length);
        assertThat(letter.getOriginalValueTruncated()).isTrue();
        assertThat(letter.getOriginalValue()).isEqualTo(ByteString.copyFrom(value, 0, MAX_ORIGINAL_BYTES));
        assertThat(faces.await(next, WAIT)).isPresent();
        CorpusReport.record(
                "embedding",
                "record of 17 MiB - 300 bytes (at the topic's max.message.bytes)",
                "dead letter `IMAGE_TOO_MANY_BYTES`, original value cut to its first 16 MiB"
                        + " (`original_value_truncated`, `original_value_size` " + value.length + ")");
    }

    private static String sendGood(String after) {
        String next = after + "-next";
        kafka.send(new ProducerRecord<>(
                IMAGES,
                PARTITION,
                next,
                request(next)
                        .setPurpose(Purpose.newBuilder().setDetectOnly(Purpose.DetectOnly.getDefaultInstance()))
                        .build()
                        .toByteArray()));
        return next;
    }

    private static FacesEmbedded embed(String name, byte[] image) throws Exception {
        String key = key(name);
        kafka.send(new ProducerRecord<>(
                IMAGES,
                PARTITION,
                key,
                request(key)
                        .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(image)))
                        .build()
                        .toByteArray()));
        return FacesEmbedded.parseFrom(
                faces.awaitAnswer(key, WAIT, "FacesEmbedded", deadLetters, CloudEventHeaders.DEAD_LETTER_REASON)
                        .value());
    }

    private static ImageSubmitted.Builder request(String requestId) {
        return ImageSubmitted.newBuilder()
                .setRequestId(requestId)
                .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(photoJpeg)))
                .setPurpose(Purpose.newBuilder().setIdentify(Purpose.Identify.getDefaultInstance()));
    }

    private static String key(String name) {
        return BadRecord.key(RUN, name);
    }

    private static double iou(BoundingBox a, BoundingBox b) {
        double width = Math.min(a.getX2(), b.getX2()) - Math.max(a.getX1(), b.getX1());
        double height = Math.min(a.getY2(), b.getY2()) - Math.max(a.getY1(), b.getY1());
        double overlap = Math.max(0, width) * Math.max(0, height);
        double union = (a.getX2() - a.getX1()) * (a.getY2() - a.getY1())
                + (b.getX2() - b.getX1()) * (b.getY2() - b.getY1())
                - overlap;
        return overlap / union;
    }

    private static double squaredDistance(Face a, Face b) {
        double sum = 0;
        for (int i = 0; i < a.getEmbeddingCount(); i++) {
            double d = a.getEmbedding(i) - b.getEmbedding(i);
            sum += d * d;
        }
        return sum;
    }

    private static Arguments inline(String name, byte[] image, String reasonCode) {
        return event(
                name,
                request(name).setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(image))),
                reasonCode);
    }

    private static Arguments uri(String name, String uri, String reasonCode) {
        return event(name, request(name).setImage(ImageSource.newBuilder().setUri(uri)), reasonCode);
    }

    /** An ImageSubmitted whose request id becomes the record key unless the case clears it. */
    private static Arguments event(String name, ImageSubmitted.Builder event, String reasonCode) {
        boolean keepId = event.getRequestId().isEmpty() || event.getRequestId().length() > RequestIds.MAX_LENGTH;
        return Arguments.of(
                BadRecord.event(
                        name,
                        key -> (keepId ? event : event.setRequestId(key))
                                .build()
                                .toByteArray()),
                reasonCode);
    }

    private static Arguments raw(String name, byte[] value, String type, String reasonCode) {
        return Arguments.of(BadRecord.raw(name, value, type), reasonCode);
    }
}
