package dev.likeness.cli;

import static dev.likeness.cli.CliRun.likeness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.AtlasJob;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaTestClient;

/**
 * {@code atlas}, {@code maps} and {@code explain} with {@code --mesh} against a real broker: what they publish, and
 * what they refuse. Answered by the running services (a result, a dead letter) in tests/mesh's
 * InsightThroughTheMeshTest.
 */
@Tag("broker")
@Tag("models")
class InsightMeshCommandsTest {

    private static final Path SAMPLE1 = ModelsDirectory.resolve("samples/sample1.jpg");
    private static final Path SAMPLE6 = ModelsDirectory.resolve("samples/sample6.jpg");

    @BeforeAll
    static void createTopics() {
        try (KafkaTestClient kafka = KafkaBroker.shared().client()) {
            kafka.createTopics(
                    Topics.INSIGHT_REQUESTS,
                    Topics.INSIGHT_PROGRESS,
                    Topics.INSIGHT_RESULTS,
                    Topics.deadLetters("stylising"),
                    Topics.deadLetters("embedding"));
        }
    }

    /** The command with --mesh on the shared broker. */
    private static CliRun mesh(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--mesh", "--bootstrap-servers", KafkaBroker.shared().bootstrapServers()));
        return likeness(all.toArray(String[]::new));
    }

    private static TopicFollower requests(KafkaTestClient kafka) {
        return kafka.readFromEnd(Topics.INSIGHT_REQUESTS);
    }

    private static InsightRequested published(TopicFollower requests, String id) throws Exception {
        List<ConsumerRecord<String, byte[]>> records = requests.read(1, Duration.ofSeconds(10));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo(id);
        InsightRequested request = InsightRequested.parseFrom(records.get(0).value());
        assertThat(request.getRequestId()).isEqualTo(id);
        assertThat(request.hasSubmittedAt()).isTrue();
        return request;
    }

    @Test
    void atlasPublishesItsJobAndTimesOutWithoutAService() throws Exception {
        try (KafkaTestClient kafka = KafkaBroker.shared().client();
                TopicFollower requests = requests(kafka)) {
            CliRun run = mesh(
                    "atlas",
                    "small",
                    "--layers",
                    "conv1_relu,res2c",
                    "--long-side",
                    "64",
                    "--request-id",
                    "cli-atlas-1",
                    "--timeout",
                    "2");

            assertThat(run.exitCode).isEqualTo(ExitCodes.TIMED_OUT);
            assertThat(run.err)
                    .contains(
                            "published insight request cli-atlas-1",
                            "no result for insight request cli-atlas-1 on likeness.insight.results.v1 and no dead"
                                    + " letter within 2 s");
            InsightRequested request = published(requests, "cli-atlas-1");
            assertThat(request.getAtlas().getName()).isEqualTo("small");
            assertThat(request.getAtlas().getCorpus()).isEqualTo("small");
            assertThat(request.getAtlas().getLayersList()).containsExactly("conv1_relu", "res2c");
            assertThat(request.getAtlas().getLongSide()).isEqualTo(64);
        }
    }

    @Test
    void mapsAndExplainSendTheirPhotosInline() throws Exception {
        try (KafkaTestClient kafka = KafkaBroker.shared().client();
                TopicFollower requests = requests(kafka)) {
            CliRun maps =
                    mesh("maps", SAMPLE1.toString(), "--channels", "3", "--request-id", "cli-maps-1", "--timeout", "1");
            assertThat(maps.exitCode).isEqualTo(ExitCodes.TIMED_OUT);
            InsightRequested request = published(requests, "cli-maps-1");
            assertThat(request.getMaps().getImage().getInline().size()).isEqualTo((int) Files.size(SAMPLE1));
            assertThat(request.getMaps().getChannels()).isEqualTo(3);
            // Not given: the service's default size.
            assertThat(request.getMaps().getLongSide()).isZero();

            CliRun explain = mesh(
                    "explain",
                    SAMPLE1.toString(),
                    SAMPLE6.toString(),
                    "--request-id",
                    "cli-explain-1",
                    "--timeout",
                    "1");
            assertThat(explain.exitCode).isEqualTo(ExitCodes.TIMED_OUT);
            request = published(requests, "cli-explain-1");
            assertThat(request.getExplain().getA().getInline().size()).isEqualTo((int) Files.size(SAMPLE1));
            assertThat(request.getExplain().getB().getInline().size()).isEqualTo((int) Files.size(SAMPLE6));
            // Not given: the service explains its own model, not the CLI's in-process default.
            assertThat(request.getExplain().getEmbedding()).isEmpty();

            CliRun dlib = mesh(
                    "explain",
                    SAMPLE1.toString(),
                    SAMPLE6.toString(),
                    "--embedding",
                    "dlib-face-resnet-v1",
                    "--request-id",
                    "cli-explain-2",
                    "--timeout",
                    "1");
            assertThat(dlib.exitCode).isEqualTo(ExitCodes.TIMED_OUT);
            assertThat(published(requests, "cli-explain-2").getExplain().getEmbedding())
                    .isEqualTo("dlib-face-resnet-v1");
        }
    }

