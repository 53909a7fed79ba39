package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import dev.likeness.events.v1.DeleteAtlasJob;
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
 * letter with its reason, a ResNet-50 atlas left to the stylising service, the same atlas again (nothing run),
 * another network's atlas or delete under its name refused, a dead letter after progress, and an atlas followed by its
 * delete (answered here, once).
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
    static final Path FOLDER = Path.of("target/test-insight/atlases/faces-test");

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

    /** The atlas the first test builds: fr_feature's stem and block4 over the sample photos' faces. */
    static AtlasJob.Builder facesTest() {
        return AtlasJob.newBuilder()
                .setName("faces-test")
                .setCorpus("faces")
                .setNetwork(FaceNetworks.FR_FEATURE)
                .addAllLayers(LAYERS);
    }

    static InsightRequested atlas(String id, AtlasJob.Builder job) {
        return InsightRequested.newBuilder()
                .setRequestId(id)
                .putAttributes("client", "test")
                .setAtlas(job)
                .build();
    }

    /** The result answering the request, read from the results topic (within ExplainRequestsTest.WAIT). */
    private static InsightResult result(TopicFollower results, String requestId) throws Exception {
        return InsightResult.parseFrom(ExplainRequestsTest.byKey(results, List.of(requestId))
                .get(requestId)
                .value());
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
            send(atlas("face-atlas-1", facesTest()));
            InsightResult result = result(results, "face-atlas-1");
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
    void theSameAtlasAgainRunsNoPhotoItsCheckpointRecords() throws Exception {
        Path faces = FOLDER.resolve(Atlases.FACES);
        Map<Path, FileTime> aligned = modified(faces);
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower progress = kafka.readFromEnd(Topics.INSIGHT_PROGRESS);
                TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS)) {
            send(atlas("face-atlas-again", facesTest()));
            InsightResult result = result(results, "face-atlas-again");
            assertThat(result.getFilesList()).containsExactly("block4.png", "index.json", "stem.png");
            // Every photo is recorded as run: none is read again, so no progress and no face aligned again.
            assertThat(progress.readToEnd(ExplainRequestsTest.WAIT))
                    .noneMatch(record -> record.key().equals("face-atlas-again"));
        }
        assertThat(modified(faces)).isEqualTo(aligned);
    }

    @Test
    @Order(4)
    void anotherNetworksAtlasOrDeleteUnderTheNameIsRefusedAndLeavesItsFilesAlone() throws Exception {
        Map<Path, FileTime> files = modified(FOLDER);
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower deadLetters = kafka.readFromEnd(Topics.deadLetters("embedding"))) {
            send(atlas("other-network", facesTest().setNetwork(FaceNetworks.DLIB)));
            send(delete("other-network-delete", "faces-test", FaceNetworks.DLIB));
            Map<String, ConsumerRecord<String, byte[]>> letters =
                    ExplainRequestsTest.byKey(deadLetters, List.of("other-network", "other-network-delete"));
            for (String id : List.of("other-network", "other-network-delete")) {
                assertThat(letters).as(id).containsKey(id);
                DeadLetter letter = DeadLetter.parseFrom(letters.get(id).value());
                assertThat(letter.getReasonCode()).as(id).isEqualTo("INVALID_FIELD");
                assertThat(letter.getReason()).as(id).contains("faces-test", FaceNetworks.FR_FEATURE);
            }
        }
        assertThat(modified(FOLDER)).isEqualTo(files);
    }

    @Test
    @Order(5)
    void aJobDeadLetteredAfterItsProgressLeavesTheNextJobItsOwnSends() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower progress = kafka.readFromEnd(Topics.INSIGHT_PROGRESS);
                TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS);
                TopicFollower deadLetters = kafka.readFromEnd(Topics.deadLetters("embedding"))) {
            AtlasJob.Builder job =
                    AtlasJob.newBuilder().setNetwork(FaceNetworks.FR_FEATURE).addLayers("stem");
            send(atlas("no-face-first", job.clone().setName("no-face-first").setCorpus("no-face")));
            send(atlas("after-no-face", job.clone().setName("after-no-face").setCorpus("faces")));
            InsightResult result = result(results, "after-no-face");

            List<ConsumerRecord<String, byte[]>> letters = deadLetters.readToEnd(ExplainRequestsTest.WAIT);
            assertThat(letters).hasSize(1);
            DeadLetter letter = DeadLetter.parseFrom(letters.get(0).value());
            assertThat(letter.getRequestId()).isEqualTo("no-face-first");
            assertThat(letter.getReasonCode()).isEqualTo("NO_FACE");
            Map<String, List<Integer>> done = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : progress.readToEnd(ExplainRequestsTest.WAIT)) {
                done.computeIfAbsent(record.key(), key -> new ArrayList<>())
                        .add(InsightProgress.parseFrom(record.value()).getPhotosDone());
            }
            assertThat(done).isEqualTo(Map.of("no-face-first", List.of(1), "after-no-face", List.of(2, 3)));
            assertThat(result.getFilesList()).containsExactly("index.json", "stem.png");
            assertThat(Path.of(result.getFolder()).resolve("stem.png")).isRegularFile();
        }
    }

    @Test
    @Order(6)
    void aFaceAtlasFollowedByItsDeleteIsAnsweredOnceByThisService() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower results = kafka.readFromEnd(Topics.INSIGHT_RESULTS);
                TopicFollower atlases = kafka.readFromEnd(Topics.INSIGHT_ATLASES)) {
            send(atlas(
                    "gone-atlas",
                    AtlasJob.newBuilder()
                            .setName("faces-gone")
                            .setCorpus("faces")
                            .setNetwork(FaceNetworks.FR_FEATURE)
                            .addLayers("stem")));
            send(delete("gone-delete", "faces-gone", FaceNetworks.FR_FEATURE));
            Map<String, ConsumerRecord<String, byte[]>> answers =
                    ExplainRequestsTest.byKey(results, List.of("gone-atlas", "gone-delete"));
            assertThat(answers).containsKeys("gone-atlas", "gone-delete");

            // The owner takes the delete after the atlas job: the index record, then one tombstone, and no folder.
            assertThat(atlases.readToEnd(ExplainRequestsTest.WAIT))
                    .filteredOn(record -> record.key().equals("faces-gone"))
                    .extracting(record -> record.value() == null)
                    .containsExactly(false, true);
            assertThat(Path.of(
                            InsightResult.parseFrom(answers.get("gone-delete").value())
                                    .getFolder()))
                    .doesNotExist();
            assertThat(results.read(1, Duration.ofSeconds(2))).isEmpty();
        }
    }

    static InsightRequested delete(String id, String name, String network) {
        return InsightRequested.newBuilder()
                .setRequestId(id)
                .setDeleteAtlas(DeleteAtlasJob.newBuilder().setName(name).setNetwork(network))
                .build();
    }

    /** Every file under a folder with the time it was last written. */
    static Map<Path, FileTime> modified(Path folder) throws Exception {
        Map<Path, FileTime> times = new HashMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                times.put(file, Files.getLastModifiedTime(file));
            }
        }
        assertThat(times).isNotEmpty();
        return times;
    }
}
