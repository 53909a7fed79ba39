package dev.likeness.embedding;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.events.v1.ImageSubmitted;

/** A parsed, validated request together with the record it came in (for dead letters). */
public record ImageRequest(ConsumerRecord<String, byte[]> record, ImageSubmitted event) {

    public String requestId() {
        return event.getRequestId();
    }
}
