package dev.likeness.cli;

import static dev.likeness.cli.CliRun.likeness;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.events.Requests;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.follower.TopicFollower;
import dev.likeness.local.kafka.FreePorts;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaTestClient;

/**
 * {@code stylise} and {@code gallery} against a real broker: what they publish and read, and how they fail.
 * Against the running services (a painted picture, a deletion through matching) they are tested in
 * tests/e2e, where `make run` brings the mesh up.
 */
@Tag("broker")
@Tag("models")
class StyliseAndGalleryCommandsTest {

    private static final Path CONTENT = ModelsDirectory.resolve("samples/sample1.jpg");
    private static final Path STYLE = ModelsDirectory.resolve("samples/sample2.jpg");

    private static String bootstrapServers;
    private static KafkaTestClient kafka;

    @BeforeAll
    static void createTopics() {
        bootstrapServers = KafkaBroker.shared().bootstrapServers();
        kafka = KafkaBroker.shared().client();
        kafka.createTopics(Topics.STYLE_REQUESTS, Topics.STYLE_PROGRESS, Topics.STYLE_RESULTS, Topics.GALLERY);
    }

    @AfterAll
    static void closeClient() {
        kafka.close();
    }

    @Test
    void stylisePublishesTheRequestWithItsOptionsAndTimesOutWithoutAService() throws Exception {
        try (TopicFollower requests = kafka.readFromEnd(Topics.STYLE_REQUESTS)) {
            CliRun run = likeness(
                    "stylise",
                    CONTENT.toString(),
                    STYLE.toString(),
                    "--size",
                    "96",
                    "--iterations",
                    "12",
                    "--style-weight",
                    "100",
                    "--seed",
                    "7",
                    "--request-id",
                    "cli-style-1",
                    "--timeout",
                    "2",
                    "--bootstrap-servers",
                    bootstrapServers);

            assertThat(run.exitCode).isEqualTo(ExitCodes.TIMED_OUT);
            assertThat(run.err)
                    .contains(
                            "published style request cli-style-1",
                            "no result for style request cli-style-1 on likeness.style.results.v1 within 2 s");
            List<ConsumerRecord<String, byte[]>> published = requests.read(1, Duration.ofSeconds(10));
            assertThat(published).hasSize(1);
            StyleRequested request = StyleRequested.parseFrom(published.get(0).value());
            assertThat(published.get(0).key()).isEqualTo("cli-style-1");
            assertThat(request.getOutputMaxSide()).isEqualTo(96);
            assertThat(request.getOptimisation().getIterations()).isEqualTo(12);
            assertThat(request.getOptimisation().getBeta()).isEqualTo(100f);
            assertThat(request.getOptimisation().getSeed()).isEqualTo(7L);
            assertThat(request.getOptimisation().hasAlpha()).isFalse();
            assertThat(request.getStylesCount()).isEqualTo(1);
            assertThat(request.getContent().getInline().size()).isEqualTo((int) Files.size(CONTENT));
        }
    }

    @Test
    void styliseRefusesAMissingFileBeforeTalkingToKafka() {
        CliRun run =
                likeness("stylise", CONTENT.toString(), "no/such/style.jpg", "--bootstrap-servers", bootstrapServers);

        assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains("no such file: no/such/style.jpg").doesNotContain("Exception", "\tat ");
    }

