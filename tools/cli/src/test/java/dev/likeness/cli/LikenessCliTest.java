package dev.likeness.cli;

import static dev.likeness.cli.CliRun.likeness;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.Candidate;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.RecognisedFace;
import dev.likeness.events.v1.Recognition;
import dev.likeness.events.v1.RequestError;
import dev.likeness.events.v1.VerificationResult;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.Analysis;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.follower.TopicFollower;
import dev.likeness.local.kafka.FreePorts;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaTestClient;

/** Runs the CLI in-process against a real broker, simulating the mesh's answers where a command waits for one. */
@Tag("broker")
@Tag("models")
class LikenessCliTest {

    private static final Path PHOTO = ModelsDirectory.resolve("samples/sample1.jpg");
    private static final String FACES_TOPIC = "likeness.cli-test.faces.v1";
    private static final String EMBEDDING_DLQ = Topics.deadLetters("embedding");

    private static String bootstrapServers;
    private static KafkaTestClient kafka;

    @BeforeAll
    static void createTopics() {
        bootstrapServers = KafkaBroker.shared().bootstrapServers();
        kafka = KafkaBroker.shared().client();
        kafka.createTopics(Topics.IMAGES, Topics.MATCHES, Topics.FACES, FACES_TOPIC, EMBEDDING_DLQ);
    }

    @AfterAll
    static void closeClient() {
        kafka.close();
    }

