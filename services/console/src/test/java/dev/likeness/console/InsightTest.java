package dev.likeness.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.AtlasIndexed;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.follower.TopicFollower;
import dev.likeness.insight.ActivationMaps;
import dev.likeness.insight.AlignedFaces;
import dev.likeness.insight.Atlases;
import dev.likeness.insight.Corpus;
import dev.likeness.insight.InsightImage;
import dev.likeness.insight.LayerExtractor;
import dev.likeness.insight.UnitAtlas;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The page "What the networks learn" against a real broker: atlases listed from the compacted index (a tombstone
 * removes one) and their files served from the results folder only; maps and explain asked for as insight requests;
 * results served once they are on the results topic. The atlases and maps are made the way the stylising service
 * (ResNet-50) and the embedding service (a face network over aligned faces) make them (their own tests run the
 * services: InsightRequestsTest, FaceAtlasRequestsTest).
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class InsightTest {

    private static final Path RESULTS = Path.of("target/test-insight");
    private static final Path PHOTO = ModelsDirectory.resolve("samples/sample1.jpg");
    private static final Path SECOND = ModelsDirectory.resolve("samples/sample2.jpg");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final KafkaTestClient kafka = KafkaBroker.shared().client();

    @Test
    void atlasesAreListedFromTheIndexAndTheirFilesServed() throws Exception {
        Path folder = RESULTS.resolve("atlases/console-test").toAbsolutePath();
        Path work = Files.createTempDirectory("insight-test");
        try (LayerExtractor extractor =
                LayerExtractor.resNet50(ModelsDirectory.locate(), List.of("conv1_relu"), work)) {
            UnitAtlas atlas = new UnitAtlas(extractor, new ImageDecoder(), 64);
            atlas.add(PHOTO);
            atlas.add(SECOND);
            atlas.write(folder, 16, 8);
        }
        AtlasIndexed indexed = AtlasIndexed.newBuilder()
                .setName("console-test")
                .setNetwork("resnet50")
                .addLayers("conv1_relu")
                .setPhotos(2)
                .setLongSide(64)
                .setFolder(folder.toString())
                .build();
        kafka.send(Topics.INSIGHT_ATLASES, "console-test", indexed.toByteArray());
        kafka.send(
                Topics.INSIGHT_ATLASES,
                "elsewhere",
                indexed.toBuilder()
                        .setName("elsewhere")
                        .setFolder(Path.of("target").toAbsolutePath().toString())
                        .build()
                        .toByteArray());

        await("/api/insight/atlases", r -> r.asString().contains("elsewhere"));
        Response list = given().get("/api/insight/atlases");
        assertThat(list.jsonPath().getList("name")).contains("console-test", "elsewhere");
        assertThat(list.jsonPath().getList("find { it.name == 'console-test' }.layers"))
                .containsExactly("conv1_relu");

        assertServed("console-test", folder, "conv1_relu");
        // Only the atlas's own files, and only from under the results folders.
        given().get("/api/insight/atlases/console-test/res2c.png").then().statusCode(404);
        given().get("/api/insight/atlases/console-test/atlas.checkpoint").then().statusCode(404);
        given().get("/api/insight/atlases/elsewhere/index.json").then().statusCode(403);

        kafka.send(Topics.INSIGHT_ATLASES, "console-test", null);
        await("/api/insight/atlases", r -> !r.asString().contains("console-test"));
        given().get("/api/insight/atlases/console-test/index.json").then().statusCode(404);
    }

    @Test
    void aFaceNetworksAtlasIsListedAndBrowsedLikeResNet50s() throws Exception {
        // As the embedding service writes it: the aligned faces of a photo in faces/, the grid cut from them.
        Path folder = RESULTS.resolve("atlases/console-faces").toAbsolutePath();
        Path work = Files.createTempDirectory("insight-test");
        Path models = ModelsDirectory.locate();
        EmbeddingSpec.Network network = FaceNetworks.embedding(FaceNetworks.FR_FEATURE, models)
                .networks()
                .get(0);
        Path faces = folder.resolve(Atlases.FACES);
        int faceCount;
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models));
                LayerExtractor extractor = LayerExtractor.faceNetwork(network, List.of("stem"), work)) {
            UnitAtlas atlas = new UnitAtlas(extractor, new ImageDecoder(), 112);
            for (Path face : AlignedFaces.write(pipeline, PHOTO, "sample1.jpg", network, faces)) {
                atlas.add(face, Corpus.name(faces, face));
            }
            atlas.write(folder, 16, 8);
            faceCount = atlas.imageCount();
        }
        AtlasIndexed indexed = AtlasIndexed.newBuilder()
                .setName("console-faces")
                .setNetwork(FaceNetworks.FR_FEATURE)
                .addLayers("stem")
                .setPhotos(faceCount)
                .setLongSide(112)
                .setFolder(folder.toString())
                .build();
        kafka.send(Topics.INSIGHT_ATLASES, "console-faces", indexed.toByteArray());

        await("/api/insight/atlases", r -> r.asString().contains("console-faces"));
        Response list = given().get("/api/insight/atlases");
        assertThat(list.jsonPath().getString("find { it.name == 'console-faces' }.network"))
                .isEqualTo(FaceNetworks.FR_FEATURE);
        // The patches' sources are the aligned faces.
        assertThat(assertServed("console-faces", folder, "stem")).contains("sample1_face0.png");
        given().get("/api/insight/atlases/console-faces/faces").then().statusCode(404);
    }

    @Test
    void atlasMapsAndExplainAreRequestsAndTheirResultsServed() throws Exception {
        try (TopicFollower requests = kafka.readFromEnd(Topics.INSIGHT_REQUESTS);
                TopicFollower images = kafka.readFromEnd(Topics.IMAGES)) {
            // The form's network choice reaches the request: here a face network's, which embedding serves.
            String atlasId = given().multiPart("name", "e2e")
                    .multiPart("corpus", "faces")
                    .multiPart("network", FaceNetworks.DLIB)
                    .multiPart("layers", "stem, block3")
                    .multiPart("longSide", "64")
                    .post("/api/insight/atlases")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("requestId");
            InsightRequested atlas =
                    InsightRequested.parseFrom(requests.read(1, WAIT).get(0).value());
            assertThat(atlas.getRequestId()).isEqualTo(atlasId);
            assertThat(atlas.getAtlas().getName()).isEqualTo("e2e");
            assertThat(atlas.getAtlas().getCorpus()).isEqualTo("faces");
            assertThat(atlas.getAtlas().getNetwork()).isEqualTo(FaceNetworks.DLIB);
            assertThat(atlas.getAtlas().getLayersList()).containsExactly("stem", "block3");
            assertThat(atlas.getAtlas().getLongSide()).isEqualTo(64);
            given().multiPart("name", "e2e").post("/api/insight/atlases").then().statusCode(400);

            String mapsId = given().multiPart("image", PHOTO.toFile(), "image/jpeg")
                    .multiPart("layers", "res2c, res3d")
                    .post("/api/insight/maps")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("requestId");
            ConsumerRecord<String, byte[]> record = requests.read(1, WAIT).get(0);
            InsightRequested maps = InsightRequested.parseFrom(record.value());
            assertThat(record.key()).isEqualTo(mapsId);
            assertThat(maps.getMaps().getLayersList()).containsExactly("res2c", "res3d");
            assertThat(maps.getMaps().getImage().getInline().toByteArray()).isEqualTo(Files.readAllBytes(PHOTO));

            // The verify card's link: explain the two photos of a verification the console has seen.
            String verifyId = given().multiPart("image", PHOTO.toFile(), "image/jpeg")
                    .multiPart("second", SECOND.toFile(), "image/jpeg")
                    .post("/api/verify")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("requestId");
            assertThat(ImageSubmitted.parseFrom(images.read(1, WAIT).get(0).value())
                            .getRequestId())
                    .isEqualTo(verifyId);
            await("/api/pictures/" + verifyId + "/second", r -> true);
            given().post("/api/insight/explain/console-unknown").then().statusCode(404);
            String explainId = given().post("/api/insight/explain/" + verifyId)
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("requestId");
            InsightRequested explain =
                    InsightRequested.parseFrom(requests.read(1, WAIT).get(0).value());
            assertThat(explain.getRequestId()).isEqualTo(explainId);
            assertThat(explain.getExplain().getA().getInline().toByteArray()).isEqualTo(Files.readAllBytes(PHOTO));
            assertThat(explain.getExplain().getB().getInline().toByteArray()).isEqualTo(Files.readAllBytes(SECOND));
            assertThat(explain.getAttributesMap()).containsEntry("verification", verifyId);
        }

        // The maps as the stylising service writes them, and its result on the topic.
        given().get("/api/insight/results/maps-test").then().statusCode(404);
        Path folder = RESULTS.resolve("maps/maps-test").toAbsolutePath();
        Path work = Files.createTempDirectory("insight-test");
        InsightImage photo = InsightImage.load(PHOTO, new ImageDecoder(), 96);
        try (LayerExtractor extractor = LayerExtractor.resNet50(ModelsDirectory.locate(), List.of("res2c"), work)) {
            ActivationMaps.write(extractor, photo, 2, folder);
        }
        kafka.send(
                Topics.INSIGHT_RESULTS,
                "maps-test",
                InsightResult.newBuilder()
                        .setRequestId("maps-test")
                        .setFolder(folder.toString())
                        .addFiles("res2c.png")
                        .build()
                        .toByteArray());
        await("/api/insight/results/maps-test", r -> true);
        assertThat(given().get("/api/insight/results/maps-test").jsonPath().getList("files"))
                .containsExactly("res2c.png");
        byte[] png = given().get("/api/insight/results/maps-test/res2c.png")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
        // The photo and its two strongest channels side by side.
        assertThat(picture.getWidth()).isEqualTo(3 * photo.width());
        assertThat(png).isEqualTo(Files.readAllBytes(folder.resolve("res2c.png")));
        given().get("/api/insight/results/maps-test/other.png").then().statusCode(404);
    }

    /** Fetches an atlas's index.json and a layer's grid, asserts both are its folder's bytes; the index. */
    private static String assertServed(String atlas, Path folder, String layer) throws Exception {
        String index = given().get("/api/insight/atlases/" + atlas + "/index.json")
                .then()
                .statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox")
                .extract()
                .asString();
        assertThat(index).isEqualTo(Files.readString(folder.resolve("index.json")));
        byte[] grid = given().get("/api/insight/atlases/" + atlas + "/" + layer + ".png")
                .then()
                .statusCode(200)
                .contentType("image/png")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox")
                .extract()
                .asByteArray();
        assertThat(grid).isEqualTo(Files.readAllBytes(folder.resolve(layer + ".png")));
        return index;
    }

    /** Polls until the path answers 200 and the response satisfies the condition. */
    private static void await(String path, Predicate<Response> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().get(path);
            if (response.statusCode() == 200 && condition.test(response)) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError(path + " did not answer as expected within " + WAIT);
    }
}
