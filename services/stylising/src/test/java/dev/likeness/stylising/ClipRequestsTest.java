package dev.likeness.stylising;

import static dev.likeness.stylising.StyleRequestsTest.DLQ;
import static dev.likeness.stylising.StyleRequestsTest.PROGRESS;
import static dev.likeness.stylising.StyleRequestsTest.REQUESTS;
import static dev.likeness.stylising.StyleRequestsTest.RESULTS;
import static dev.likeness.stylising.StyleRequestsTest.WAIT;
import static dev.likeness.stylising.StyleRequestsTest.readKey;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.OptimisationSettings;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.events.v1.WeightedStyle;
import dev.likeness.follower.TopicFollower;
import dev.likeness.stylising.engine.ClipPainter;
import dev.likeness.stylising.engine.Clips;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Raster;
import dev.likeness.stylising.engine.TestClips;
import dev.likeness.stylising.engine.TestWebp;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Clips through the real broker: an 8-frame animated GIF (a pan over sample1.jpg) painted in the style of The
 * Scream as one volume, with progress per frame and iteration and an animated GIF back; a 4-frame animated WebP
 * likewise; a truncated GIF or WebP is dead-lettered, clips over the frame or pixel limits get error results.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ClipRequestsTest {

    static final int FRAMES = 8;
    static final int ITERATIONS = 10;
    static final int PROGRESS_EVERY = 5;
    static final Duration CLIP_WAIT = Duration.ofMinutes(10);

    @Inject
    Gatys gatys;

    static byte[] scream() throws Exception {
        return Files.readAllBytes(ModelsDirectory.locate().resolve(".cache/darknet/scream.jpg"));
    }

    static StyleRequested request(String id, byte[] content, int side) throws Exception {
        return StyleRequested.newBuilder()
                .setRequestId(id)
                .setContent(ImageSource.newBuilder().setInline(ByteString.copyFrom(content)))
                .addStyles(WeightedStyle.newBuilder()
                        .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(scream()))))
                .setOutputMaxSide(side)
                .setProgressEvery(PROGRESS_EVERY)
                .setOptimisation(OptimisationSettings.newBuilder().setIterations(ITERATIONS))
                .putAttributes("client", "clip-test")
                .build();
    }

    @Test
    void paintsAnEightFrameGifAsOneVolume() throws Exception {
        byte[] gif = TestClips.panOverSampleGif(FRAMES, 96, 64);
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower progress = kafka.readFromEnd(PROGRESS);
                TopicFollower results = kafka.readFromEnd(RESULTS)) {
            kafka.send(REQUESTS, "clip-1", request("clip-1", gif, 96).toByteArray());

            List<ConsumerRecord<String, byte[]>> resultRecords = readKey(results, "clip-1", 1, CLIP_WAIT);
            assertThat(resultRecords).hasSize(1);
            ImageStylised result = ImageStylised.parseFrom(resultRecords.get(0).value());
            assertThat(result.hasError()).as("error %s", result.getError()).isFalse();
            assertThat(result.getFrames()).isEqualTo(FRAMES);
            assertThat(result.getIterations()).isEqualTo(FRAMES * ITERATIONS);
            assertThat(result.getImage().getContentType()).isEqualTo("image/gif");
            assertThat(result.getAttributesMap()).containsEntry("client", "clip-test");

            int events = FRAMES * ITERATIONS / PROGRESS_EVERY;
            List<StyleProgress> steps = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : readKey(progress, "clip-1", events, WAIT)) {
                steps.add(StyleProgress.parseFrom(record.value()));
            }
            assertThat(steps).hasSize(events);
            for (int index = 0; index < events; index++) {
                StyleProgress step = steps.get(index);
                assertThat(step.getFrame()).isEqualTo(index / (ITERATIONS / PROGRESS_EVERY));
                assertThat(step.getFrames()).isEqualTo(FRAMES);
                assertThat(step.getIteration()).isEqualTo((index + 1) * PROGRESS_EVERY);
                assertThat(step.getTotalIterations()).isEqualTo(FRAMES * ITERATIONS);
                assertThat(step.getPreviewPng().isEmpty()).isFalse();
                if (index % 2 == 1) {
                    // J falls within each frame: its last report below its first.
                    assertThat(step.getCost()).isLessThan(steps.get(index - 1).getCost());
                }
                if (step.getFrame() > 0) {
                    assertThat(step.getTemporalCost()).isPositive();
                }
            }

            Clips.Clip painted = Clips.readGif(result.getImage().getInline().toByteArray(), 100, 1_000_000);
            assertThat(painted.frames()).hasSize(FRAMES);
            assertThat(painted.delayMs()).isEqualTo(100);
            List<BufferedImage> content = TestClips.panOverSample(FRAMES, 96, 64);
            Raster style = Raster.of(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(scream())), 96, 64);
            Map<String, FloatTensor> styleGrams = gatys.blendedGrams(List.of(style), new float[] {1});
            List<Raster> contentFrames = new ArrayList<>();
            List<Raster> paintedFrames = new ArrayList<>();
            for (int t = 0; t < FRAMES; t++) {
                Raster c = Raster.of(content.get(t), 96, 64);
                Raster g = Raster.of(painted.frames().get(t), 96, 64);
                contentFrames.add(c);
                paintedFrames.add(g);
                double original = gramDistance(c, styleGrams);
                double styled = gramDistance(g, styleGrams);
                assertThat(styled)
                        .as("frame %d: Gram distance to the style, painted vs content", t)
                        .isLessThan(original);
            }
            // The painting moves with the content: its frame differences stay within the content's, plus the
            // GIF palette's rounding.
            assertThat(ClipPainter.meanFrameDifference(paintedFrames))
                    .isLessThan(ClipPainter.meanFrameDifference(contentFrames) + 3);
        }
    }

    @Test
    void paintsAnAnimatedWebp() throws Exception {
        int frames = 4;
        int iterations = 6;
        List<BufferedImage> content = TestClips.panOverSample(frames, 96, 64);
        byte[] webp = TestWebp.animated(content, 80);
        StyleRequested request = request("clip-webp", webp, 96).toBuilder()
                .setProgressEvery(iterations)
                .setOptimisation(OptimisationSettings.newBuilder().setIterations(iterations))
                .build();
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower progress = kafka.readFromEnd(PROGRESS);
                TopicFollower results = kafka.readFromEnd(RESULTS)) {
            kafka.send(REQUESTS, "clip-webp", request.toByteArray());

            ImageStylised result = ImageStylised.parseFrom(
                    readKey(results, "clip-webp", 1, CLIP_WAIT).get(0).value());
            assertThat(result.hasError()).as("error %s", result.getError()).isFalse();
            assertThat(result.getFrames()).isEqualTo(frames);
            // Read as a WebP, returned as a GIF (no WebP writer on Maven Central).
            assertThat(result.getImage().getContentType()).isEqualTo("image/gif");
            List<ConsumerRecord<String, byte[]>> steps = readKey(progress, "clip-webp", frames, WAIT);
            for (int t = 0; t < frames; t++) {
                assertThat(StyleProgress.parseFrom(steps.get(t).value()).getFrame())
                        .isEqualTo(t);
            }
            Clips.Clip painted = Clips.readGif(result.getImage().getInline().toByteArray(), 100, 1_000_000);
            assertThat(painted.frames()).hasSize(frames);
            assertThat(painted.delayMs()).isEqualTo(80);
            Raster style = Raster.of(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(scream())), 96, 64);
            Map<String, FloatTensor> styleGrams = gatys.blendedGrams(List.of(style), new float[] {1});
            for (int t = 0; t < frames; t++) {
                assertThat(gramDistance(Raster.of(painted.frames().get(t), 96, 64), styleGrams))
                        .as("frame %d: Gram distance to the style, painted vs content", t)
                        .isLessThan(gramDistance(Raster.of(content.get(t), 96, 64), styleGrams));
            }
        }
    }

    @Test
    void aTruncatedGifIsDeadLetteredAndClipsOverTheLimitsGetErrors() throws Exception {
        byte[] gif = TestClips.panOverSampleGif(FRAMES, 96, 64);
        byte[] truncated = Arrays.copyOf(gif, gif.length / 2);
        byte[] webp = TestWebp.animated(TestClips.panOverSample(FRAMES, 96, 64), 100);
        byte[] tooManyFrames = TestClips.panOverSampleGif(65, 24, 16);
        byte[] tooManyPixels = TestClips.panOverSampleGif(40, 512, 512);
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower results = kafka.readFromEnd(RESULTS);
                TopicFollower deadLetters = kafka.readFromEnd(DLQ)) {
            kafka.send(REQUESTS, "clip-cut", request("clip-cut", truncated, 96).toByteArray());
            kafka.send(
                    REQUESTS,
                    "clip-cut-webp",
                    request("clip-cut-webp", Arrays.copyOf(webp, webp.length / 2), 96)
                            .toByteArray());
            kafka.send(
                    REQUESTS,
                    "clip-long",
                    request("clip-long", tooManyFrames, 96).toByteArray());
            kafka.send(
                    REQUESTS,
                    "clip-big",
                    request("clip-big", tooManyPixels, 512).toByteArray());

            ImageStylised tooLong = ImageStylised.parseFrom(
                    readKey(results, "clip-long", 1, WAIT).get(0).value());
            assertThat(tooLong.getError().getCode()).isEqualTo("LIMIT_EXCEEDED");
            assertThat(tooLong.getError().getMessage()).contains("65 frames", "limit of 64");
            ImageStylised tooBig = ImageStylised.parseFrom(
                    readKey(results, "clip-big", 1, WAIT).get(0).value());
            assertThat(tooBig.getError().getCode()).isEqualTo("LIMIT_EXCEEDED");
            assertThat(tooBig.getError().getMessage()).contains("40 frames of 512x512 px", "limit of 8000000");
            DeadLetter cut = DeadLetter.parseFrom(
                    readKey(deadLetters, "clip-cut", 1, WAIT).get(0).value());
            assertThat(cut.getReasonCode()).isEqualTo("IMAGE_UNDECODABLE");
            assertThat(cut.getReason()).contains("truncated");
            DeadLetter cutWebp = DeadLetter.parseFrom(
                    readKey(deadLetters, "clip-cut-webp", 1, WAIT).get(0).value());
            assertThat(cutWebp.getReasonCode()).isEqualTo("IMAGE_UNDECODABLE");
            assertThat(cutWebp.getReason()).contains("the WebP is truncated", "declares");
        }
    }

    private double gramDistance(Raster image, Map<String, FloatTensor> styleGrams) {
        double sum = 0;
        for (var entry : gatys.targetsOf(image).entrySet()) {
            if (entry.getKey().startsWith(Gatys.STYLE_GRAM)) {
                sum += StyleRequestsTest.distance(entry.getValue(), styleGrams.get(entry.getKey()));
            }
        }
        return sum;
    }
}
