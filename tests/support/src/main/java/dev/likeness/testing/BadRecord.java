package dev.likeness.testing;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One case of a bad-input corpus: a named record value (built for the key it is sent under, so an event can
 * carry its key as request id) and the ce_type header to send it with, if any. Its name is what test reports
 * list.
 */
public record BadRecord(String name, Function<String, byte[]> values, String ceType) {

    /** Exactly these bytes (null: a tombstone), with this ce_type header (null: none). */
    public static BadRecord raw(String name, byte[] value, String ceType) {
        return new BadRecord(name, key -> value, ceType);
    }

    /** An event built for the record key, without a ce_type header. */
    public static BadRecord event(String name, Function<String, byte[]> valueForKey) {
        return new BadRecord(name, valueForKey, null);
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
            headers.add("ce_type", ceType.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(topic, partition, key, value(key), headers);
    }

    @Override
    public String toString() {
        return name;
    }
}
