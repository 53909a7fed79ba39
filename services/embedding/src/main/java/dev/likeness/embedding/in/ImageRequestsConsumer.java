package dev.likeness.embedding.in;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.likeness.common.kafka.Sends;
import dev.likeness.embedding.EmbeddingConfig;
import dev.likeness.embedding.FaceEmbedder;
import dev.likeness.embedding.Outcome;
import dev.likeness.embedding.out.FacesPublisher;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * Consumes likeness.images.v1 in batches. A batch is acknowledged (its offsets committed) only after every
 * result and dead letter it produced is on the broker: at-least-once, nothing lost.
 */
@ApplicationScoped
public class ImageRequestsConsumer {

    @Inject
    FaceEmbedder embedder;

    @Inject
    FacesPublisher publisher;

    @Inject
    EmbeddingConfig config;

    @Incoming("images")
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> batch) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(batch.count());
        batch.forEach(records::add);
        List<Uni<Void>> sends = new ArrayList<>();
        for (Outcome outcome : embedder.process(records)) {
            if (outcome instanceof Outcome.Embedded embedded) {
                sends.add(publisher.publish(embedded.event()));
            } else if (outcome instanceof Outcome.Rejected rejected) {
                sends.add(publisher.deadLetter(rejected.record(), rejected.reason(), rejected.attempts(),
                        rejected.requestId()));
            }
        }
        Sends.awaitAll(sends, config.sendTimeout());
    }
}
