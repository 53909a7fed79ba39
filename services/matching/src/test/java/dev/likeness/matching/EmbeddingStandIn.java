package dev.likeness.matching;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.follower.TopicFollower;
import dev.likeness.matching.tools.FaceEmbedder;

/**
 * Plays the embedding service for tests of the REST API's image uploads: reads ImageSubmitted from the
 * images topic, finds and embeds the faces (and a verify's second image's) in-process, writes FacesEmbedded,
 * subjects chosen as the service does, to the faces topic.
 */
final class EmbeddingStandIn implements AutoCloseable {

    private final MatchingKafka kafka;
    private final FaceEmbedder embedder;
    private final TopicFollower images;
    private final Thread thread;
    private volatile boolean running = true;

    EmbeddingStandIn(MatchingKafka kafka, FaceEmbedder embedder) {
        this.kafka = kafka;
        this.embedder = embedder;
        this.images = kafka.client().readFromEnd(MatchingKafka.topic("images"));
        this.thread = new Thread(this::run, "embedding-stand-in");
        thread.start();
    }

    private void run() {
        ModelKey model = embedder.model();
        while (running) {
            for (ConsumerRecord<String, byte[]> record : images.read(1, Duration.ofMillis(200))) {
                ImageSubmitted request;
                try {
                    request = ImageSubmitted.parseFrom(record.value());
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
                FaceAnalysis analysis =
                        embedder.analyse(request.getImage().getInline().toByteArray());
                FacesEmbedded.Builder faces =
                        MatchingKafka.embedded(request.getRequestId(), model.toRef(), request.getPurpose(), analysis)
                                .toBuilder()
                                .clearAttributes()
                                .putAllAttributes(request.getAttributesMap())
                                .setTenant(request.getTenant());
                if (request.getPurpose().getVerify().hasSecondImage()) {
                    FaceAnalysis second = embedder.analyse(request.getPurpose()
                            .getVerify()
                            .getSecondImage()
                            .getInline()
                            .toByteArray());
                    faces.addAllSecondImageFaces(MatchingKafka.faces(second))
                            .setSecondImageSubjectFace(Math.max(0, second.subjectIndex()));
                }
                kafka.send("faces", request.getRequestId(), faces.build());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        images.close();
    }
}