    @Test
    void styliseRefusesAnOutputInAFolderThatIsNotThereBeforePublishing() throws Exception {
        try (TopicFollower requests = kafka.readFromEnd(Topics.STYLE_REQUESTS)) {
            CliRun run = likeness(
                    "stylise",
                    CONTENT.toString(),
                    STYLE.toString(),
                    "-o",
                    "no/such/folder/painted.png",
                    "--bootstrap-servers",
                    bootstrapServers);

            assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err)
                    .contains("--output no/such/folder/painted.png: no writable folder")
                    .doesNotContain("\tat ");
            assertThat(requests.read(1, Duration.ofSeconds(2)))
                    .as("nothing published")
                    .isEmpty();
        }
    }

    @Test
    void styliseReportsABrokerThatIsDown() throws IOException {
        CliRun run = likeness(
                "stylise",
                CONTENT.toString(),
                STYLE.toString(),
                "--bootstrap-servers",
                "localhost:" + FreePorts.find());

        assertThat(run.exitCode).isEqualTo(ExitCodes.KAFKA_UNAVAILABLE);
        assertThat(run.err).contains("cannot reach Kafka at localhost:").doesNotContain("\tat ");
    }

    @Test
    void theBarEndsFullWhenTheResultOvertakesTheLastProgressEvent() throws Exception {
        Path painted = Files.createTempDirectory("cli-stylise").resolve("painted.png");
        try (TopicFollower requests = kafka.readFromEnd(Topics.STYLE_REQUESTS)) {
            CompletableFuture<CliRun> stylise = CompletableFuture.supplyAsync(() -> likeness(
                    "stylise",
                    CONTENT.toString(),
                    STYLE.toString(),
                    "--iterations",
                    "20",
                    "--request-id",
                    "cli-style-2",
                    "--timeout",
                    "30",
                    "-o",
                    painted.toString(),
                    "--bootstrap-servers",
                    bootstrapServers));
            assertThat(requests.read(1, Duration.ofSeconds(20))).hasSize(1);

            // Progress and results are separate topics, so a reader may see the result before the last progress:
            // here the last progress event never comes.
            send(StyleProgress.newBuilder()
                    .setRequestId("cli-style-2")
                    .setIteration(10)
                    .setTotalIterations(20)
                    .setCost(2.5)
                    .build());
            kafka.send(CloudEventRecords.of(
                    Topics.STYLE_RESULTS,
                    "cli-style-2",
                    ImageStylised.newBuilder()
                            .setRequestId("cli-style-2")
                            .setWidth(4)
                            .setHeight(3)
                            .setIterations(20)
                            .setFinalCost(0.125)
                            .setImage(ImageSource.newBuilder()
                                    .setInline(ByteString.copyFrom(png(4, 3)))
                                    .setContentType("image/png"))
                            .build()));
            CliRun run = stylise.get(60, TimeUnit.SECONDS);

            assertThat(run.exitCode).as(run.err).isZero();
            assertThat(run.err).contains("[##############################] 100%  20/20  J=1.250e-01  eta 0 s");
            assertThat(run.out).startsWith(painted + ": 4x3").contains("20 iterations");
            assertThat(ImageIO.read(painted.toFile()).getWidth()).isEqualTo(4);
        }
    }

    @Test
    void theProgressBarShowsHowFarTheJobIs() {
        StyleProgress halfway = StyleProgress.newBuilder()
                .setIteration(10)
                .setTotalIterations(20)
                .setCost(138.83)
                .setEtaMs(3_200)
                .build();

        assertThat(StyliseCommand.progressBar(halfway))
                .isEqualTo("[###############---------------]  50%  10/20  J=1.388e+02  eta 3 s");
        assertThat(StyliseCommand.progressBar(
                        halfway.toBuilder().setFrame(1).setFrames(8).build()))
                .as("a clip's progress names its frame")
                .isEqualTo("[###############---------------]  50%  10/20  J=1.388e+02  eta 3 s  frame 2/8");
    }

    @Test
    void aClipOrASoundIsWrittenWhereItsKindBelongs() {
        Path folder = Path.of("in");
        assertThat(StyliseCommand.defaultOutput(folder.resolve("photo.jpg"), "image/png"))
                .isEqualTo(folder.resolve("photo-stylised.png"));
        assertThat(StyliseCommand.defaultOutput(folder.resolve("pan.GIF"), "image/gif"))
                .isEqualTo(folder.resolve("pan-stylised.gif"));
        // An animated WebP comes back as a GIF; a still WebP as a PNG.
        assertThat(StyliseCommand.defaultOutput(folder.resolve("pan.webp"), "image/gif"))
                .isEqualTo(folder.resolve("pan-stylised.gif"));
        assertThat(StyliseCommand.defaultOutput(folder.resolve("still.webp"), "image/png"))
                .isEqualTo(folder.resolve("still-stylised.png"));
        assertThat(StyliseCommand.defaultOutput(folder.resolve("voice.wav"), "audio/wav"))
                .isEqualTo(folder.resolve("voice-stylised.wav"));
    }

    @Test
    void galleryListPrintsTheTopicsCurrentStateWithoutDeletedIdentities() {
        send(identity("cli-ada", "Ada Lovelace", 2));
        send(identity("cli-bob", "Bob", 1));
        send(identity("cli-cy", "Cy", 1));
        kafka.send(new ProducerRecord<>(Topics.GALLERY, "cli-bob", null));
        send(identity("cli-ada", "Ada King", 3));

        CliRun run = likeness("gallery", "list", "--bootstrap-servers", bootstrapServers);

        assertThat(run.exitCode).as(run.err).isZero();
        List<String> ours =
                run.out.lines().filter(line -> line.startsWith("cli-")).toList();
        assertThat(ours)
                .containsExactly("cli-ada\tAda King\t3\t2026-01-02T03:04:05Z", "cli-cy\tCy\t1\t2026-01-02T03:04:05Z");
    }

    @Test
    void galleryListShowsOneTenantsIdentitiesOnly() {
        // The same identity id in two tenants, as the matching service keys them ("<tenant>/<id>").
        kafka.send(CloudEventRecords.of(Topics.GALLERY, "cli-t1/cli-dora", identity("cli-dora", "Dora of t1", 1)));
        kafka.send(CloudEventRecords.of(Topics.GALLERY, "cli-t2/cli-dora", identity("cli-dora", "Dora of t2", 2)));
        kafka.send(CloudEventRecords.of(Topics.GALLERY, "cli-t2/cli-eve", identity("cli-eve", "Eve", 1)));
        kafka.send(new ProducerRecord<>(Topics.GALLERY, "cli-t2/cli-eve", null));

        CliRun t1 = likeness("gallery", "list", "--tenant", "cli-t1", "--bootstrap-servers", bootstrapServers);
        CliRun t2 = likeness("gallery", "list", "--tenant", "cli-t2", "--bootstrap-servers", bootstrapServers);
        CliRun byDefault = likeness("gallery", "list", "--bootstrap-servers", bootstrapServers);
        CliRun invalid = likeness("gallery", "list", "--tenant", "T/1", "--bootstrap-servers", bootstrapServers);

        assertThat(t1.exitCode).as(t1.err).isZero();
        assertThat(t1.out.lines()).containsExactly("cli-dora\tDora of t1\t1\t2026-01-02T03:04:05Z");
        assertThat(t2.out.lines()).containsExactly("cli-dora\tDora of t2\t2\t2026-01-02T03:04:05Z");
        assertThat(byDefault.out).doesNotContain("cli-dora");
        assertThat(invalid.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(invalid.err).contains("--tenant T/1");
    }

    @Test
    void tenantCommandsReportAMatchingServiceThatIsDown() throws IOException {
        int port = FreePorts.find();

        CliRun list = likeness("tenant", "list", "--matching-url", "http://localhost:" + port);
        CliRun delete = likeness("tenant", "delete", "cli-t1", "--matching-url", "http://localhost:" + port);

        assertThat(list.exitCode).isEqualTo(ExitCodes.KAFKA_UNAVAILABLE);
        assertThat(delete.exitCode).isEqualTo(ExitCodes.KAFKA_UNAVAILABLE);
        assertThat(delete.err)
                .contains("cannot reach the matching service at http://localhost:" + port)
                .doesNotContain("\tat ");
    }

    @Test
    void galleryListReportsABrokerThatIsDown() throws IOException {
        CliRun run = likeness("gallery", "list", "--bootstrap-servers", "localhost:" + FreePorts.find());

        assertThat(run.exitCode).isEqualTo(ExitCodes.KAFKA_UNAVAILABLE);
        assertThat(run.err).contains("cannot reach Kafka at").doesNotContain("\tat ");
    }

    @Test
    void galleryDeleteReportsAMatchingServiceThatIsDown() throws IOException {
        int port = FreePorts.find();

        CliRun run = likeness("gallery", "delete", "cli-ada", "--matching-url", "http://localhost:" + port);

        assertThat(run.exitCode).isEqualTo(ExitCodes.KAFKA_UNAVAILABLE);
        assertThat(run.err)
                .contains("cannot reach the matching service at http://localhost:" + port)
                .doesNotContain("\tat ");
    }

    @Test
    void galleryWithoutSubcommandIsAUsageError() {
        CliRun run = likeness("gallery");

        assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains("Missing command: list or delete");
    }

    private static Identity identity(String id, String name, int embeddings) {
        Identity.Builder identity = Identity.newBuilder()
                .setIdentityId(id)
                .setDisplayName(name)
                .setUpdatedAt(Requests.timestamp(Instant.parse("2026-01-02T03:04:05Z")));
        for (int i = 0; i < embeddings; i++) {
            identity.addEmbeddingsBuilder().addVector(1f);
        }
        return identity.build();
    }

    private static void send(Identity identity) {
        kafka.send(CloudEventRecords.of(Topics.GALLERY, identity.getIdentityId(), identity));
    }

    private static void send(StyleProgress progress) {
        kafka.send(CloudEventRecords.of(Topics.STYLE_PROGRESS, progress.getRequestId(), progress));
    }

    private static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", png);
        return png.toByteArray();
    }
}
