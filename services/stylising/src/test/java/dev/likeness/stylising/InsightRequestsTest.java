package dev.likeness.stylising;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import com.google.protobuf.ByteString;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.AtlasIndexed;
import dev.likeness.events.v1.AtlasJob;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.DeleteAtlasJob;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.InsightProgress;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.events.v1.MapsJob;
import dev.likeness.follower.TopicFollower;
import dev.likeness.insight.Atlases;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The stylising service's insight requests through the real broker: an atlas of ResNet-50 over the default corpus's
 * small tier (its index record, progress and files), activation maps of a photo, deleting the atlas (a tombstone),
 * and each bad input's dead letter with its reason; a face network's atlas or delete is left to the embedding service.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InsightRequestsTest {

    static final Duration WAIT = Duration.ofSeconds(180);
    /** The test profile's corpus root (application.properties); the small tier goes into its "small" folder. */
    static final Path CORPUS_ROOT = Path.of("target/test-corpus");

    static final List<String> LAYERS = List.of("conv1_relu", "res2c");

    @BeforeAll
    static void smallCorpus() throws Exception {
        Process fetch = new ProcessBuilder(
                        "bash",
                        "../../deploy/corpus/fetch.sh",
                        "small",
                        CORPUS_ROOT.resolve("small").toString())
                .inheritIO()
                .start();
        assertThat(fetch.waitFor()).as("fetch.sh small").isZero();
    }

    static InsightRequested.Builder request(String id) {
        return InsightRequested.newBuilder().setRequestId(id).putAttributes("client", "test");
    }

    static void send(InsightRequested request) {
        KafkaBroker.shared().client().send(Topics.INSIGHT_REQUESTS, request.getRequestId(), request.toByteArray());
    }

    static ImageSource inline(byte[] bytes) {
        return ImageSource.newBuilder().setInline(ByteString.copyFrom(bytes)).build();
    }

    @Test
    @Order(1)
    void atlasOverTheSmallCorpusIsIndexedWithItsFiles() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        int photos;
        try (var files = Files.walk(CORPUS_ROOT.resolve("small"))) {
            photos = (int) files.filter(file -> file.toString().matches(".*\\.(jpg|jpeg|png|webp)$"))
                    .count();
        }
        try (TopicFollower progress = kafka.readFromEnd(Topics.INSIGHT_PROGRESS);
                TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS);
                TopicFollower atlases = kafka.readFromEnd(Topics.INSIGHT_ATLASES)) {
            send(request("atlas-1")
                    .setAtlas(AtlasJob.newBuilder()
                            .setName("small-test")
                            .setCorpus("small")
                            .addAllLayers(LAYERS)
                            .setLongSide(64))
                    .build());
            InsightResult result = InsightResult.parseFrom(StyleRequestsTest.readKey(results, "atlas-1", 1, WAIT)
                    .get(0)
                    .value());
            List<InsightProgress> events = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : StyleRequestsTest.readKey(progress, "atlas-1", 5, WAIT)) {
                events.add(InsightProgress.parseFrom(record.value()));
            }
            ConsumerRecord<String, byte[]> index =
                    StyleRequestsTest.readKey(atlases, "small-test", 1, WAIT).get(0);
            AtlasIndexed indexed = AtlasIndexed.parseFrom(index.value());

            // Every 5 photos (the test profile's checkpoint-every) and after the last one.
            assertThat(events).extracting(InsightProgress::getPhotosDone).containsExactly(5, 10, 15, 20, photos);
            assertThat(events)
                    .allSatisfy(event -> assertThat(event.getPhotosTotal()).isEqualTo(photos));
            assertThat(indexed.getLayersList()).isEqualTo(LAYERS);
            assertThat(indexed.getPhotos()).isEqualTo(photos);
            assertThat(indexed.getNetwork()).isEqualTo("resnet50");
            assertThat(indexed.getRequestId()).isEqualTo("atlas-1");
            assertThat(result.getAttributesMap()).containsEntry("client", "test");
            assertThat(result.getFilesList()).containsExactly("conv1_relu.png", "index.json", "res2c.png");
            Path folder = Path.of(result.getFolder());
            assertThat(Path.of(indexed.getFolder())).isEqualTo(folder);
            assertThat(folder.resolve("atlas.checkpoint")).isRegularFile();
            JsonNode json =
                    new ObjectMapper().readTree(folder.resolve("index.json").toFile());
            assertThat(json.toString()).contains("conv1_relu", "res2c", "python3-skimage/");
            BufferedImage grid = ImageIO.read(folder.resolve("conv1_relu.png").toFile());
            // 64 units of conv1, 16 per row: 4 rows of 3x3 blocks.
            assertThat(grid.getWidth()).isGreaterThan(16 * 3 * Atlases.CELL);
            assertThat(grid.getHeight()).isGreaterThan(4 * 3 * Atlases.CELL);
        }
    }

    @Test
    @Order(2)
    void mapsOfAPhoto() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        byte[] photo = Files.readAllBytes(ModelsDirectory.locate().resolve("samples/sample1.jpg"));
        try (TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS)) {
            send(request("maps-1")
                    .setMaps(MapsJob.newBuilder()
                            .setImage(inline(photo))
                            .addLayers("res3d")
                            .setChannels(3)
                            .setLongSide(96))
                    .build());
            InsightResult result = InsightResult.parseFrom(
                    StyleRequestsTest.readKey(results, "maps-1", 1, WAIT).get(0).value());
            assertThat(result.getFilesList()).containsExactly("res3d.png");
            BufferedImage maps = ImageIO.read(
                    Path.of(result.getFolder()).resolve("res3d.png").toFile());
            // The photo and its three strongest channels side by side, the longer side 96 px.
            assertThat(Math.max(maps.getWidth() / 4, maps.getHeight())).isEqualTo(96);
        }
    }

    @Test
    @Order(3)
    void deletingAnAtlasLeavesATombstone() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS);
                TopicFollower atlases = kafka.readFromEnd(Topics.INSIGHT_ATLASES)) {
            // No network named: ResNet-50's, as AtlasJob.network.
            send(request("delete-1")
                    .setDeleteAtlas(DeleteAtlasJob.newBuilder().setName("small-test"))
                    .build());
            InsightResult result = InsightResult.parseFrom(StyleRequestsTest.readKey(results, "delete-1", 1, WAIT)
                    .get(0)
                    .value());
            ConsumerRecord<String, byte[]> tombstone =
                    StyleRequestsTest.readKey(atlases, "small-test", 1, WAIT).get(0);
            assertThat(tombstone.value()).isNull();
            assertThat(Path.of(result.getFolder())).doesNotExist();
        }
    }

    @Test
    @Order(4)
    void badInputsAreDeadLetteredWithTheirReasons() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        Path many = CORPUS_ROOT.resolve("many");
        Files.createDirectories(many);
        byte[] tiny = png(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB));
        for (int i = 0; i < 31; i++) {
            Files.write(many.resolve("photo" + i + ".png"), tiny);
        }
        Files.createDirectories(CORPUS_ROOT.resolve("empty"));
        AtlasJob.Builder atlas =
                AtlasJob.newBuilder().setName("bad").addLayers("conv1_relu").setLongSide(64);
        try (TopicFollower deadLetters = kafka.readFromEnd(Topics.deadLetters("stylising"));
                TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS)) {
            // A face network's atlas is the embedding service's: sent first, it gets nothing from stylising.
            send(request("face-atlas")
                    .setAtlas(AtlasJob.newBuilder()
                            .setName("face")
                            .setCorpus("small")
                            .setNetwork("faceplugin-fr-feature"))
                    .build());
            // So is deleting a face network's atlas.
            send(request("face-delete")
                    .setDeleteAtlas(DeleteAtlasJob.newBuilder().setName("face").setNetwork("faceplugin-fr-feature"))
                    .build());
            send(request("bad-layer")
                    .setAtlas(atlas.clone().setCorpus("small").addLayers("res9z"))
                    .build());
            send(request("bad-empty").setAtlas(atlas.clone().setCorpus("empty")).build());
            send(request("bad-missing")
                    .setAtlas(atlas.clone().setCorpus("../.."))
                    .build());
            send(request("bad-many").setAtlas(atlas.clone().setCorpus("many")).build());
            send(request("bad-image")
                    .setMaps(MapsJob.newBuilder()
                            .setImage(inline(png(new BufferedImage(17000, 1, BufferedImage.TYPE_INT_RGB)))))
                    .build());
            send(request("bad-job").build());
            kafka.send(Topics.INSIGHT_REQUESTS, "bad-bytes", new byte[] {(byte) 0xff, 1, 2, 3});

            Map<String, String> expected = Map.of(
                    "bad-layer", "UNKNOWN_LAYER",
                    "bad-empty", "EMPTY_CORPUS",
                    "bad-missing", "EMPTY_CORPUS",
                    "bad-many", "CORPUS_OVER_LIMIT",
                    "bad-image", "IMAGE_SIDE_TOO_LONG",
                    "bad-job", "MALFORMED_EVENT",
                    "bad-bytes", "MALFORMED_EVENT");
            for (var entry : expected.entrySet()) {
                DeadLetter letter = DeadLetter.parseFrom(StyleRequestsTest.readKey(deadLetters, entry.getKey(), 1, WAIT)
                        .get(0)
                        .value());
                assertThat(letter.getReasonCode()).as(entry.getKey()).isEqualTo(entry.getValue());
                assertThat(letter.getSourceTopic()).isEqualTo(Topics.INSIGHT_REQUESTS);
                if (entry.getKey().equals("bad-layer")) {
                    // The reason names the real layers, as the CLI does.
                    assertThat(letter.getReason()).contains("res9z", "res2c", "res5c");
                }
            }
            for (String id : List.of("face-atlas", "face-delete")) {
                assertThat(StyleRequestsTest.readKey(deadLetters, id, 1, Duration.ofSeconds(2)))
                        .as(id)
                        .isEmpty();
                assertThat(StyleRequestsTest.readKey(results, id, 1, Duration.ofSeconds(1)))
                        .as(id)
                        .isEmpty();
            }
        }
        assertThat(Path.of("target/test-insight/atlases/bad")).doesNotExist();
        assertThat(Path.of("target/test-insight/atlases/face")).doesNotExist();
    }

    static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
