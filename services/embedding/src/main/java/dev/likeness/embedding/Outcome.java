package dev.likeness.embedding;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.FacesEmbedded;

/** What became of one image record: a result to publish, or a dead letter with its reason. */
public sealed interface Outcome {

    record Embedded(FacesEmbedded event) implements Outcome {}

    record Rejected(
            ConsumerRecord<String, byte[]> record, RejectedInputException reason, int attempts, String requestId)
            implements Outcome {}
}
