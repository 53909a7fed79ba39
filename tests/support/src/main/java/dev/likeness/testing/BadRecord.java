package dev.likeness.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One case of a bad-input corpus: a named record value (built for the key it is sent under, so an event can
 * carry its key as request id) and the ce_type header to send it with, if any (its value may be null). Its name is what test reports
 * list.
 */
public record BadRecord(String name, Function<String, byte[]> values, Header ceType) {

    /** Exactly these bytes (null: a tombstone), with this ce_type header (null: none). */
    public static BadRecord raw(String name, byte[] value, String ceType) {
        return new BadRecord(
                name,
                key -> value,
                ceType == null ? null : new RecordHeader("ce_type", ceType.getBytes(StandardCharsets.UTF_8)));
    }

    /** Exactly these bytes under a ce_type header without a value, which Kafka allows. */
    public static BadRecord withValuelessCeType(String name, byte[] value) {
        return new BadRecord(name, key -> value, new RecordHeader("ce_type", null));
    }

    /** An event built for the record key, without a ce_type header. */
    public static BadRecord event(String name, Function<String, byte[]> valueForKey) {
        return new BadRecord(name, valueForKey, null);
    }

    /**
     * The cases every service's consumer of protobuf events dead-letters alike, each with its reason code: an
     * empty value and a tombstone, a valid event cut inside a field at {@code cutAt} bytes (MALFORMED_EVENT),
     * another event of the mesh under its own ce_type, and a valid event under an unknown ce_type
     * (WRONG_EVENT_TYPE).
     */
    public static Stream<Arguments> envelopeCases(byte[] valid, int cutAt, byte[] otherEvent, String otherCeType) {
        return Stream.of(
                Arguments.of(raw("empty record value", new byte[0], null), "MALFORMED_EVENT"),
                Arguments.of(raw("tombstone (null value)", null, null), "MALFORMED_EVENT"),
                Arguments.of(
                        raw(
                                "wrong protobuf bytes (an event cut in the middle of a field)",
                                Arrays.copyOf(valid, cutAt),
                                null),
                        "MALFORMED_EVENT"),
                Arguments.of(
                        raw("another event type (" + otherCeType + " with its ce_type)", otherEvent, otherCeType),
                        "WRONG_EVENT_TYPE"),
                Arguments.of(raw("unknown event type header", valid, "com.example.Unknown"), "WRONG_EVENT_TYPE"));
    }

    /** A record key made from a run id and a case name, unique per run and readable in logs. */
    public static String key(String run, String name) {
        return "corpus-" + run + "-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    public byte[] value(String key) {
        return values.apply(key);
    }

    public ProducerRecord<String, byte[]> toRecord(String topic, int partition, String key) {
        RecordHeaders headers = new RecordHeaders();
        if (ceType != null) {
            headers.add(ceType);
        }
        return new ProducerRecord<>(topic, partition, key, value(key), headers);
    }

    @Override
    public String toString() {
        return name;
    }
}
