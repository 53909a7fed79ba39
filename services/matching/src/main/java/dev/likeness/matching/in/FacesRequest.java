package dev.likeness.matching.in;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.events.v1.FacesEmbedded;

/** A parsed, validated request together with the record it came in (for dead letters). */
public record FacesRequest(ConsumerRecord<String, byte[]> record, FacesEmbedded event) {}
