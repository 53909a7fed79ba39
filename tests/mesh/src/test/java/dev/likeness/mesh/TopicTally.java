package dev.likeness.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one topic from its beginning on a thread of its own, outside any group, and keeps every record's value
 * per key. It rides through broker restarts like any client.
 */
final class TopicTally implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, List<byte[]>> byKey = new HashMap<>();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final String topic;
    private final Thread thread;
    private volatile boolean running = true;
    private long records;

    /** @param isolation read_committed, as the mesh's readers, or read_uncommitted to see aborted attempts too */
    TopicTally(String bootstrapServers, String topic, int partitions, String isolation) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        this.topic = topic;
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(topic, p));
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        thread = new Thread(this::run, "tally-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    synchronized (this) {
                        byKey.computeIfAbsent(record.key(), k -> new ArrayList<>())
                                .add(record.value());
                        records++;
                        nextOffsets.put(new TopicPartition(topic, record.partition()), record.offset() + 1);
                    }
                }
            }
        } catch (WakeupException e) {
            // close() ends the loop.
        } finally {
            consumer.close();
        }
    }

    synchronized int distinctKeys() {
        return byKey.size();
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

    synchronized Map<String, List<byte[]>> snapshot() {
        Map<String, List<byte[]>> copy = new HashMap<>();
        byKey.forEach((key, values) -> copy.put(key, List.copyOf(values)));
        return copy;
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
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
