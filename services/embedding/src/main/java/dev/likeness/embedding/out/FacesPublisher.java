package dev.likeness.embedding.out;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.core.kafka.DeliveryMode;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.embedding.EmbeddingConfig;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.servicekit.kafka.BatchDelivery;
import dev.likeness.servicekit.kafka.DeadLetters;
import dev.likeness.servicekit.kafka.OutgoingEvents;
import dev.likeness.servicekit.kafka.Outlet;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;

/**
 * Where FacesEmbedded results and dead letters go, and how a batch of them is delivered (likeness.delivery).
 * A result is keyed by its request id with a CloudEvents id derived from it, so a redelivered request
 * produces the same key and id again.
 */
@ApplicationScoped
public class FacesPublisher {

    static final URI SOURCE = URI.create("/likeness/embedding");

    private final DeadLetters deadLetters;
    private final Outlet faces;
    private final Outlet deadLetterOutlet;
    private final BatchDelivery delivery;

    @Inject
    public FacesPublisher(
            MeterRegistry registry,
            EmbeddingConfig config,
            @Channel("faces") MutinyEmitter<byte[]> facesChannel,
            @Channel("dead-letters") MutinyEmitter<byte[]> deadLetterChannel,
            @Channel("transactional") KafkaTransactions<byte[]> transactions,
            @ConfigProperty(name = "likeness.topics.faces") String facesTopic,
            @ConfigProperty(name = "likeness.topics.dead-letters") String deadLetterTopic,
            @ConfigProperty(name = "likeness.delivery") String deliveryMode) {
        this.deadLetters = new DeadLetters("embedding", registry);
        this.faces = new Outlet(facesChannel, facesTopic);
        this.deadLetterOutlet = new Outlet(deadLetterChannel, deadLetterTopic);
        this.delivery = new BatchDelivery(DeliveryMode.of(deliveryMode), transactions, config.sendTimeout());
    }

    public BatchDelivery delivery() {
        return delivery;
    }

    public BatchDelivery.Output result(FacesEmbedded event) {
        return new BatchDelivery.Output(faces, OutgoingEvents.event(event.getRequestId(), event, SOURCE));
    }

    public BatchDelivery.Output deadLetter(
            ConsumerRecord<String, byte[]> record, RejectedInputException reason, int attempts, String requestId) {
        return new BatchDelivery.Output(deadLetterOutlet, deadLetters.counted(record, reason, attempts, requestId));
    }
}
