package dev.likeness.embedding.out;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.common.kafka.DeadLetters;
import dev.likeness.common.kafka.OutgoingEvents;
import dev.likeness.common.kafka.RejectedInputException;
import dev.likeness.common.kafka.Sends;
import dev.likeness.events.v1.FacesEmbedded;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Writes FacesEmbedded results and dead letters; each send completes when the broker has it. */
@ApplicationScoped
public class FacesPublisher {

    static final URI SOURCE = URI.create("/likeness/embedding");

    @Inject
    @Channel("faces")
    MutinyEmitter<byte[]> faces;

    @Inject
    @Channel("dead-letters")
    MutinyEmitter<byte[]> deadLetterChannel;

    private final DeadLetters deadLetters;

    @Inject
    public FacesPublisher(MeterRegistry registry) {
        this.deadLetters = new DeadLetters("embedding", registry);
    }

    public Uni<Void> publish(FacesEmbedded event) {
        return Sends.send(faces, OutgoingEvents.event(event.getRequestId(), event, SOURCE));
    }

    public Uni<Void> deadLetter(ConsumerRecord<String, byte[]> record, RejectedInputException reason, int attempts,
            String requestId) {
        return deadLetters.send(deadLetterChannel, record, reason, attempts, requestId);
    }
}
