package dev.likeness.embedding.out;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.servicekit.kafka.BatchDelivery;
import dev.likeness.servicekit.kafka.OutgoingEvents;
import dev.likeness.servicekit.kafka.Sends;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where explain results go (likeness.insight.results.v1, key = request id, at-least-once: a redelivered request
 * writes the same files and result again), and their dead letters, with the images' ({@link FacesPublisher}).
 */
@ApplicationScoped
public class InsightPublisher {

    private final MutinyEmitter<byte[]> results;
    private final FacesPublisher faces;

    @Inject
    public InsightPublisher(@Channel("insight-results") MutinyEmitter<byte[]> results, FacesPublisher faces) {
        this.results = results;
        this.faces = faces;
    }

    /** Sends the result and waits until the broker has it. */
    public void result(InsightResult result, Duration timeout) {
        Sends.awaitAll(
                List.of(Sends.send(
                        results, OutgoingEvents.event(result.getRequestId(), result, FacesPublisher.SOURCE))),
                timeout);
    }

    /** Sends a dead letter and waits until the broker has it. */
    public void deadLetter(
            ConsumerRecord<String, byte[]> record, RejectedInputException reason, String requestId, Duration timeout) {
        BatchDelivery.Output letter = faces.deadLetter(record, reason, 1, requestId);
        Sends.awaitAll(List.of(Sends.send(letter.outlet().channel(), letter.message())), timeout);
    }
}
