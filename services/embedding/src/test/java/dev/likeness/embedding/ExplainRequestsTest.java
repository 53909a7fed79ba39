package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.ExplainJob;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Explain requests through the real broker: the saliency of two sample faces' distance, for the service's own
 * embedding (the fusion, with the d of its verifications) and for one network (a face against itself is at distance
 * 0, two different people are not), and bad inputs dead-lettered with their reasons.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ExplainRequestsTest {

    static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    FacePipeline pipeline;

    static ImageSource sample(String name) throws Exception {
        return inline(Files.readAllBytes(ModelsDirectory.locate().resolve("samples/" + name)));
    }

    static ImageSource inline(byte[] bytes) {
        return ImageSource.newBuilder().setInline(ByteString.copyFrom(bytes)).build();
    }

    static InsightRequested explain(String id, ImageSource a, ImageSource b, String embedding) {
        return InsightRequested.newBuilder()
                .setRequestId(id)
                .setExplain(ExplainJob.newBuilder().setA(a).setB(b).setEmbedding(embedding))
                .build();
    }

    /** Reads until a record of every key arrived (or the timeout passed), by key. */
    static Map<String, ConsumerRecord<String, byte[]>> byKey(TopicFollower reader, List<String> keys) {
        Map<String, ConsumerRecord<String, byte[]>> found = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!found.keySet().containsAll(keys) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : reader.read(1, Duration.ofMillis(500))) {
                found.putIfAbsent(record.key(), record);
            }
        }
        return found;
    }

    @Test
    void explainsTwoFacesAndDeadLettersWhatItCannot() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        BufferedImage grey = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        grey.getGraphics().fillRect(0, 0, 200, 200);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(grey, "png", png);
        List<InsightRequested> requests = new ArrayList<>(List.of(
                explain("explain-two", sample("sample1.jpg"), sample("sample6.jpg"), ""),
                explain("explain-dlib", sample("sample1.jpg"), sample("sample6.jpg"), FaceNetworks.DLIB),
                explain("explain-same", sample("sample1.jpg"), sample("sample1.jpg"), FaceNetworks.FR_FEATURE),
                explain("explain-no-face", sample("sample1.jpg"), inline(png.toByteArray()), ""),
                explain("explain-unknown", sample("sample1.jpg"), sample("sample6.jpg"), "likeness-fusion-v2")));
        try (TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS);
                TopicFollower deadLetters = kafka.readFromEnd(Topics.deadLetters("embedding"))) {
            for (InsightRequested request : requests) {
                kafka.send(Topics.INSIGHT_REQUESTS, request.getRequestId(), request.toByteArray());
            }
            Map<String, ConsumerRecord<String, byte[]>> answers =
                    byKey(results, List.of("explain-two", "explain-dlib", "explain-same"));
            Map<String, ConsumerRecord<String, byte[]>> letters =
                    byKey(deadLetters, List.of("explain-no-face", "explain-unknown"));

            InsightResult two =
                    InsightResult.parseFrom(answers.get("explain-two").value());
            InsightResult dlib =
                    InsightResult.parseFrom(answers.get("explain-dlib").value());
            InsightResult same =
                    InsightResult.parseFrom(answers.get("explain-same").value());
            // The verification's d: the fused embeddings this service emits for the two photos.
            float verification = squaredDistance(firstEmbedding("sample1.jpg"), firstEmbedding("sample6.jpg"));
            System.out.printf(
                    "explain: d = %.4f (two people, the fusion; the verification's %.4f), %.4f (dlib), %.6f (the same"
                            + " face, fr_feature)%n",
                    two.getDistance(), verification, dlib.getDistance(), same.getDistance());
            // No embedding named: the service's own, the fusion, with the d of its verifications.
            assertThat(two.getEmbedding()).isEqualTo(FaceNetworks.FUSION);
            assertThat(two.getDistance()).isCloseTo(verification, within(1e-4));
            assertThat(two.getFilesList()).containsExactly("saliency.png");
            BufferedImage fused = ImageIO.read(
                    Path.of(two.getFolder()).resolve("saliency.png").toFile());
            // Each photo's face region and its saliency, scaled to 256 px high.
            assertThat(fused.getHeight()).isEqualTo(256);
            assertThat(fused.getWidth()).isGreaterThan(4 * 150);

            assertThat(dlib.getEmbedding()).isEqualTo(FaceNetworks.DLIB);
            assertThat(dlib.getDistance()).isGreaterThan(0.1);
            BufferedImage saliency = ImageIO.read(
                    Path.of(dlib.getFolder()).resolve("saliency.png").toFile());
            // Face A, its map, face B, its map: dlib's 150 px chips.
            assertThat(saliency.getWidth()).isEqualTo(4 * 150);
            assertThat(saliency.getHeight()).isEqualTo(150);
            assertThat(same.getEmbedding()).isEqualTo(FaceNetworks.FR_FEATURE);
            assertThat(same.getDistance()).isLessThan(1e-4);

            assertThat(DeadLetter.parseFrom(letters.get("explain-no-face").value())
                            .getReasonCode())
                    .isEqualTo("NO_FACE");
            DeadLetter unknown =
                    DeadLetter.parseFrom(letters.get("explain-unknown").value());
            assertThat(unknown.getReasonCode()).isEqualTo("INVALID_FIELD");
            assertThat(unknown.getReason()).contains("likeness-fusion-v2", FaceNetworks.FUSION);
            assertThat(unknown.getRequestId()).isEqualTo("explain-unknown");
        }
    }

    private float[] firstEmbedding(String name) throws Exception {
        return pipeline.analyse(Files.readAllBytes(ModelsDirectory.locate().resolve("samples/" + name)))
                .faces()
                .get(0)
                .embedding();
    }

    private static float squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return (float) sum;
    }
}
