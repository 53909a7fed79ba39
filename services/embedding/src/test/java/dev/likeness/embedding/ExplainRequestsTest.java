package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Explain requests through the real broker: the saliency of two sample faces' distance (a face against itself is at
 * distance 0, two different people are not), and bad inputs dead-lettered with their reasons.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ExplainRequestsTest {

    static final Duration WAIT = Duration.ofSeconds(120);

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
                explain("explain-same", sample("sample1.jpg"), sample("sample1.jpg"), FaceNetworks.FR_FEATURE),
                explain("explain-no-face", sample("sample1.jpg"), inline(png.toByteArray()), ""),
                explain("explain-fusion", sample("sample1.jpg"), sample("sample6.jpg"), FaceNetworks.FUSION)));
        try (TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS);
                TopicFollower deadLetters = kafka.readFromEnd(Topics.deadLetters("embedding"))) {
            for (InsightRequested request : requests) {
                kafka.send(Topics.INSIGHT_REQUESTS, request.getRequestId(), request.toByteArray());
            }
            Map<String, ConsumerRecord<String, byte[]>> answers =
                    byKey(results, List.of("explain-two", "explain-same"));
            Map<String, ConsumerRecord<String, byte[]>> letters =
                    byKey(deadLetters, List.of("explain-no-face", "explain-fusion"));

            InsightResult two =
                    InsightResult.parseFrom(answers.get("explain-two").value());
            InsightResult same =
                    InsightResult.parseFrom(answers.get("explain-same").value());
            System.out.printf(
                    "explain: d = %.4f (two people, dlib), %.6f (the same face, fr_feature)%n",
                    two.getDistance(), same.getDistance());
            assertThat(two.getEmbedding()).isEqualTo(FaceNetworks.DLIB);
            assertThat(same.getEmbedding()).isEqualTo(FaceNetworks.FR_FEATURE);
            assertThat(same.getDistance()).isLessThan(1e-4);
            assertThat(two.getDistance()).isGreaterThan(0.1);
            assertThat(two.getFilesList()).containsExactly("saliency.png");
            BufferedImage saliency = ImageIO.read(
                    Path.of(two.getFolder()).resolve("saliency.png").toFile());
            // Face A, its map, face B, its map: dlib's 150 px chips.
            assertThat(saliency.getWidth()).isEqualTo(4 * 150);
            assertThat(saliency.getHeight()).isEqualTo(150);

            assertThat(DeadLetter.parseFrom(letters.get("explain-no-face").value())
                            .getReasonCode())
                    .isEqualTo("NO_FACE");
            DeadLetter fusion =
                    DeadLetter.parseFrom(letters.get("explain-fusion").value());
            assertThat(fusion.getReasonCode()).isEqualTo("INVALID_FIELD");
            assertThat(fusion.getReason()).contains(FaceNetworks.DLIB, FaceNetworks.FR_FEATURE);
            assertThat(fusion.getRequestId()).isEqualTo("explain-fusion");
        }
    }
}