    @Test
    void recordsOfOtherProducersOnTheDeadLetterTopicsDoNotEndTheWait() throws Exception {
        try (KafkaTestClient kafka = KafkaBroker.shared().client();
                TopicFollower requests = requests(kafka)) {
            CompletableFuture<CliRun> explain = CompletableFuture.supplyAsync(() -> mesh(
                    "explain",
                    SAMPLE1.toString(),
                    SAMPLE6.toString(),
                    "--request-id",
                    "cli-explain-3",
                    "--timeout",
                    "30"));
            published(requests, "cli-explain-3");

            // Not a DeadLetter at all (one partition: the CLI reads it before the real answer).
            byte[] json = "{\"error\": \"not protobuf\"}".getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> DeadLetter.parseFrom(json)).isInstanceOf(InvalidProtocolBufferException.class);
            kafka.send(Topics.deadLetters("embedding"), "another-producer", json);
            kafka.send(CloudEventRecords.of(
                    Topics.deadLetters("embedding"),
                    "cli-explain-3",
                    DeadLetter.newBuilder()
                            .setRequestId("cli-explain-3")
                            .setService("embedding")
                            .setReasonCode("NO_FACE")
                            .setReason("no face found in image b")
                            .build()));

            CliRun run = explain.get(60, TimeUnit.SECONDS);
            assertThat(run.exitCode).as(run.err).isEqualTo(ExitCodes.ERROR_RESULT);
            assertThat(run.err)
                    .contains(
                            "embedding dead-lettered insight request cli-explain-3: NO_FACE: no face found in image b");
        }
    }

    @Test
    void optionsOfTheInProcessRunAreRefusedWithMesh() {
        CliRun figure = mesh("atlas", "small", "--figure", "6");
        assertThat(figure.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(figure.err).contains("--figure run in-process only, not with --mesh");
    }

    @Test
    void anAtlasOfAFolderWithoutANameNeedsOneAndAFaceNetworkHasNoLongSide() {
        CliRun root = mesh("atlas", "/", "--request-id", "cli-atlas-root", "--timeout", "1");
        assertThat(root.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(root.err).contains("--mesh: / has no name to give the atlas: pass --name");

        CliRun longSide = mesh("atlas", "faces", "--network", "dlib-face-resnet-v1", "--long-side", "300");
        assertThat(longSide.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(longSide.err)
                .contains("--long-side is resnet50's only: a face network runs its aligned faces at its input size");
    }

    @Test
    void aFaceNetworksAtlasNamesItsNetworkForTheEmbeddingService() throws Exception {
        try (KafkaTestClient kafka = KafkaBroker.shared().client();
                TopicFollower requests = requests(kafka)) {
            CliRun run = mesh(
                    "atlas",
                    "faces",
                    "--network",
                    "dlib-face-resnet-v1",
                    "--request-id",
                    "cli-atlas-face",
                    "--timeout",
                    "1");
            assertThat(run.exitCode).isEqualTo(ExitCodes.TIMED_OUT);
            AtlasJob job = published(requests, "cli-atlas-face").getAtlas();
            assertThat(job.getNetwork()).isEqualTo("dlib-face-resnet-v1");
            assertThat(job.getCorpus()).isEqualTo("faces");
            // Not given: the service's default layers.
            assertThat(job.getLayersList()).isEmpty();
        }
    }
}
