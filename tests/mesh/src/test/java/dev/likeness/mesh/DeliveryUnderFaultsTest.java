package dev.likeness.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.likeness.events.v1.Candidate;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.StoredEmbedding;
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaTestClient;
import dev.likeness.testing.ServiceProcess;

/**
 * The delivery guarantees under faults (docs/reliability.md): requests (identifications and enrolments) queue on
 * a real broker, embedding and matching run as OS processes from their jars, and while they work each service is
 * SIGKILLed once and restarted, and the broker is restarted once. Then every request's results are counted
 * (read_committed, like the mesh's readers) and the gallery compared with the enrolments sent.
 */
@Tag("broker")
@Tag("models")
class DeliveryUnderFaultsTest {

    /** Enrolment requests per identity (at most the gallery's 5 per model, so none is dropped as the oldest). */
    static final int ENROLMENTS_PER_IDENTITY = 3;

    static final Duration RUN_TIMEOUT = Duration.ofMinutes(8);
    static final Path FIGURES = Path.of("target", "reliability-figures.md");

    static FaceViews views;

    @BeforeAll
    static void faces() throws Exception {
        views = FaceViews.ofSamples();
        assertThat(views.size()).as("one-face views of the sample photos").isGreaterThanOrEqualTo(15);
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void exactlyOnceEveryRequestHasExactlyOneResult() throws Exception {
        Run run = run("exactly-once", 2000);
        run.faces.forEach((key, values) ->
                assertThat(values).as("FacesEmbedded records of %s", key).hasSize(1));
        run.matches.forEach((key, values) ->
                assertThat(values).as("MatchResult records of %s", key).hasSize(1));
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void atLeastOnceEveryRequestHasAResultWithTheSameKeyAndContent() throws Exception {
        Run run = run("at-least-once", 2000);
        run.faces.forEach((key, values) -> {
            assertThat(values).as("FacesEmbedded records of %s", key).isNotEmpty();
            // A redelivered request: the same answer, only the time it was produced differs.
            FacesEmbedded first = withoutProductionTime(values.get(0));
            for (byte[] again : values) {
                assertThat(withoutProductionTime(again))
                        .as("redelivered FacesEmbedded of %s", key)
                        .isEqualTo(first);
            }
        });
        run.matches.forEach((key, values) -> {
            assertThat(values).as("MatchResult records of %s", key).isNotEmpty();
            MatchResult first = matchWithoutProductionTime(values.get(0));
            assertThat(first.getRequestId()).isEqualTo(key);
            for (byte[] value : values) {
                MatchResult again = matchWithoutProductionTime(value);
                // A redelivered request is answered from the gallery as it is then: identities enrolled in between
                // may rank among an identification's candidates, and an enrolment adds its reference again. All
                // else repeats, and so does every candidate both have.
                assertThat(withoutGalleryState(again))
                        .as("redelivered MatchResult of %s", key)
                        .isEqualTo(withoutGalleryState(first));
                for (int face = 0; face < again.getRecognition().getFacesCount(); face++) {
                    Map<String, Candidate> before = new HashMap<>();
                    first.getRecognition()
                            .getFaces(face)
                            .getCandidatesList()
                            .forEach(c -> before.put(c.getIdentityId(), c));
                    for (Candidate candidate :
                            again.getRecognition().getFaces(face).getCandidatesList()) {
                        assertThat(before.getOrDefault(candidate.getIdentityId(), candidate))
                                .as("candidate %s of %s, redelivered", candidate.getIdentityId(), key)
                                .isEqualTo(candidate);
                    }
                }
            }
        });
    }

    /** What one run saw, per request id: every FacesEmbedded and MatchResult record (read_committed). */
    record Run(Map<String, List<byte[]>> faces, Map<String, List<byte[]>> matches) {}

    private Run run(String delivery, int requests) throws Exception {
        long started = System.nanoTime();
        Map<String, ImageSubmitted> sent = requests(delivery, requests);
        Map<String, Set<String>> expectedGallery = new TreeMap<>();
        sent.values().stream()
                .filter(r -> r.getPurpose().hasEnrol())
                .forEach(r -> expectedGallery
                        .computeIfAbsent(r.getPurpose().getEnrol().getIdentityId(), id -> new HashSet<>())
                        .add(r.getRequestId()));
        Map<String, String> figures = new LinkedHashMap<>();
        try (Mesh mesh = Mesh.withTopics(delivery)) {
            publish(mesh, sent.values());
            String bootstrap = mesh.bootstrapServers();
            try (TopicTally faces = new TopicTally(bootstrap, Mesh.FACES, "read_committed");
                    TopicTally matches = new TopicTally(bootstrap, Mesh.MATCHES, "read_committed")) {
                ServiceProcess[] services = mesh.startServices(delivery, "384m", "embedding", "matching");
                ServiceProcess embedding = services[0], matching = services[1];

                TopicTally.await(() -> faces.distinctKeys() >= requests / 5, RUN_TIMEOUT, "a fifth of the faces");
                figures.put("embedding SIGKILLed after results", faces.distinctKeys() + " faces");
                embedding.kill();
                embedding.restart();
                TopicTally.await(
                        () -> matches.distinctKeys() >= requests * 45 / 100, RUN_TIMEOUT, "45% of the matches");
                figures.put("matching SIGKILLed after results", matches.distinctKeys() + " matches");
                matching.kill();
                matching.restart();
                TopicTally.await(
                        () -> matches.distinctKeys() >= requests * 70 / 100, RUN_TIMEOUT, "70% of the matches");
                figures.put("broker restarted after results", matches.distinctKeys() + " matches");
                mesh.restartBroker();

                TopicTally.await(
                        () -> faces.distinctKeys() >= requests && matches.distinctKeys() >= requests,
                        RUN_TIMEOUT,
                        "a result for every request");
                // Every offset committed: nothing more can come. Then every result written, late duplicates
                // included, lies below the end offsets the topics have now: read them to there.
                awaitConsumed(bootstrap, "likeness-embedding", ends(bootstrap, Mesh.IMAGES));
                awaitConsumed(bootstrap, "likeness-matching", faces.nextOffsets());
                Map<String, List<byte[]>> facesSeen = TopicTally.everyRecord(bootstrap, Mesh.FACES);
                Map<String, List<byte[]>> matchesSeen = TopicTally.everyRecord(bootstrap, Mesh.MATCHES);
                long facesWritten = TopicTally.count(facesSeen), matchesWritten = TopicTally.count(matchesSeen);
                // Exactly one result per request presumes exactly one copy of each request on the topic.
                assertThat(TopicTally.everyRecord(bootstrap, Mesh.IMAGES))
                        .as("requests on %s", Mesh.IMAGES)
                        .allSatisfy((key, copies) ->
                                assertThat(copies).as("copies of %s", key).hasSize(1))
                        .hasSize(sent.size());
                assertThat(facesSeen.keySet()).as("FacesEmbedded keys").isEqualTo(sent.keySet());
                assertThat(matchesSeen.keySet()).as("MatchResult keys").isEqualTo(sent.keySet());
                assertThat(TopicTally.everyRecord(bootstrap, Mesh.EMBEDDING_DLQ))
                        .as("embedding dead letters")
                        .isEmpty();
                assertThat(TopicTally.everyRecord(bootstrap, Mesh.MATCHING_DLQ))
                        .as("matching dead letters")
                        .isEmpty();
                assertThat(gallery(bootstrap)).as("the gallery after the run").isEqualTo(expectedGallery);
                assertThat(embedding.isAlive() && matching.isAlive())
                        .as("both services still running")
                        .isTrue();

                figures.put(
                        "requests",
                        requests + " (" + count(sent, true) + " enrolments of " + expectedGallery.size()
                                + " identities, " + count(sent, false)
                                + " identifications; 160x120 JPEGs, one face each)");
                figures.put(
                        "FacesEmbedded records (read_committed)",
                        facesWritten + " for " + facesSeen.size() + " requests: " + (facesWritten - facesSeen.size())
                                + " duplicates");
                figures.put(
                        "MatchResult records (read_committed)",
                        matchesWritten + " for " + matchesSeen.size() + " requests: "
                                + (matchesWritten - matchesSeen.size()) + " duplicates");
                if (delivery.equals("exactly-once")) {
                    figures.put(
                            "records of aborted transactions (read_uncommitted minus read_committed)",
                            "faces " + (uncommitted(bootstrap, Mesh.FACES) - facesWritten) + ", matches "
                                    + (uncommitted(bootstrap, Mesh.MATCHES) - matchesWritten));
                }
                figures.put(
                        "gallery",
                        expectedGallery.size() + " identities, " + ENROLMENTS_PER_IDENTITY
                                + " embeddings each, as enrolled");
                figures.put(
                        "wall time",
                        (System.nanoTime() - started) / 1_000_000_000 + " s (broker, two service "
                                + "starts, two restarts, one broker restart)");
                report(delivery, figures);
                return new Run(facesSeen, matchesSeen);
            }
        }
    }

    /** The requests, by id: enrolments spread over the whole stream, identifications of the same faces between them. */
    private static Map<String, ImageSubmitted> requests(String delivery, int count) {
        int enrolments = views.size() * ENROLMENTS_PER_IDENTITY;
        int every = count / enrolments;
        Map<String, ImageSubmitted> requests = new LinkedHashMap<>();
        int enrolled = 0;
        for (int i = 0; i < count; i++) {
            String id = String.format("%s-%05d", delivery, i);
            Purpose purpose;
            int view;
            if (i % every == 0 && enrolled < enrolments) {
                view = enrolled % views.size();
                purpose = Purpose.newBuilder()
                        .setEnrol(Purpose.Enrol.newBuilder()
                                .setIdentityId("person-" + view)
                                .setDisplayName("Person " + view))
                        .build();
                enrolled++;
            } else {
                view = i % views.size();
                purpose = Purpose.newBuilder()
                        .setIdentify(Purpose.Identify.newBuilder().setTopK(3))
                        .build();
            }
            Instant now = Instant.now();
            requests.put(
                    id,
                    ImageSubmitted.newBuilder()
                            .setRequestId(id)
                            .setSubmittedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
                            .setImage(ImageSource.newBuilder()
                                    .setInline(ByteString.copyFrom(views.jpegs().get(view))))
                            .setOptions(ImageSubmitted.Options.newBuilder().setMaxFaces(1))
                            .setPurpose(purpose)
                            .build());
        }
        assertThat(enrolled).isEqualTo(enrolments);
        return requests;
    }

    private static void publish(Mesh mesh, Iterable<ImageSubmitted> requests) throws Exception {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        requests.forEach(request ->
                records.add(new ProducerRecord<>(Mesh.IMAGES, request.getRequestId(), request.toByteArray())));
        mesh.publish(records);
    }

    /** Waits until the group has committed, on every partition, at least the given offsets. */
    static void awaitConsumed(String bootstrap, String group, Map<TopicPartition, Long> needed) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicTally.await(
                    () -> {
                        try {
                            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                                    .partitionsToOffsetAndMetadata()
                                    .get(30, TimeUnit.SECONDS);
                            return needed.entrySet().stream()
                                    .allMatch(end -> committed.get(end.getKey()) != null
                                            && committed.get(end.getKey()).offset() >= end.getValue());
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    Duration.ofMinutes(2),
                    group + " committed " + needed);
        }
    }

    /** The log end of every partition of a topic nobody writes transactionally. */
    static Map<TopicPartition, Long> ends(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < Mesh.PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }
    }

    /** Identity id -> the request ids its stored embeddings came from, folded from the compacted topic. */
    private static Map<String, Set<String>> gallery(String bootstrap) throws Exception {
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap);
                TopicFollower records = kafka.readFromBeginning(Mesh.GALLERY)) {
            // An identity's records share a partition and come in order: the last one is its state.
            records.readToEnd(Duration.ofMinutes(1)).forEach(record -> latest.put(record.key(), record.value()));
        }
        Map<String, Set<String>> gallery = new TreeMap<>();
        latest.forEach((identityId, value) -> {
            if (value == null) {
                return;
            }
            Set<String> sources = new HashSet<>();
            try {
                for (StoredEmbedding embedding : Identity.parseFrom(value).getEmbeddingsList()) {
                    assertThat(sources.add(embedding.getSourceRequestId()))
                            .as("%s stores request %s once", identityId, embedding.getSourceRequestId())
                            .isTrue();
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError("unreadable gallery record of " + identityId, e);
            }
            gallery.put(identityId, sources);
        });
        return gallery;
    }

