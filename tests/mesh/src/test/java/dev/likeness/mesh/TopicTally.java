package dev.likeness.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaTestClient;

/**
 * Reads one topic from its beginning on a thread of its own, outside any group, and counts its records and keys,
 * for a test to follow progress by. It rides through broker restarts like any client. What a test asserts on at
 * the end it reads with {@link #everyRecord}.
 */
final class TopicTally implements AutoCloseable {

    private final TopicFollower follower;
    private final Set<String> keys = new HashSet<>();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private long records;

    /** @param isolation read_committed, as the mesh's readers, or read_uncommitted to see aborted attempts too */
    TopicTally(String bootstrapServers, String topic, String isolation) {
        TopicFollower.Builder builder = TopicFollower.builder(
                        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))
                .topic(topic, TopicFollower.StartAt.BEGINNING);
        if ("read_uncommitted".equals(isolation)) {
            builder.readUncommitted();
        }
        follower = builder.follow("tally-" + topic, this::count);
    }

    private synchronized void count(ConsumerRecords<String, byte[]> polled) {
        for (ConsumerRecord<String, byte[]> record : polled) {
            keys.add(record.key());
            records++;
            nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
        }
    }

    synchronized int distinctKeys() {
        return keys.size();
    }

    /**
     * Per partition, the offset after the last record read: what a group that consumed every record has committed
     * (a transaction marker after it takes an offset too, so the log end can be one further).
     */
    synchronized Map<TopicPartition, Long> nextOffsets() {
        return Map.copyOf(nextOffsets);
    }

    synchronized long records() {
        return records;
    }

    /**
     * Every committed record of the topic, read anew from its beginning to the end offsets it has at the call,
     * values per key in offset order: unlike a tally's snapshot, a record that was written but not yet read
     * cannot be missed.
     */
    static Map<String, List<byte[]>> everyRecord(String bootstrapServers, String topic) {
        Map<String, List<byte[]>> byKey = new HashMap<>();
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers);
                TopicFollower reader = kafka.readFromBeginning(topic)) {
            for (ConsumerRecord<String, byte[]> record : reader.readToEnd(Duration.ofMinutes(1))) {
                byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
            }
        }
        return byKey;
    }

    static long count(Map<String, List<byte[]>> byKey) {
        return byKey.values().stream().mapToLong(List::size).sum();
    }

    /** Waits until the condition holds, failing after {@code timeout} with {@code what} in the message. */
    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
