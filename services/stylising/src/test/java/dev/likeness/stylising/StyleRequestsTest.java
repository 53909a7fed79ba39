package dev.likeness.stylising;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.google.protobuf.ByteString;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.OptimisationSettings;
import dev.likeness.events.v1.StyleCancelRequested;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.events.v1.WeightedStyle;
import dev.likeness.follower.TopicFollower;
import dev.likeness.stylising.engine.BlurNetwork;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Raster;
import dev.likeness.stylising.engine.TestPictures;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** The stylising service through the real broker: requests in, progress and pictures out. */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StyleRequestsTest {

    static final String REQUESTS = Topics.STYLE_REQUESTS;
    static final String PROGRESS = Topics.STYLE_PROGRESS;
    static final String RESULTS = Topics.STYLE_RESULTS;
    static final String CANCELLATIONS = Topics.STYLE_CANCELLATIONS;
    static final String DLQ = Topics.deadLetters("stylising");
    static final Duration WAIT = Duration.ofSeconds(120);
    /**
     * Mean |difference| (0..255) of 48 px pictures painted 4 Adam steps from noise: seeds 42 and 7 measured
     * 37, the seed-42 picture and its own JPEG 5.1 (noise is hard on JPEG).
     */
    static final double SEED_DIFFERENCE = 15;

    static final double JPEG_ERROR = 10;

    @Inject
    Gatys gatys;

    @Inject
    StylisingConfig config;

    static byte[] photo() throws Exception {
        return Files.readAllBytes(ModelsDirectory.locate().resolve("samples/sample1.jpg"));
    }

    static byte[] style() {
        return TestPictures.stylePattern(256, 256).png();
    }

    static StyleRequested.Builder optimisation(String id, int side, OptimisationSettings settings) throws Exception {
        return StyleRequested.newBuilder()
                .setRequestId(id)
                .setContent(ImageSource.newBuilder().setInline(ByteString.copyFrom(photo())))
                .addStyles(WeightedStyle.newBuilder()
                        .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(style()))))
                .setOutputMaxSide(side)
                .setOptimisation(settings)
                .putAttributes("client", "test");
    }

    /** Records read but not yet asked for, per reader: results of different keys may come in any order. */
    static final Map<TopicFollower, List<ConsumerRecord<String, byte[]>>> UNCLAIMED = new java.util.IdentityHashMap<>();

    /** Reads records of one key until {@code count} arrived; records of other keys are kept for later calls. */
    static List<ConsumerRecord<String, byte[]>> readKey(TopicFollower reader, String key, int count, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> unclaimed = UNCLAIMED.computeIfAbsent(reader, r -> new ArrayList<>());
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        for (var it = unclaimed.iterator(); it.hasNext() && found.size() < count; ) {
            ConsumerRecord<String, byte[]> record = it.next();
            if (key.equals(record.key())) {
                found.add(record);
                it.remove();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (found.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : reader.read(1, Duration.ofMillis(500))) {
                if (key.equals(record.key())) {
                    found.add(record);
                } else {
                    unclaimed.add(record);
                }
            }
        }
        return found;
    }

    static Raster decode(byte[] bytes) throws Exception {
        var image = ImageIO.read(new ByteArrayInputStream(bytes));
        return Raster.of(image, image.getWidth(), image.getHeight());
    }

    @Test
    @Order(1)
    void paintsTowardsTheStyleWithProgress() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower progress = kafka.readFromEnd(PROGRESS);
                TopicFollower results = kafka.readFromEnd(RESULTS)) {
            kafka.send(
                    REQUESTS,
                    "opt-1",
                    optimisation(
                                    "opt-1",
                                    128,
                                    OptimisationSettings.newBuilder()
                                            .setIterations(50)
                                            .build())
                            .setProgressEvery(5)
                            .build()
                            .toByteArray());

            List<StyleProgress> events = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : readKey(progress, "opt-1", 10, WAIT)) {
                events.add(StyleProgress.parseFrom(record.value()));
            }
            ImageStylised result = ImageStylised.parseFrom(
                    readKey(results, "opt-1", 1, WAIT).get(0).value());

            assertThat(result.hasError()).as(result.getError().getMessage()).isFalse();
            assertThat(events).hasSize(10);
            assertThat(events)
                    .extracting(StyleProgress::getIteration)
                    .containsExactly(5, 10, 15, 20, 25, 30, 35, 40, 45, 50);
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).getCost()).isLessThan(events.get(i - 1).getCost());
            }
            StyleProgress last = events.get(events.size() - 1);
            assertThat(last.getTotalIterations()).isEqualTo(50);
            assertThat(last.getEtaMs()).isZero();
            assertThat(last.getPreviewPng().size()).isPositive();
            assertThat(last.getAttributesMap()).containsEntry("client", "test");
            assertThat(result.getIterations()).isEqualTo(50);
            assertThat(result.getAttributesMap()).containsEntry("client", "test");
            assertThat(Math.max(result.getWidth(), result.getHeight())).isEqualTo(128);

            // J_style at the content-initialised start, evaluated the way the service does.
            Raster content = Raster.of(
                    new dev.likeness.core.image.ImageDecoder().decode(photo()).image(),
                    result.getWidth(),
                    result.getHeight());
            Raster styleImage = Raster.of(ImageIO.read(new ByteArrayInputStream(style())), 128, 128);
            Map<String, FloatTensor> contentTargets = gatys.targetsOf(content);
            contentTargets.keySet().removeIf(name -> !name.startsWith(Gatys.CONTENT_TARGET));
            Map<String, FloatTensor> styleGrams = gatys.blendedGrams(List.of(styleImage), new float[] {1});
            StylisingConfig.Defaults defaults = config.defaults();
            Gatys.Settings settings = new Gatys.Settings(
                    defaults.alpha(),
                    defaults.beta(),
                    defaults.gammaTv(),
                    Map.of(),
                    50,
                    Gatys.Method.LBFGS,
                    1,
                    Gatys.Init.CONTENT,
                    0,
                    false,
                    1,
                    5);
            double startStyle = gatys.evaluate(content, contentTargets, styleGrams, settings)
                    .styleCost();
            Raster painted = decode(result.getImage().getInline().toByteArray());
            double endStyle = gatys.evaluate(painted, contentTargets, styleGrams, settings)
                    .styleCost();
            System.out.printf(
                    "J_style (beta-weighted) start %.4g, last progress %.4g, final picture %.4g; J %.4g -> %.4g%n",
                    startStyle, last.getStyleCost(), endStyle, events.get(0).getCost(), last.getCost());
            assertThat(last.getStyleCost()).isLessThan(0.2 * startStyle);
            assertThat(endStyle).isLessThan(0.2 * startStyle);

            // The picture differs from the content, and its Gram matrices moved towards the style's.
            double difference = 0;
            for (int i = 0; i < content.data().length; i++) {
                difference += Math.abs(content.data()[i] - painted.data()[i]);
            }
            assertThat(difference / content.data().length).isGreaterThan(10);
            Map<String, FloatTensor> contentGrams = gatys.blendedGrams(List.of(content), new float[] {1});
            Map<String, FloatTensor> paintedGrams = gatys.blendedGrams(List.of(painted), new float[] {1});
            for (String layer : styleGrams.keySet()) {
                assertThat(distance(paintedGrams.get(layer), styleGrams.get(layer)))
                        .as(layer)
                        .isLessThan(distance(contentGrams.get(layer), styleGrams.get(layer)));
            }
        }
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(2)
    void sameSeedSamePictureWithAdamFromNoise() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        OptimisationSettings settings = OptimisationSettings.newBuilder()
                .setIterations(4)
                .setOptimiser(OptimisationSettings.Optimiser.ADAM)
                .setInit(OptimisationSettings.Init.NOISE)
                .setSeed(42)
                .setPreserveColour(true)
                .build();
        try (TopicFollower results = kafka.readFromEnd(RESULTS)) {
            kafka.send(
                    REQUESTS,
                    "seed-a",
                    optimisation("seed-a", 48, settings).build().toByteArray());
            kafka.send(
                    REQUESTS,
                    "seed-b",
                    optimisation("seed-b", 48, settings).build().toByteArray());
            kafka.send(
                    REQUESTS,
                    "seed-c",
                    optimisation("seed-c", 48, settings.toBuilder().setSeed(7).build())
                            .build()
                            .toByteArray());
            kafka.send(
                    REQUESTS,
                    "seed-a-jpeg",
                    optimisation("seed-a-jpeg", 48, settings)
                            .setOutputFormat(StyleRequested.OutputFormat.JPEG)
                            .build()
                            .toByteArray());
            ImageStylised a = ImageStylised.parseFrom(
                    readKey(results, "seed-a", 1, WAIT).get(0).value());
            ImageStylised b = ImageStylised.parseFrom(
                    readKey(results, "seed-b", 1, WAIT).get(0).value());
            ImageStylised c = ImageStylised.parseFrom(
                    readKey(results, "seed-c", 1, WAIT).get(0).value());
            ImageStylised jpeg = ImageStylised.parseFrom(
                    readKey(results, "seed-a-jpeg", 1, WAIT).get(0).value());
            assertThat(a.getImage().getInline()).isEqualTo(b.getImage().getInline());
            assertThat(a.getImage().getContentType()).isEqualTo("image/png");
            Raster seedA = decode(a.getImage().getInline().toByteArray());
            double otherSeed = meanAbsoluteDifference(
                    seedA, decode(c.getImage().getInline().toByteArray()));
            double asJpeg = meanAbsoluteDifference(
                    seedA, decode(jpeg.getImage().getInline().toByteArray()));
            System.out.printf("mean |seed 42 - seed 7| %.2f, mean |PNG - JPEG| of seed 42 %.2f%n", otherSeed, asJpeg);
            assertThat(otherSeed).as("another seed paints another picture").isGreaterThan(SEED_DIFFERENCE);
            assertThat(jpeg.getImage().getContentType()).isEqualTo("image/jpeg");
            assertThat(asJpeg).as("the same picture as JPEG").isLessThan(JPEG_ERROR);
        }
    }

    @Test
    @Order(3)
    void cancelsARunningJob() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower progress = kafka.readFromEnd(PROGRESS);
                TopicFollower results = kafka.readFromEnd(RESULTS)) {
            kafka.send(
                    REQUESTS,
                    "cancel-1",
                    optimisation(
                                    "cancel-1",
                                    96,
                                    OptimisationSettings.newBuilder()
                                            .setIterations(2000)
                                            .build())
                            .setProgressEvery(1)
                            .build()
                            .toByteArray());
            assertThat(readKey(progress, "cancel-1", 1, WAIT)).hasSize(1);
            kafka.send(
                    CANCELLATIONS,
                    "cancel-1",
                    StyleCancelRequested.newBuilder()
                            .setRequestId("cancel-1")
                            .build()
                            .toByteArray());
            ImageStylised result = ImageStylised.parseFrom(
                    readKey(results, "cancel-1", 1, WAIT).get(0).value());
            assertThat(result.getCancelled()).isTrue();
            assertThat(result.getIterations()).isBetween(1, 1999);
            assertThat(result.getImage().getInline().size()).isPositive();
        }
    }

    @Test
    @Order(4)
    void fastStyleTiledAndLargeResultsToAFile() throws Exception {
        BlurNetwork.write(Path.of("target/test-styles/inverted-blur.onnx"));
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower results = kafka.readFromEnd(RESULTS)) {
            StyleRequested.Builder fast = StyleRequested.newBuilder()
                    .setEngine(StyleRequested.Engine.FAST)
                    .setFastStyle("inverted-blur")
                    .setContent(ImageSource.newBuilder().setInline(ByteString.copyFrom(photo())));
            kafka.send(
                    REQUESTS,
                    "fast-1",
                    fast.setRequestId("fast-1").setOutputMaxSide(150).build().toByteArray());
            kafka.send(
                    REQUESTS,
                    "fast-2",
                    fast.setRequestId("fast-2").setOutputMaxSide(600).build().toByteArray());
            ImageStylised small = ImageStylised.parseFrom(
                    readKey(results, "fast-1", 1, WAIT).get(0).value());
            ImageStylised large = ImageStylised.parseFrom(
                    readKey(results, "fast-2", 1, WAIT).get(0).value());
            assertThat(small.getModel().getId()).isEqualTo("fast:inverted-blur");
            assertThat(small.getWidth()).isEqualTo(150);
            Raster painted = decode(small.getImage().getInline().toByteArray());
            Raster content = Raster.of(
                    new dev.likeness.core.image.ImageDecoder().decode(photo()).image(),
                    painted.width(),
                    painted.height());
            // Inverted: a bright content pixel comes out dark.
            double correlation = 0;
            for (int i = 0; i < content.data().length; i++) {
                correlation += (content.data()[i] - 128) * (painted.data()[i] - 128);
            }
            assertThat(correlation).isNegative();
            assertThat(large.getImage().getUri()).startsWith("file:");
            assertThat(Files.size(Path.of(URI.create(large.getImage().getUri()))))
                    .isGreaterThan(100_000);
            assertThat(large.getWidth()).isEqualTo(600);
        }
    }

    @Test
    @Order(5)
    void limitsAnswerWithErrorsAndNonsenseIsDeadLettered() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower results = kafka.readFromEnd(RESULTS);
                TopicFollower deadLetters = kafka.readFromEnd(DLQ)) {
            OptimisationSettings ok =
                    OptimisationSettings.newBuilder().setIterations(1).build();
            kafka.send(REQUESTS, "big", optimisation("big", 5000, ok).build().toByteArray());
            kafka.send(
                    REQUESTS,
                    "long",
                    optimisation(
                                    "long",
                                    64,
                                    OptimisationSettings.newBuilder()
                                            .setIterations(5000)
                                            .build())
                            .build()
                            .toByteArray());
            kafka.send(
                    REQUESTS,
                    "nan",
                    optimisation("nan", 64, ok.toBuilder().setBeta(Float.NaN).build())
                            .build()
                            .toByteArray());
            kafka.send(
                    REQUESTS,
                    "negative",
                    optimisation("negative", 64, ok)
                            .setStyles(
                                    0,
                                    WeightedStyle.newBuilder()
                                            .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(style())))
                                            .setWeight(-1))
                            .build()
                            .toByteArray());
            kafka.send(
                    REQUESTS,
                    "unknown-fast",
                    StyleRequested.newBuilder()
                            .setRequestId("unknown-fast")
                            .setEngine(StyleRequested.Engine.FAST)
                            .setFastStyle("van-gogh")
                            .setContent(ImageSource.newBuilder().setInline(ByteString.copyFrom(photo())))
                            .build()
                            .toByteArray());
            kafka.send(
                    REQUESTS,
                    "absurd",
                    optimisation("absurd", 1_000_000, ok).build().toByteArray());
            kafka.send(REQUESTS, "garbage", new byte[] {(byte) 0xff, 0x01, 0x02});

            assertThat(ImageStylised.parseFrom(
                                    readKey(results, "big", 1, WAIT).get(0).value())
                            .getError()
                            .getCode())
                    .isEqualTo("LIMIT_EXCEEDED");
            assertThat(ImageStylised.parseFrom(
                                    readKey(results, "long", 1, WAIT).get(0).value())
                            .getError()
                            .getCode())
                    .isEqualTo("LIMIT_EXCEEDED");
            Map<String, String> reasons = new java.util.HashMap<>();
            for (ConsumerRecord<String, byte[]> record : deadLetters.read(5, WAIT)) {
                reasons.put(record.key(), DeadLetter.parseFrom(record.value()).getReasonCode());
            }
            assertThat(reasons)
                    .containsEntry("nan", "INVALID_WEIGHT")
                    .containsEntry("negative", "INVALID_WEIGHT")
                    .containsEntry("unknown-fast", "UNKNOWN_STYLE")
                    .containsEntry("absurd", "INVALID_SIZE")
                    .containsEntry("garbage", "MALFORMED_EVENT");
        }
    }

    @Test
    @Order(6)
    void multiScaleAndPreservedColourInTheEngine() throws Exception {
        Raster content = Raster.of(
                new dev.likeness.core.image.ImageDecoder().decode(photo()).image(), 64, 48);
        Raster styleImage = TestPictures.stylePattern(64, 64);
        Gatys.Settings settings =
                new Gatys.Settings(1, 1000, 1e-5, Map.of(), 3, Gatys.Method.ADAM, 2, Gatys.Init.CONTENT, 0, true, 2, 1);
        List<Integer> iterations = new ArrayList<>();
        Gatys.Result result = gatys.run(
                content,
                List.of(styleImage),
                new float[] {1},
                settings,
                (iteration, total, evaluation, current, elapsed) -> iterations.add(iteration),
                () -> false);
        assertThat(result.iterations()).isEqualTo(6);
        assertThat(iterations).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(result.image().width()).isEqualTo(64);
        assertThat(result.image().height()).isEqualTo(48);
        // Preserved colour: the result's chroma is the content's (up to clamping at 0 and 255).
        int plane = content.plane();
        double chromaError = 0;
        for (int i = 0; i < plane; i++) {
            chromaError += Math.abs(cb(result.image(), i, plane) - cb(content, i, plane));
        }
        assertThat(chromaError / plane).isLessThan(3);
    }

    @Test
    @Order(7)
    void preservedColourPaintsOnlyTheLuminance() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower progress = kafka.readFromEnd(PROGRESS);
                TopicFollower results = kafka.readFromEnd(RESULTS)) {
            kafka.send(
                    REQUESTS,
                    "colour-1",
                    optimisation(
                                    "colour-1",
                                    96,
                                    OptimisationSettings.newBuilder()
                                            .setIterations(30)
                                            .setPreserveColour(true)
                                            .build())
                            .setProgressEvery(1)
                            .build()
                            .toByteArray());
            List<StyleProgress> events = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : readKey(progress, "colour-1", 30, WAIT)) {
                events.add(StyleProgress.parseFrom(record.value()));
            }
            ImageStylised result = ImageStylised.parseFrom(
                    readKey(results, "colour-1", 1, WAIT).get(0).value());
            assertThat(result.hasError()).as(result.getError().getMessage()).isFalse();
            Raster painted = decode(result.getImage().getInline().toByteArray());
            Raster content = Raster.of(
                    new dev.likeness.core.image.ImageDecoder().decode(photo()).image(),
                    painted.width(),
                    painted.height());
            int plane = content.plane();
            double cbError = 0;
            double crError = 0;
            double lumaChange = 0;
            for (int i = 0; i < plane; i++) {
                cbError += Math.abs(cb(painted, i, plane) - cb(content, i, plane));
                crError += Math.abs(cr(painted, i, plane) - cr(content, i, plane));
                lumaChange += Math.abs(luma(painted, i, plane) - luma(content, i, plane));
            }
            System.out.printf(
                    "preserved colour: mean |dCb| %.2f, |dCr| %.2f, |dY| %.1f; beta J_style %.4g -> %.4g%n",
                    cbError / plane,
                    crError / plane,
                    lumaChange / plane,
                    events.get(0).getStyleCost(),
                    events.get(29).getStyleCost());
            // The chroma is the content's (up to 8-bit rounding and clamping), the luminance was painted.
            assertThat(cbError / plane).isLessThan(1.5);
            assertThat(crError / plane).isLessThan(1.5);
            assertThat(lumaChange / plane).isGreaterThan(5);
            // J_style (of the luminance pictures) falls from the first iteration's.
            assertThat(events.get(29).getStyleCost())
                    .isLessThan(0.5 * events.get(0).getStyleCost());
        }
    }

    static double luma(Raster r, int i, int plane) {
        return 0.299 * r.data()[i] + 0.587 * r.data()[plane + i] + 0.114 * r.data()[2 * plane + i];
    }

    static double cr(Raster r, int i, int plane) {
        return 0.5 * r.data()[i] - 0.418688 * r.data()[plane + i] - 0.081312 * r.data()[2 * plane + i];
    }

    static double cb(Raster r, int i, int plane) {
        return -0.168736 * r.data()[i] - 0.331264 * r.data()[plane + i] + 0.5 * r.data()[2 * plane + i];
    }

    static double meanAbsoluteDifference(Raster a, Raster b) {
        assertThat(b.width()).isEqualTo(a.width());
        assertThat(b.height()).isEqualTo(a.height());
        double sum = 0;
        for (int i = 0; i < a.data().length; i++) {
            sum += Math.abs(a.data()[i] - b.data()[i]);
        }
        return sum / a.data().length;
    }

    static double distance(FloatTensor a, FloatTensor b) {
        double sum = 0;
        for (int i = 0; i < a.data().length; i++) {
            double d = a.data()[i] - b.data()[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }
}
