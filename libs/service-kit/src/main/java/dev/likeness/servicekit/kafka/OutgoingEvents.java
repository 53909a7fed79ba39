package dev.likeness.servicekit.kafka;

import java.net.URI;
import java.time.ZonedDateTime;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import dev.likeness.core.kafka.EventTypes;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Builds outgoing records the Likeness way: protobuf bytes, the request (or identity) id as key, and
 * CloudEvents binary-mode headers that SmallRye writes as ce_* and content-type. Tracing adds traceparent.
 */
public final class OutgoingEvents {

    private OutgoingEvents() {}

    /** @param source the CloudEvents source, e.g. {@code /likeness/embedding} */
    public static Message<byte[]> event(String key, com.google.protobuf.Message event, URI source) {
        return event(key, event, source, new RecordHeaders());
    }

    public static Message<byte[]> event(
            String key, com.google.protobuf.Message event, URI source, Headers extraHeaders) {
        OutgoingCloudEventMetadata<Object> cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(EventTypes.idOf(key, event))
                .withType(EventTypes.typeOf(event))
                .withSource(source)
                .withDataContentType(EventTypes.PROTOBUF_CONTENT_TYPE)
                .withTimestamp(ZonedDateTime.now())
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key)
                .withHeaders(extraHeaders)
                .build();
        return Message.of(event.toByteArray(), Metadata.of(cloudEvent, kafka));
    }

    /** A tombstone: the key with a null value, which log compaction turns into a deletion. */
    public static Message<byte[]> tombstone(String key) {
        OutgoingKafkaRecordMetadata<String> kafka =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build();
        return Message.<byte[]>of(null, Metadata.of(kafka));
    }
}