    private static long uncommitted(String bootstrap, String topic) throws Exception {
        try (TopicTally all = new TopicTally(bootstrap, topic, "read_uncommitted")) {
            long seen = -1;
            while (all.records() != seen) {
                seen = all.records();
                Thread.sleep(1500);
            }
            return seen;
        }
    }

    private static long count(Map<String, ImageSubmitted> sent, boolean enrolments) {
        return sent.values().stream()
                .filter(r -> r.getPurpose().hasEnrol() == enrolments)
                .count();
    }

    private static FacesEmbedded withoutProductionTime(byte[] value) {
        try {
            return FacesEmbedded.parseFrom(value).toBuilder().clearProducedAt().build();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The result less what depends on the gallery at the time it was decided: a recognition's candidates, and an
     * enrolment's count of reference embeddings and whether it created the identity (a redelivered enrolment is
     * applied again, so its identity holds one more reference: docs/reliability.md).
     */
    private static MatchResult withoutGalleryState(MatchResult result) {
        MatchResult.Builder builder = result.toBuilder();
        if (result.hasRecognition()) {
            builder.getRecognitionBuilder()
                    .getFacesBuilderList()
                    .forEach(face -> face.clearCandidates().clearUnknown());
        }
        if (result.hasEnrolment()) {
            builder.getEnrolmentBuilder().clearEmbeddingCount().clearCreated();
        }
        return builder.build();
    }

    private static MatchResult matchWithoutProductionTime(byte[] value) {
        try {
            return MatchResult.parseFrom(value).toBuilder().clearProducedAt().build();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    static void report(String title, Map<String, String> figures) throws Exception {
        StringBuilder text = new StringBuilder("\n### " + title + "\n\n| | |\n|---|---|\n");
        figures.forEach((name, value) ->
                text.append("| ").append(name).append(" | ").append(value).append(" |\n"));
        System.out.println(text);
        Files.createDirectories(FIGURES.toAbsolutePath().getParent());
        Files.writeString(FIGURES, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
