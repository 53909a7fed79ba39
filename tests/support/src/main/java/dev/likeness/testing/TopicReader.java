package dev.likeness.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every partition of one topic without a consumer group (so no rebalance to wait for and no
 * offsets left behind), only committed records, headers included. Not thread-safe.
 */
public final class TopicReader implements AutoCloseable {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    /** Records a poll returned beyond what the last read asked for; the next read starts with them. */
    private final Deque<ConsumerRecord<String, byte[]>> pending = new ArrayDeque<>();

    TopicReader(Map<String, Object> clientConfig, String topic, boolean fromBeginning) {
        this.topic = topic;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = partitionsOf(topic);
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
                // Seeking is lazy: fix the end offsets now, or records sent before the first read would be skipped.
                partitions.forEach(consumer::position);
            }
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    private List<TopicPartition> partitionsOf(String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist; the broker does not create"
                    + " topics on demand, so create it first (KafkaTestClient.createTopics)");
        }
        return partitions.stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
    }

    /**
     * The next {@code count} records, or fewer if the timeout passes first: assert on the size.
     * Records of one partition come in order.
     */
    public List<ConsumerRecord<String, byte[]>> read(int count, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            while (records.size() < count && !pending.isEmpty()) {
                records.add(pending.poll());
            }
            if (records.size() >= count || System.nanoTime() >= deadline) {
                return records;
            }
            consumer.poll(POLL_INTERVAL).forEach(pending::add);
        }
    }

    /**
     * Every record up to the end the topic has now, however the offsets run (compaction gaps, transaction
     * markers): reads until the position of each partition reaches the end offset taken at the call.
     */
    public List<ConsumerRecord<String, byte[]>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(pending);
        pending.clear();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("Reading " + topic + " did not reach its end " + ends + " within "
                        + timeout.toSeconds() + " s");
            }
            consumer.poll(POLL_INTERVAL).forEach(records::add);
        }
        return records;
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
