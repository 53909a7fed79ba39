package dev.likeness.servicekit.kafka;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Turns a record that cannot be processed into a DeadLetter event with the reason in body and headers. */
public final class DeadLetters {

    /**
     * Reasons above this many UTF-8 bytes are cut to it: a reason may quote client input, and it travels twice
     * (body and header), so an unbounded one could make the dead letter too large to send and stop the consumer.
     */
    static final int MAX_REASON_BYTES = 1024;

    private static final String ELLIPSIS = "…";

    private final String service;
    private final URI source;
    private final MeterRegistry registry;
    /**
     * Original values above this are cut to it: topics take this plus 1 MiB (TopicsConfig), which leaves room
     * for the dead letter's own fields.
     */
    private final int maxOriginalBytes = ConfigProvider.getConfig()
            .getOptionalValue("likeness.kafka.topics.inline-image-max-bytes", Integer.class)
            .orElse(16 * 1024 * 1024);

    /** @param registry counts dead letters as {@code likeness.dead.letters{service, reason}} */
    public DeadLetters(String service, MeterRegistry registry) {
        this.service = service;
        this.source = URI.create("/likeness/" + service);
        this.registry = registry;
    }

    /** Counts and sends the dead letter; the Uni completes when the broker has it. */
    public Uni<Void> send(
            MutinyEmitter<byte[]> channel,
            ConsumerRecord<String, byte[]> record,
            RejectedInputException reason,
            int attempts,
            String requestId) {
        return Sends.send(channel, counted(record, reason, attempts, requestId));
    }

    /** Counts the dead letter and returns it, for the caller to send (e.g. inside a transaction). */
    public Message<byte[]> counted(
            ConsumerRecord<String, byte[]> record, RejectedInputException reason, int attempts, String requestId) {
        Counter.builder("likeness.dead.letters")
                .tag("service", service)
                .tag("reason", reason.reasonCode())
                .register(registry)
                .increment();
        return of(record, reason, attempts, requestId);
    }

    public Message<byte[]> of(
            ConsumerRecord<String, byte[]> record, String reasonCode, String reason, int attempts, String requestId) {
        Instant now = Instant.now();
        String cappedReason = capped(reason == null ? "" : reason);
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setReasonCode(reasonCode)
                .setReason(cappedReason)
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setService(service)
                .setFailedAt(
                        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setAttempts(attempts)
                .setRequestId(requestId == null ? "" : requestId);
        if (record.key() != null) {
            letter.setOriginalKey(ByteString.copyFromUtf8(record.key()));
        }
        if (record.value() != null) {
            byte[] value = record.value();
            letter.setOriginalValueSize(value.length);
            if (value.length > maxOriginalBytes) {
                // A record at the topic's limit plus the envelope would not fit: keep its head, say so.
                letter.setOriginalValue(ByteString.copyFrom(value, 0, maxOriginalBytes))
                        .setOriginalValueTruncated(true);
            } else {
                letter.setOriginalValue(ByteString.copyFrom(value));
            }
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.DEAD_LETTER_REASON_CODE, utf8(reasonCode));
        headers.add(CloudEventHeaders.DEAD_LETTER_REASON, utf8(cappedReason));
        headers.add(CloudEventHeaders.DEAD_LETTER_TOPIC, utf8(record.topic()));
        headers.add(CloudEventHeaders.DEAD_LETTER_PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(CloudEventHeaders.DEAD_LETTER_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(CloudEventHeaders.DEAD_LETTER_SERVICE, utf8(service));
        // Keyed like the original so a dead letter lands beside its request's other records.
        String key =
                record.key() != null ? record.key() : record.topic() + "-" + record.partition() + "-" + record.offset();
        return OutgoingEvents.event(key, letter.build(), source, headers);
    }

    public Message<byte[]> of(
            ConsumerRecord<String, byte[]> record, RejectedInputException rejection, int attempts, String requestId) {
        return of(record, rejection.reasonCode(), rejection.getMessage(), attempts, requestId);
    }

    /** The reason, or its head of at most {@link #MAX_REASON_BYTES} UTF-8 bytes ending with an ellipsis. */
    static String capped(String reason) {
        ByteBuffer head = ByteBuffer.allocate(MAX_REASON_BYTES);
        // The encoder writes whole characters only and stops where the buffer is full, without encoding the rest.
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE);
        if (!encoder.encode(CharBuffer.wrap(reason), head, true).isOverflow()) {
            return reason;
        }
        int cut = MAX_REASON_BYTES - utf8(ELLIPSIS).length;
        // Back off to the start of a character: UTF-8 continuation bytes are 10xxxxxx.
        while ((head.get(cut) & 0xC0) == 0x80) {
            cut--;
        }
        return new String(head.array(), 0, cut, StandardCharsets.UTF_8) + ELLIPSIS;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