    @Test
    void publishSendsThePhotoAsImageSubmittedWithCloudEventHeaders() throws Exception {
        try (TopicFollower images = kafka.readFromEnd(Topics.IMAGES)) {
            CliRun run = likeness(
                    "publish",
                    PHOTO.toString(),
                    "--purpose",
                    "enrol",
                    "--identity",
                    "ada",
                    "--name",
                    "Ada",
                    "--tenant",
                    "acme",
                    "--bootstrap-servers",
                    bootstrapServers);

            assertThat(run.exitCode).as(run.err).isZero();
            String requestId = run.out.strip();
            List<ConsumerRecord<String, byte[]>> records = images.read(1, Duration.ofSeconds(20));
            assertThat(records).hasSize(1);
            ConsumerRecord<String, byte[]> record = records.get(0);
            assertThat(record.key()).isEqualTo(requestId);
            assertThat(header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
            assertThat(header(record, CloudEventHeaders.ID)).isEqualTo(requestId + "/likeness.v1.ImageSubmitted");
            assertThat(header(record, CloudEventHeaders.TYPE)).isEqualTo("likeness.v1.ImageSubmitted");
            assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("/likeness/cli");
            assertThat(header(record, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/protobuf");
            ImageSubmitted request = ImageSubmitted.parseFrom(record.value());
            assertThat(request.getRequestId()).isEqualTo(requestId);
            assertThat(request.getImage().getInline().toByteArray()).isEqualTo(Files.readAllBytes(PHOTO));
            assertThat(request.getImage().getContentType()).isEqualTo("image/jpeg");
            assertThat(request.getPurpose().getEnrol().getIdentityId()).isEqualTo("ada");
            assertThat(request.getPurpose().getEnrol().getDisplayName()).isEqualTo("Ada");
            assertThat(request.getTenant()).isEqualTo("acme");
        }
    }

    @Test
    void publishingAFolderSendsEveryPhotoInOrderAndReportsTheOneThatCannotBeSent(@TempDir Path folder)
            throws Exception {
        BufferedImage photo = ImageIO.read(PHOTO.toFile());
        List<Path> tiles = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            Path tile = folder.resolve(String.format(Locale.ROOT, "tile-%03d.jpg", i));
            int x = (i * 37) % (photo.getWidth() - 250);
            int y = (i * 53) % (photo.getHeight() - 250);
            ImageIO.write(photo.getSubimage(x, y, 250, 250), "jpeg", tile.toFile());
            tiles.add(tile);
        }
        // Over the inline limit: refused by the CLI itself, between photos that are sent.
        Path oversized = folder.resolve("tile-050-oversized.jpg");
        Files.write(oversized, new byte[(int) ImageRequests.MAX_INLINE_BYTES + 1]);

        try (TopicFollower images = kafka.readFromEnd(Topics.IMAGES)) {
            CliRun run = likeness("publish", folder.toString(), "--bootstrap-servers", bootstrapServers);

            assertThat(run.exitCode).as(run.err).isEqualTo(ExitCodes.ERROR_RESULT);
            assertThat(run.err).contains(oversized.toString()).doesNotContain("\tat ");
            List<String> requestIds = run.out.lines().toList();
            assertThat(requestIds).hasSize(tiles.size()).doesNotHaveDuplicates();
            List<ConsumerRecord<String, byte[]>> records = images.read(tiles.size(), Duration.ofSeconds(30));
            assertThat(records).extracting(ConsumerRecord::key).containsExactlyElementsOf(requestIds);
            for (int i = 0; i < tiles.size(); i++) {
                ImageSubmitted request = ImageSubmitted.parseFrom(records.get(i).value());
                assertThat(request.getImage().getInline().toByteArray())
                        .as(tiles.get(i).toString())
                        .isEqualTo(Files.readAllBytes(tiles.get(i)));
                assertThat(request.getTenant())
                        .as("no --tenant: the tenant default")
                        .isEmpty();
            }
        }
    }

    @Test
    void watchDecodesFacesEmbeddedAndOmitsLargeBytes() {
        FacesEmbedded faces = FacesEmbedded.newBuilder()
                .setRequestId("watch-1")
                .setImageWidth(640)
                .setImageHeight(480)
                .addFaces(Face.newBuilder().setDetectorScore(0.98f).addEmbedding(0.25f))
                .build();
        send(FACES_TOPIC, "watch-1", faces);

        CliRun run = likeness(
                "watch",
                FACES_TOPIC,
                "--from-beginning",
                "--max",
                "1",
                "--timeout",
                "30",
                "--bootstrap-servers",
                bootstrapServers);

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out.lines()).hasSize(1);
        assertThat(run.out)
                .contains(
                        "\"type\":\"likeness.v1.FacesEmbedded\"",
                        "\"key\":\"watch-1\"",
                        "\"requestId\":\"watch-1\"",
                        "\"imageWidth\":640",
                        "\"embedding\":[0.25]");
    }

    @Test
    void watchShowsTheSizeOfInlineImagesInsteadOfTheirBytes() {
        String topic = "likeness.cli-test.images.v1";
        kafka.createTopics(topic);
        ImageSubmitted request = ImageRequests.request("watch-2", PHOTO, Purposes.identify());
        send(topic, "watch-2", request);

        CliRun run = likeness(
                "watch",
                topic,
                "--from-beginning",
                "--max",
                "1",
                "--timeout",
                "30",
                "--bootstrap-servers",
                bootstrapServers);

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out)
                .contains("\"inline\":{\"omittedBytes\":"
                        + request.getImage().getInline().size() + "}");
        assertThat(run.out.length()).isLessThan(1000);
    }

