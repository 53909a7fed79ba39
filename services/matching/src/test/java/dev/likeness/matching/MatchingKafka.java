package dev.likeness.matching;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.ConfigProvider;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.EventTypes;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.ModelRef;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.follower.TopicFollower;
import dev.likeness.matching.gallery.Timestamps;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaTestClient;

/** What the tests do on the mesh's topics: send requests as the embedding service would, read answers. */
public final class MatchingKafka implements AutoCloseable {

    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaTestClient kafka;
    private final Map<String, MatchResult> seen = new HashMap<>();
    private TopicFollower matches;

    public MatchingKafka() {
        this(KafkaBroker.shared().client());
    }

    /** On another broker, such as the secured one. */
    public MatchingKafka(KafkaTestClient kafka) {
        this.kafka = kafka;
    }

    public static String topic(String name) {
        return ConfigProvider.getConfig().getValue("likeness.topics." + name, String.class);
    }

    public KafkaTestClient client() {
        return kafka;
    }

    /** Starts reading answers; call before sending the requests they answer. */
    public MatchingKafka readingAnswers() {
        matches = kafka.readFromEnd(topic("matches"));
        return this;
    }

    public static Face face(float[] embedding) {
        Face.Builder face = Face.newBuilder().setDetectorScore(0.99f);
        for (float value : embedding) {
            face.addEmbedding(value);
        }
        return face.build();
    }

    /** The faces of an analysed photo as the embedding service writes them, best detector score first. */
    public static List<Face> faces(FaceAnalysis analysis) {
        return analysis.faces().stream()
                .map(analysed -> face(analysed.embedding()).toBuilder()
                        .setDetectorScore(analysed.box().score())
                        .setBox(analysed.box().boundingBox())
                        .build())
                .toList();
    }

    public static FacesEmbedded request(String requestId, ModelRef model, Purpose purpose, List<Face> faces) {
        return FacesEmbedded.newBuilder()
                .setRequestId(requestId)
                .setProducedAt(Timestamps.of(Instant.now()))
                .setEmbeddingModel(model)
                .setPurpose(purpose)
                .addAllFaces(faces)
                .putAttributes("test", requestId)
                .build();
    }

    /** A FacesEmbedded as the embedding service writes it for an analysed photo: faces, image size, subject. */
    public static FacesEmbedded embedded(String requestId, ModelRef model, Purpose purpose, FaceAnalysis analysis) {
        return request(requestId, model, purpose, faces(analysis)).toBuilder()
                .setImageWidth(analysis.width())
                .setImageHeight(analysis.height())
                .setSubjectFace(Math.max(0, analysis.subjectIndex()))
                .build();
    }

    /** Sends an event with the CloudEvents headers the mesh writes. */
    public void send(String topicName, String key, Message event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.TYPE, EventTypes.typeOf(event).getBytes());
        kafka.send(new ProducerRecord<>(topic(topicName), null, key, event.toByteArray(), headers));
    }

    public void sendRaw(String topicName, String key, byte[] value) {
        kafka.send(topic(topicName), key, value);
    }

    /** Sends a request and waits for its answer. */
    public MatchResult ask(FacesEmbedded request) {
        send("faces", request.getRequestId(), request);
        return answer(request.getRequestId());
    }

    /** The answer to a request sent since {@link #readingAnswers()}. */
    public MatchResult answer(String requestId) {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (!seen.containsKey(requestId) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : matches.read(1, Duration.ofMillis(500))) {
                try {
                    seen.put(record.key(), MatchResult.parseFrom(record.value()));
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError("unreadable MatchResult " + record, e);
                }
            }
        }
        MatchResult result = seen.get(requestId);
        if (result == null) {
            throw new AssertionError("no MatchResult for " + requestId + " within " + ANSWER_TIMEOUT);
        }
        return result;
    }

    @Override
    public void close() {
        if (matches != null) {
            matches.close();
        }
        kafka.close();
    }
}
