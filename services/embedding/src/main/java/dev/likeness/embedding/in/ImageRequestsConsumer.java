package dev.likeness.embedding.in;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.likeness.embedding.FaceEmbedder;
import dev.likeness.embedding.Outcome;
import dev.likeness.embedding.out.FacesPublisher;
import dev.likeness.servicekit.kafka.BatchDelivery;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Consumes likeness.images.v1 in batches (at most max.poll.records, so the work in flight is bounded). A batch
 * is acknowledged only together with, or after, every result and dead letter it produced (likeness.delivery:
 * at-least-once or exactly-once): nothing is lost.
 */
@ApplicationScoped
public class ImageRequestsConsumer {

    @Inject
    FaceEmbedder embedder;

    @Inject
    FacesPublisher publisher;

    @Incoming("images")
    @Blocking
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<BatchDelivery.Output> outputs = new ArrayList<>();
        for (Outcome outcome : embedder.process(BatchDelivery.records(batch))) {
            if (outcome instanceof Outcome.Embedded embedded) {
                outputs.add(publisher.result(embedded.event()));
            } else if (outcome instanceof Outcome.Rejected rejected) {
                outputs.add(publisher.deadLetter(
                        rejected.record(), rejected.reason(), rejected.attempts(), rejected.requestId()));
            }
        }
        return publisher.delivery().complete(batch, outputs);
    }
}