    @Test
    void dlqPrintsTheDeadLetters() {
        DeadLetter letter = DeadLetter.newBuilder()
                .setReasonCode("IMAGE_UNDECODABLE")
                .setReason("not an image")
                .setSourceTopic(Topics.IMAGES)
                .setSourcePartition(0)
                .setSourceOffset(42)
                .setService("embedding")
                .setRequestId("dlq-1")
                .setOriginalValue(ByteString.copyFrom(new byte[1000]))
                .build();
        send(EMBEDDING_DLQ, "dlq-1", letter);

        CliRun run = likeness("dlq", "--service", "embedding", "--bootstrap-servers", bootstrapServers);

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out).contains("IMAGE_UNDECODABLE\tnot an image\tlikeness.images.v1/0/42\tembedding\tdlq-1");
    }

    @Test
    void identifyPrintsTheMatchResultAsJson() throws Exception {
        Recognition recognition = Recognition.newBuilder()
                .setThreshold(1.1f)
                .addFaces(RecognisedFace.newBuilder()
                        .setBox(BoundingBox.newBuilder().setX2(10).setY2(10))
                        .addCandidates(Candidate.newBuilder()
                                .setIdentityId("ada")
                                .setDisplayName("Ada")
                                .setDistance(0.4f)))
                .build();

        CliRun run = identifyAnsweredWith(result -> result.setRecognition(recognition));

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out).contains("\"identityId\": \"ada\"", "\"displayName\": \"Ada\"", "\"recognition\"");
    }

    @Test
    void identifyExitsWithOneOnAnErrorResult() throws Exception {
        CliRun run = identifyAnsweredWith(result ->
                result.setError(RequestError.newBuilder().setCode("NO_FACE").setMessage("no face found")));

        assertThat(run.exitCode).isEqualTo(ExitCodes.ERROR_RESULT);
        assertThat(run.out).contains("\"code\": \"NO_FACE\"");
    }

    @Test
    void identifyEndsWithTheReasonWhenTheEmbeddingServiceDeadLettersThePhoto() throws Exception {
        long started = System.nanoTime();
        CliRun run = answeredOn(
                EMBEDDING_DLQ,
                (requestId, request) -> DeadLetter.newBuilder()
                        .setReasonCode("IMAGE_UNSUPPORTED_FORMAT")
                        .setReason("GIF is not decoded")
                        .setService("embedding")
                        .setRequestId(requestId)
                        .build(),
                "identify",
                PHOTO.toString());

        assertThat(run.exitCode).as(run.err).isEqualTo(ExitCodes.ERROR_RESULT);
        assertThat(run.err)
                .containsPattern(
                        "embedding dead-lettered request [-0-9a-f]+: IMAGE_UNSUPPORTED_FORMAT: GIF is not decoded");
        assertThat(run.out).isEmpty();
        // The dead letter ends the wait: well within the 30 s the command was given.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
    }

    /**
     * Plays the embedding service with the real analysis networks: the request is detect-only and asks for the
     * analyses named, and each face's line shows every attribute the networks gave it.
     */
    @Test
    void analysePrintsEveryFacesAttributesFromTheAnalysesAskedFor() throws Exception {
        try (TopicFollower images = kafka.readFromEnd(Topics.IMAGES);
                FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(ModelsDirectory.locate())
                        .withAnalyses(ModelsDirectory.locate(), EnumSet.allOf(Analysis.class)))) {
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> likeness(
                    "analyse",
                    PHOTO.toString(),
                    "--analyses",
                    "gender,liveness",
                    "--tenant",
                    "acme",
                    "--timeout",
                    "30",
                    "--bootstrap-servers",
                    bootstrapServers));
            List<ConsumerRecord<String, byte[]>> requests = images.read(1, Duration.ofSeconds(20));
            assertThat(requests).hasSize(1);
            ImageSubmitted request = ImageSubmitted.parseFrom(requests.get(0).value());
            assertThat(request.getPurpose().hasDetectOnly()).isTrue();
            assertThat(request.getOptions().getAnalysesList()).containsExactly("gender", "liveness");
            assertThat(request.getTenant()).isEqualTo("acme");

            List<AnalysedFace> faces = pipeline.analyseAll(List.of(pipeline.prepare(
                            Files.readAllBytes(PHOTO), 0, 0, EnumSet.of(Analysis.GENDER, Analysis.LIVENESS))))
                    .get(0)
                    .faces();
            FacesEmbedded.Builder answer = FacesEmbedded.newBuilder().setRequestId(request.getRequestId());
            for (AnalysedFace face : faces) {
                Face.Builder event = Face.newBuilder().setBox(face.box().boundingBox());
                face.attributes().forEach(attribute -> event.addAttributes(attribute.toEvent()));
                answer.addFaces(event);
            }
            send(Topics.FACES, request.getRequestId(), answer.build());

            CliRun result = run.get(40, TimeUnit.SECONDS);
            assertThat(result.exitCode).as(result.err).isZero();
            assertThat(result.out).contains(PHOTO + ": 3 face(s)");
            for (int f = 0; f < faces.size(); f++) {
                AnalysedFace face = faces.get(f);
                assertThat(result.out)
                        .contains(String.format(
                                Locale.ROOT,
                                "face %d [%.0f,%.0f %.0fx%.0f]  gender %s %.2f (gender)  liveness %s %.2f (liveness)",
                                f,
                                face.box().x1(),
                                face.box().y1(),
                                face.box().width(),
                                face.box().height(),
                                face.attributes().get(0).label(),
                                face.attributes().get(0).score(),
                                face.attributes().get(1).label(),
                                face.attributes().get(1).score()));
            }
        }
    }

    @Test
    void analyseRefusesAnUnknownAnalysis() {
        CliRun run =
                likeness("analyse", PHOTO.toString(), "--analyses", "mood", "--bootstrap-servers", bootstrapServers);

        assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains("unknown analysis 'mood'");
    }

    @Test
    void identifyTimesOutWithoutResult() {
        CliRun run = likeness("identify", PHOTO.toString(), "--timeout", "1", "--bootstrap-servers", bootstrapServers);

        assertThat(run.exitCode).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(run.err).contains("no result for request");
    }

    @Test
    void aMissingFileIsAUsageError() {
        CliRun run = likeness("publish", "no/such/photo.jpg", "--bootstrap-servers", bootstrapServers);

        assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains("no such file: no/such/photo.jpg").doesNotContain("Exception", "\tat ");
    }

    @Test
    void aMissingPhotoAmongOthersIsReportedAndTheOthersAreSent() throws Exception {
        Path second = ModelsDirectory.resolve("samples/sample3.jpg");
        try (TopicFollower images = kafka.readFromEnd(Topics.IMAGES)) {
            CliRun run = likeness(
                    "publish",
                    PHOTO.toString(),
                    "no/such/photo.jpg",
                    second.toString(),
                    "--bootstrap-servers",
                    bootstrapServers);

            assertThat(run.exitCode).as(run.err).isEqualTo(ExitCodes.ERROR_RESULT);
            assertThat(run.err).contains("no/such/photo.jpg: no such file").doesNotContain("\tat ");
            List<String> requestIds = run.out.lines().toList();
            assertThat(requestIds).hasSize(2);
            List<ConsumerRecord<String, byte[]>> records = images.read(2, Duration.ofSeconds(30));
            assertThat(records).extracting(ConsumerRecord::key).containsExactlyElementsOf(requestIds);
            assertThat(ImageSubmitted.parseFrom(records.get(1).value())
                            .getImage()
                            .getInline()
                            .toByteArray())
                    .isEqualTo(Files.readAllBytes(second));
        }
    }

    @Test
    void aMalformedTenantIsOneUsageErrorNotAFailurePerPhoto() {
        CliRun run = likeness(
                "publish",
                PHOTO.toString(),
                PHOTO.toString(),
                "--tenant",
                "Acme",
                "--bootstrap-servers",
                bootstrapServers);

        assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err.lines().filter(line -> line.contains("--tenant Acme")))
                .hasSize(1);
        assertThat(run.out).isEmpty();
    }

    @Test
    void anUnreachableBrokerIsReportedQuickly() throws IOException {
        int closedPort = FreePorts.find();
        long started = System.nanoTime();

        CliRun run = likeness("publish", PHOTO.toString(), "--bootstrap-servers", "localhost:" + closedPort);

        assertThat(run.exitCode).isEqualTo(ExitCodes.KAFKA_UNAVAILABLE);
        assertThat(run.err)
                .contains("cannot reach Kafka at localhost:" + closedPort)
                .doesNotContain("\tat ");
        // Bounded by the CLI's own timeout (not Kafka's defaults of 60 s and more), with room for a loaded machine.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(KafkaSession.TIMEOUT.multipliedBy(2));
    }

    @Test
    void verifyComparesTwoPhotosWithTheFacesNamed() throws Exception {
        Path second = ModelsDirectory.resolve("samples/sample3.jpg");
        ImageSubmitted[] published = new ImageSubmitted[1];
        CliRun run = answered(
                (request, result) -> {
                    published[0] = request;
                    result.setVerification(VerificationResult.newBuilder().setSame(true));
                },
                "verify",
                PHOTO.toString(),
                second.toString(),
                "--face-at",
                "1570,320",
                "--second-face",
                "1");

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out).contains("\"same\": true");
        Purpose.Verify verify = published[0].getPurpose().getVerify();
        assertThat(verify.getSecondImage().getInline().toByteArray()).isEqualTo(Files.readAllBytes(second));
        assertThat(verify.getFace().getPoint().getX()).isEqualTo(1570f);
        assertThat(verify.getFace().getPoint().getY()).isEqualTo(320f);
        assertThat(verify.getSecondImageFace().getIndex()).isEqualTo(1);
    }

    @Test
    void verifyNeedsExactlyOneThingToCompareWithAndAWellFormedFace() {
        for (List<String> args : List.of(
                List.of("verify", PHOTO.toString()),
                List.of("verify", PHOTO.toString(), PHOTO.toString(), "--identity", "ada"),
                List.of("verify", PHOTO.toString(), "--identity", "ada", "--face", "1", "--face-at", "1,2"),
                List.of("verify", PHOTO.toString(), "--identity", "ada", "--face-at", "12"),
                List.of("enrol", "ada", PHOTO.toString(), "--face", "-1"))) {
            List<String> withBroker = new ArrayList<>(args);
            withBroker.addAll(List.of("--bootstrap-servers", bootstrapServers));
            CliRun run = likeness(withBroker.toArray(String[]::new));
            assertThat(run.exitCode).as("%s: %s", args, run.err).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err).as(args.toString()).doesNotContain("\tat ");
        }
    }

    /** Runs identify while playing the mesh: answers its request with a MatchResult keyed by the request id. */
    private CliRun identifyAnsweredWith(Consumer<MatchResult.Builder> outcome) throws Exception {
        return answered((request, result) -> outcome.accept(result), "identify", PHOTO.toString());
    }

    /** Runs a command while playing the mesh: answers its request with a MatchResult keyed by the request id. */
    private CliRun answered(BiConsumer<ImageSubmitted, MatchResult.Builder> outcome, String... command)
            throws Exception {
        return answeredOn(
                Topics.MATCHES,
                (requestId, request) -> {
                    MatchResult.Builder result = MatchResult.newBuilder().setRequestId(requestId);
                    outcome.accept(request, result);
                    return result.build();
                },
                command);
    }

    /** Runs a command while playing the mesh: answers its request on the topic given, keyed by the request id. */
    private CliRun answeredOn(String topic, BiFunction<String, ImageSubmitted, Message> answer, String... command)
            throws Exception {
        try (TopicFollower images = kafka.readFromEnd(Topics.IMAGES)) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--timeout", "30", "--bootstrap-servers", bootstrapServers));
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> likeness(args.toArray(String[]::new)));
            List<ConsumerRecord<String, byte[]>> requests = images.read(1, Duration.ofSeconds(20));
            assertThat(requests).hasSize(1);
            String requestId = requests.get(0).key();
            send(
                    topic,
                    requestId,
                    answer.apply(
                            requestId, ImageSubmitted.parseFrom(requests.get(0).value())));
            return run.get(40, TimeUnit.SECONDS);
        }
    }

    private static void send(String topic, String key, Message event) {
        kafka.send(CloudEventRecords.of(topic, key, event));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), UTF_8);
    }
}
