package dev.likeness.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.follower.TopicFollower;

/**
 * Waits for the record of one key on a topic where records of many keys arrive in no particular order
 * (different keys, different partitions): records of other keys are kept for later calls. Not thread-safe.
 */
public final class KeyedRecords implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final int BATCH = 500;
    private static final Duration READ_TO_END = Duration.ofSeconds(30);

    private final TopicFollower reader;
    private final List<ConsumerRecord<String, byte[]>> unclaimed = new ArrayList<>();

    /** Sees only records sent after this call: open it before sending what they answer. */
    public static KeyedRecords fromEnd(KafkaTestClient kafka, String topic) {
        return new KeyedRecords(kafka.readFromEnd(topic));
    }

    public KeyedRecords(TopicFollower reader) {
        this.reader = reader;
    }

    /** The first record with {@code key}, or empty when none arrived within the timeout. */
    public Optional<ConsumerRecord<String, byte[]>> await(String key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Iterator<ConsumerRecord<String, byte[]>> it = unclaimed.iterator(); it.hasNext(); ) {
                ConsumerRecord<String, byte[]> record = it.next();
                if (key.equals(record.key())) {
                    it.remove();
                    return Optional.of(record);
                }
            }
            if (System.nanoTime() >= deadline) {
                return Optional.empty();
            }
            unclaimed.addAll(reader.read(BATCH, POLL));
        }
    }

    /**
     * The first record with {@code key} among every record the topic holds up to its end now: for asserting that
     * none was written, where {@link #await} with no time would look only at the records read so far.
     */
    public Optional<ConsumerRecord<String, byte[]>> findUpToEnd(String key) {
        unclaimed.addAll(reader.readToEnd(READ_TO_END));
        return await(key, Duration.ZERO);
    }

    /**
     * The record answering request {@code key}, named {@code answer} in the failure; when none arrives within
     * {@code timeout}, fails saying whether the request was dead-lettered instead, and why (the value of
     * {@code reasonHeader} on its record in {@code deadLetters}).
     */
    public ConsumerRecord<String, byte[]> awaitAnswer(
            String key, Duration timeout, String answer, KeyedRecords deadLetters, String reasonHeader) {
        return await(key, timeout)
                .orElseThrow(() -> new AssertionError("no " + answer + " for " + key
                        + deadLetters
                                .await(key, Duration.ofSeconds(1))
                                .map(letter -> " (dead-lettered: "
                                        + new String(
                                                letter.headers()
                                                        .lastHeader(reasonHeader)
                                                        .value(),
                                                StandardCharsets.UTF_8)
                                        + ")")
                                .orElse(" (no dead letter either)")));
    }

    @Override
    public void close() {
        reader.close();
    }
}
