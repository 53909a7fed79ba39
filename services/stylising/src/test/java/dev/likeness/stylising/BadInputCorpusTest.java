package dev.likeness.stylising;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.EventTypes;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.LayerWeight;
import dev.likeness.events.v1.OptimisationSettings;
import dev.likeness.events.v1.StyleCancelRequested;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.events.v1.WeightedStyle;
import dev.likeness.stylising.engine.TestPictures;
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
 * The bad-input corpus of the stylising service, through the real broker: each case is one StyleRequested
 * record followed, on the same partition, by a good (tiny) request. Malformed or nonsensical requests must come
 * back as dead letters with their reason code, well-formed ones beyond this service's limits as an
 * ImageStylised error result, and the good request must be painted.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class BadInputCorpusTest {

    static final String REQUESTS = Topics.STYLE_REQUESTS;
    static final String RESULTS = Topics.STYLE_RESULTS;
    static final String DEAD_LETTERS = Topics.deadLetters("stylising");
    static final Duration WAIT = Duration.ofSeconds(90);
    /** Every case and its good successor go to this partition, so "next" means the next offset. */
    static final int PARTITION = 0;
    /** The folder the test profile allows file: URIs in (src/test/resources/application.properties). */
    static final Path ROOT = Path.of("target/test-images").toAbsolutePath();

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    static KafkaTestClient kafka;
    static KeyedRecords results;
    static KeyedRecords deadLetters;
    /** sample1 at a tenth of its size (192x128), as JPEG. */
    static byte[] content;

    static byte[] style;

    @BeforeAll
    static void connect() throws Exception {
        kafka = KafkaBroker.shared().client();
        results = KeyedRecords.fromEnd(kafka, RESULTS);
        deadLetters = KeyedRecords.fromEnd(kafka, DEAD_LETTERS);
        content = ImageCorpus.encode(
                ImageCorpus.scaled(
                        ImageCorpus.decode(Files.readAllBytes(ModelsDirectory.resolve("samples/sample1.jpg"))), 0.1),
                "jpeg");
        style = TestPictures.stylePattern(64, 64).png();
        Files.createDirectories(ROOT);
    }

    @AfterAll
    static void disconnect() {
        if (results != null) {
            results.close();
            deadLetters.close();
        }
    }

    static Stream<Arguments> deadLettered() {
        byte[] valid = request("valid").build().toByteArray();
        byte[] cancel =
                StyleCancelRequested.newBuilder().setRequestId("cancel").build().toByteArray();
        return Stream.concat(
                BadRecord.envelopeCases(
                        valid, valid.length / 2, cancel, EventTypes.typeOf(StyleCancelRequested.getDefaultInstance())),
                Stream.of(
                        event("missing request id", request("").setRequestId(""), "MISSING_FIELD"),
                        event("missing content image", request("no content").clearContent(), "MISSING_IMAGE"),
                        event("no style image", request("no style").clearStyles(), "MISSING_IMAGE"),
                        event("content of zero bytes", request("empty").setContent(inline(new byte[0])), "IMAGE_EMPTY"),
                        event(
                                "content of random bytes",
                                request("noise").setContent(inline(ImageCorpus.randomBytes(4096, 5))),
                                "IMAGE_UNSUPPORTED_FORMAT"),
                        event(
                                "truncated JPEG content",
                                request("truncated").setContent(inline(Arrays.copyOf(content, content.length / 2))),
                                "IMAGE_UNDECODABLE"),
                        event(
                                "style image claiming 30000x30000 (decompression bomb)",
                                request("bomb")
                                        .setStyles(
                                                0,
                                                WeightedStyle.newBuilder()
                                                        .setImage(inline(ImageCorpus.pngClaiming(30_000, 30_000)))),
                                "IMAGE_TOO_MANY_PIXELS"),
                        event(
                                "content URI that does not exist",
                                request("missing")
                                        .setContent(ImageSource.newBuilder()
                                                .setUri(ROOT.resolve("missing.jpg")
                                                        .toUri()
                                                        .toString())),
                                "URI_NOT_FOUND"),
                        event(
                                "content URI outside the allowed roots",
                                request("outside")
                                        .setContent(ImageSource.newBuilder()
                                                .setUri(ModelsDirectory.resolve("samples/sample1.jpg")
                                                        .toUri()
                                                        .toString())),
                                "URI_NOT_ALLOWED"),
                        event(
                                "absurd output size (1000000 px)",
                                request("absurd size").setOutputMaxSide(1_000_000),
                                "INVALID_SIZE"),
                        event("output size of 8 px", request("tiny").setOutputMaxSide(8), "INVALID_SIZE"),
                        event(
                                "content of 3000x2 px (a strip)",
                                request("strip")
                                        .setContent(inline(ImageCorpus.encode(
                                                new BufferedImage(3000, 2, BufferedImage.TYPE_INT_RGB), "png")))
                                        .setOutputMaxSide(512),
                                "INVALID_SIZE"),
                        event(
                                "absurd iterations (2000000000)",
                                request("absurd iterations")
                                        .setOptimisation(settings().setIterations(2_000_000_000)),
                                "INVALID_FIELD"),
                        event(
                                "zero iterations",
                                request("zero iterations")
                                        .setOptimisation(settings().setIterations(0)),
                                "INVALID_FIELD"),
                        event(
                                "NaN beta",
                                request("nan").setOptimisation(settings().setBeta(Float.NaN)),
                                "INVALID_WEIGHT"),
                        event(
                                "infinite alpha",
                                request("infinite").setOptimisation(settings().setAlpha(Float.POSITIVE_INFINITY)),
                                "INVALID_WEIGHT"),
                        event(
                                "negative style weight",
                                request("negative")
                                        .setStyles(
                                                0,
                                                WeightedStyle.newBuilder()
                                                        .setImage(inline(style))
                                                        .setWeight(-1)),
                                "INVALID_WEIGHT"),
                        event(
                                "style weights summing to zero",
                                request("zero weights")
                                        .setStyles(
                                                0,
                                                WeightedStyle.newBuilder()
                                                        .setImage(inline(style))
                                                        .setWeight(0)),
                                "INVALID_WEIGHT"),
                        event(
                                "negative layer weight",
                                request("negative lambda")
                                        .setOptimisation(settings()
                                                .addStyleLayers(LayerWeight.newBuilder()
                                                        .setLayer("res2c")
                                                        .setWeight(-2))),
                                "INVALID_WEIGHT"),
                        event(
                                "unknown style layer",
                                request("layer")
                                        .setOptimisation(settings()
                                                .addStyleLayers(LayerWeight.newBuilder()
                                                        .setLayer("block5_conv1")
                                                        .setWeight(1))),
                                "UNKNOWN_LAYER"),
                        event(
                                "unknown content layer",
                                request("content layer")
                                        .setOptimisation(settings().setContentLayer("conv4_2")),
                                "UNKNOWN_LAYER"),
                        event("unknown fast style name", fast("van gogh", "van-gogh"), "UNKNOWN_STYLE"),
                        event("fast style name that is a path", fast("path", "../../../etc/passwd"), "UNKNOWN_STYLE"),
                        event("fast engine without a style name", fast("nameless", ""), "MISSING_FIELD"),
                        event(
                                "unknown engine (enum value 99)",
                                request("engine").setEngineValue(99),
                                "INVALID_FIELD"),
                        event(
                                "negative learning rate",
                                request("rate").setOptimisation(settings().setLearningRate(-1)),
                                "INVALID_FIELD"),
                        event(
                                "negative scales",
                                request("scales").setOptimisation(settings().setScales(-1)),
                                "INVALID_FIELD"),
                        event("negative progress_every", request("progress").setProgressEvery(-5), "INVALID_FIELD"),
                        event(
                                "float WAV content declaring 0 channels",
                                request("no channels").setContent(inline(floatWavOfNoChannels())),
                                "SOUND_UNSUPPORTED"),
                        event(
                                "attributes over 64 KiB",
                                request("attributes").putAttributes("notes", "x".repeat(300 * 1024)),
                                "INVALID_FIELD")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void deadLettered(BadRecord bad, String reasonCode) throws Exception {
        String key = send(bad);
        String next = sendGood(key);

        ConsumerRecord<String, byte[]> letter = deadLetters
                .await(key, WAIT)
                .orElseThrow(() -> new AssertionError("no dead letter for " + bad.name() + answerOf(key)));
        DeadLetter deadLetter = DeadLetter.parseFrom(letter.value());
        assertThat(deadLetter.getReasonCode()).as(deadLetter.getReason()).isEqualTo(reasonCode);
        assertThat(deadLetter.getReason()).isNotBlank();
        assertThat(deadLetter.getService()).isEqualTo("stylising");
        assertThat(deadLetter.getSourceTopic()).isEqualTo(REQUESTS);
        assertThat(deadLetter.getSourcePartition()).isEqualTo(PARTITION);
        assertThat(new String(
                        letter.headers()
                                .lastHeader(CloudEventHeaders.DEAD_LETTER_REASON_CODE)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo(reasonCode);
        assertPainted(next);
        assertThat(results.findUpToEnd(key))
                .as("no result besides the dead letter")
                .isEmpty();
        CorpusReport.record("stylising", bad.name(), "dead letter `" + reasonCode + "`: " + deadLetter.getReason());
    }

    static Stream<Arguments> answeredWithAnError() {
        StyleRequested.Builder nineStyles = request("nine styles");
        for (int i = 1; i < 9; i++) {
            nineStyles.addStyles(WeightedStyle.newBuilder().setImage(inline(style)));
        }
        return Stream.of(
                event("output size over the limit (5000 px)", request("big").setOutputMaxSide(5000), "LIMIT_EXCEEDED"),
                event(
                        "iterations over the limit (5000)",
                        request("long").setOptimisation(settings().setIterations(5000)),
                        "LIMIT_EXCEEDED"),
                event("nine style images (limit 8)", nineStyles, "LIMIT_EXCEEDED"),
                event(
                        "five scales (limit 4)",
                        request("scales").setOptimisation(settings().setScales(5)),
                        "LIMIT_EXCEEDED"),
                event(
                        "GIF of 64 one-pixel frames on a 6000x6000 screen, painted at 512 px",
                        request("gif screen")
                                .setContent(inline(gifOfDotsOnAScreen(64, 6000)))
                                .setOutputMaxSide(512),
                        "LIMIT_EXCEEDED"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void answeredWithAnError(BadRecord unservable, String code) throws Exception {
        String key = send(unservable);
        String next = sendGood(key);

        ImageStylised result = result(key);
        assertThat(result.getError().getCode())
                .as(result.getError().getMessage())
                .isEqualTo(code);
        assertThat(result.getError().getMessage()).isNotBlank();
        assertPainted(next);
        assertThat(deadLetters.findUpToEnd(key))
                .as("no dead letter besides the result")
                .isEmpty();
        CorpusReport.record(
                "stylising",
                unservable.name(),
                "ImageStylised error `" + code + "`: " + result.getError().getMessage());
    }

    private static void assertPainted(String key) {
        ImageStylised result = result(key);
        assertThat(result.hasError())
                .as("the request after: " + result.getError().getMessage())
                .isFalse();
        assertThat(result.getImage().getInline().size()).isPositive();
    }

    private static String sendGood(String after) {
        String next = after + "-next";
        send(next, request(next).build().toByteArray());
        return next;
    }

    /** Sends the case to the corpus partition under its key; returns the key. */
    private static String send(BadRecord bad) {
        String key = key(bad.name());
        kafka.send(bad.toRecord(REQUESTS, PARTITION, key));
        return key;
    }

    private static String send(String key, byte[] value) {
        kafka.send(new ProducerRecord<>(REQUESTS, PARTITION, key, value));
        return key;
    }

    private static ImageStylised result(String key) {
        ConsumerRecord<String, byte[]> record =
                results.awaitAnswer(key, WAIT, "ImageStylised", deadLetters, CloudEventHeaders.DEAD_LETTER_REASON);
        try {
            return ImageStylised.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static String answerOf(String key) {
        return results.await(key, Duration.ZERO)
                .map(record -> {
                    try {
                        return " (answered: "
                                + ImageStylised.parseFrom(record.value()).getError() + ")";
                    } catch (InvalidProtocolBufferException e) {
                        return " (answered with an unreadable record)";
                    }
                })
                .orElse("");
    }

    /** A request that is valid as it is: 32 px, one L-BFGS iteration. */
    private static StyleRequested.Builder request(String requestId) {
        return StyleRequested.newBuilder()
                .setRequestId(requestId)
                .setContent(inline(content))
                .addStyles(WeightedStyle.newBuilder().setImage(inline(style)))
                .setOutputMaxSide(32)
                .setOptimisation(settings());
    }

    private static OptimisationSettings.Builder settings() {
        return OptimisationSettings.newBuilder().setIterations(1);
    }

    private static StyleRequested.Builder fast(String requestId, String style) {
        return StyleRequested.newBuilder()
                .setRequestId(requestId)
                .setEngine(StyleRequested.Engine.FAST)
                .setFastStyle(style)
                .setContent(inline(content));
    }

    /**
     * A 48-byte WAV of 32-bit floats (format tag 3) whose header declares 0 channels: the JDK's float reader passes
     * the count on unchecked.
     */
    private static byte[] floatWavOfNoChannels() {
        ByteBuffer wav = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        wav.put(ascii("RIFF")).putInt(40).put(ascii("WAVE"));
        wav.put(ascii("fmt ")).putInt(16).putShort((short) 3).putShort((short) 0);
        wav.putInt(16_000).putInt(64_000).putShort((short) 4).putShort((short) 32);
        wav.put(ascii("data")).putInt(4).putFloat(0.5f);
        return wav.array();
    }

    /**
     * A GIF of {@code frames} one-pixel frames (a few bytes each) on a square logical screen of {@code side} px:
     * decoded, every frame would be a full screen.
     */
    private static byte[] gifOfDotsOnAScreen(int frames, int side) {
        ByteBuffer gif = ByteBuffer.allocate(13 + 21 * frames + 1).order(ByteOrder.LITTLE_ENDIAN);
        gif.put(ascii("GIF89a")).putShort((short) side).putShort((short) side).put(new byte[3]);
        for (int frame = 0; frame < frames; frame++) {
            // Image descriptor at (0, 0), 1x1, with a local table of two colours (black, white).
            gif.put((byte) 0x2C)
                    .putInt(0)
                    .putShort((short) 1)
                    .putShort((short) 1)
                    .put((byte) 0x80);
            gif.put(new byte[] {0, 0, 0, -1, -1, -1});
            // LZW, minimum code size 2: clear, colour 0, end.
            gif.put(new byte[] {2, 2, 0x44, 1, 0});
        }
        gif.put((byte) 0x3B);
        return gif.array();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static ImageSource inline(byte[] bytes) {
        return ImageSource.newBuilder().setInline(ByteString.copyFrom(bytes)).build();
    }

    private static String key(String name) {
        return BadRecord.key(RUN, name);
    }

    /** A StyleRequested whose request id becomes the record key, unless the case is about the request id. */
    private static Arguments event(String name, StyleRequested.Builder event, String code) {
        boolean keepId = event.getRequestId().isEmpty();
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
