package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.AtlasIndexed;
import dev.likeness.events.v1.AtlasJob;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.InsightProgress;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.face.FaceNetworks;
import dev.likeness.follower.TopicFollower;
import dev.likeness.insight.Atlases;
import dev.likeness.insight.ResultFolders;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Atlases of the face networks through the real broker: fr_feature over the faces of three sample photos (progress,
 * the index record with the network and layers, index.json, the grids and the aligned faces), each bad input's dead
 * letter with its reason, a ResNet-50 atlas left to the stylising service, and deleting the atlas's folder.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaceAtlasRequestsTest {

    /** The test profile's corpus root (application.properties, checkpoint-every=2). */
    static final Path CORPUS_ROOT = Path.of("target/test-corpus");

    static final List<String> PHOTOS = List.of("sample1.jpg", "sample2.jpg", "sample3.jpg");
    static final List<String> LAYERS = List.of("stem", "block4");

    @BeforeAll
    static void corpora() throws Exception {
        // Atlases of an earlier run would be resumed (or kept): every run starts without them.
        ResultFolders.delete(Path.of("target/test-insight/atlases"));
        Path faces = CORPUS_ROOT.resolve("faces");
        Files.createDirectories(faces);
        for (String photo : PHOTOS) {
            Files.copy(
                    ModelsDirectory.locate().resolve("samples/" + photo),
                    faces.resolve(photo),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(CORPUS_ROOT.resolve("empty"));
        Path noFace = CORPUS_ROOT.resolve("no-face");
        Files.createDirectories(noFace);
        BufferedImage grey = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        grey.getGraphics().fillRect(0, 0, 200, 200);
        ImageIO.write(grey, "png", noFace.resolve("grey.png").toFile());
    }

    static InsightRequested atlas(String id, AtlasJob.Builder job) {
        return InsightRequested.newBuilder()
                .setRequestId(id)
                .putAttributes("client", "test")
                .setAtlas(job)
                .build();
    }

    static void send(InsightRequested request) {
        KafkaBroker.shared().client().send(Topics.INSIGHT_REQUESTS, request.getRequestId(), request.toByteArray());
    }

    @Test
    @Order(1)
    void anAtlasOfFrFeatureOverTheFacesOfThePhotosIsIndexedWithItsFiles() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower progress = kafka.readFromEnd(Topics.INSIGHT_PROGRESS);
                TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS);
                TopicFollower atlases = kafka.readFromEnd(Topics.INSIGHT_ATLASES)) {
            send(atlas(
                    "face-atlas-1",
                    AtlasJob.newBuilder()
                            .setName("faces-test")
                            .setCorpus("faces")
                            .setNetwork(FaceNetworks.FR_FEATURE)
                            .addAllLayers(LAYERS)));
            InsightResult result = InsightResult.parseFrom(ExplainRequestsTest.byKey(results, List.of("face-atlas-1"))
                    .get("face-atlas-1")
                    .value());
            AtlasIndexed indexed = AtlasIndexed.parseFrom(ExplainRequestsTest.byKey(atlases, List.of("faces-test"))
                    .get("faces-test")
                    .value());
            List<InsightProgress> events = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : progress.read(2, ExplainRequestsTest.WAIT)) {
                if (record.key().equals("face-atlas-1")) {
                    events.add(InsightProgress.parseFrom(record.value()));
                }
            }

            // Photos, not faces: every 2 (the test profile's checkpoint-every) and after the last one.
            assertThat(events).extracting(InsightProgress::getPhotosDone).containsExactly(2, 3);
            assertThat(events)
                    .allSatisfy(event -> assertThat(event.getPhotosTotal()).isEqualTo(3));
            Path folder = Path.of(result.getFolder());
            List<String> faces;
            try (Stream<Path> files = Files.list(folder.resolve(Atlases.FACES))) {
                faces = files.map(file -> file.getFileName().toString())
                        .sorted()
                        .toList();
            }
            assertThat(faces).isNotEmpty().allSatisfy(face -> assertThat(face).matches("sample[123]_face\\d+\\.png"));
            assertThat(faces)
                    .anyMatch(face -> face.startsWith("sample1_"))
                    .anyMatch(face -> face.startsWith("sample3_"));
            assertThat(indexed.getNetwork()).isEqualTo(FaceNetworks.FR_FEATURE);
            assertThat(indexed.getLayersList()).isEqualTo(LAYERS);
            assertThat(indexed.getPhotos()).isEqualTo(faces.size());
            assertThat(indexed.getLongSide()).isEqualTo(112);
            assertThat(indexed.getCorpus()).isEqualTo("faces");
            assertThat(indexed.getRequestId()).isEqualTo("face-atlas-1");
            assertThat(Path.of(indexed.getFolder())).isEqualTo(folder);
            assertThat(result.getAttributesMap()).containsEntry("client", "test");
            assertThat(result.getFilesList()).containsExactly("block4.png", "index.json", "stem.png");
            assertThat(folder.resolve(Atlases.CHECKPOINT)).isRegularFile();

            JsonNode index =
                    new ObjectMapper().readTree(folder.resolve("index.json").toFile());
            assertThat(index.get("network").asText()).isEqualTo(FaceNetworks.FR_FEATURE);
            List<String> images = new ArrayList<>();
            index.get("images").forEach(image -> images.add(image.asText()));
            assertThat(images).containsExactlyInAnyOrderElementsOf(faces);
            BufferedImage stem = ImageIO.read(folder.resolve("stem.png").toFile());
            // fr_feature's stem has 64 units, 16 per row: 4 rows of 3x3 blocks.
            assertThat(stem.getWidth()).isGreaterThan(16 * 3 * Atlases.CELL);
            assertThat(stem.getHeight()).isGreaterThan(4 * 3 * Atlases.CELL);
            assertThat(ImageIO.read(folder.resolve("block4.png").toFile())).isNotNull();
        }
    }

    @Test
    @Order(2)
    void badInputsAreDeadLetteredWithTheirReasonsAndResNet50IsLeftToStylising() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        AtlasJob.Builder job =
                AtlasJob.newBuilder().setName("bad").setCorpus("faces").setNetwork(FaceNetworks.DLIB);
        try (TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS);
                TopicFollower deadLetters = kafka.readFromEnd(Topics.deadLetters("embedding"))) {
            send(atlas("resnet-atlas", job.clone().setNetwork(Atlases.RESNET50)));
            send(atlas("bad-layer", job.clone().addLayers("stem").addLayers("res2c")));
            send(atlas("bad-network", job.clone().setNetwork("vgg16")));
            send(atlas("bad-empty", job.clone().setCorpus("empty")));
            send(atlas("bad-no-face", job.clone().setCorpus("no-face")));

            Map<String, String> expected = Map.of(
                    "bad-layer", "UNKNOWN_LAYER",
                    "bad-network", "INVALID_FIELD",
                    "bad-empty", "EMPTY_CORPUS",
                    "bad-no-face", "NO_FACE");
            Map<String, ConsumerRecord<String, byte[]>> letters =
                    ExplainRequestsTest.byKey(deadLetters, List.copyOf(expected.keySet()));
            for (var entry : expected.entrySet()) {
                assertThat(letters).as(entry.getKey()).containsKey(entry.getKey());
                DeadLetter letter =
                        DeadLetter.parseFrom(letters.get(entry.getKey()).value());
                assertThat(letter.getReasonCode()).as(entry.getKey()).isEqualTo(entry.getValue());
                assertThat(letter.getRequestId()).isEqualTo(entry.getKey());
                assertThat(letter.getSourceTopic()).isEqualTo(Topics.INSIGHT_REQUESTS);
            }
            // The reason names dlib's real layers, as the CLI does.
            assertThat(DeadLetter.parseFrom(letters.get("bad-layer").value()).getReason())
                    .contains("res2c", "stem", "block1", "block14");
            assertThat(DeadLetter.parseFrom(letters.get("bad-network").value()).getReason())
                    .contains("vgg16", Atlases.RESNET50, FaceNetworks.FR_FEATURE, FaceNetworks.DLIB);

            // ResNet-50's atlas is the stylising service's: neither a result nor a dead letter from this one.
            assertThat(letters).doesNotContainKey("resnet-atlas");
            assertThat(results.read(1, Duration.ofSeconds(2))).isEmpty();
        }
        assertThat(Path.of("target/test-insight/atlases/bad")).doesNotExist();
    }

    @Test
    @Order(3)
    void deletingAnAtlasDeletesItsFolderHereAndLeavesTheAnswerToStylising() throws Exception {
        Path folder = Path.of("target/test-insight/atlases/faces-test");
        assertThat(folder.resolve("index.json")).isRegularFile();
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS);
                TopicFollower atlases = kafka.readFromEnd(Topics.INSIGHT_ATLASES)) {
            send(InsightRequested.newBuilder()
                    .setRequestId("delete-faces")
                    .setDeleteAtlas("faces-test")
                    .build());
            long deadline = System.nanoTime() + ExplainRequestsTest.WAIT.toNanos();
            while (Files.exists(folder) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(folder).doesNotExist();
            // The tombstone and the result are the stylising service's (it deletes its own folder too).
            assertThat(results.read(1, Duration.ofSeconds(2))).isEmpty();
            assertThat(atlases.read(1, Duration.ofSeconds(1))).isEmpty();
        }
    }
}
