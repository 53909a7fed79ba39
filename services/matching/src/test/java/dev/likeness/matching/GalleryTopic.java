package dev.likeness.matching;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaTestClient;

/** Test-side facts and actions on a gallery topic: end offsets, its raw records, and forcing log compaction. */
final class GalleryTopic implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaTestClient kafka;
    private final String topic;
    private final Admin admin;

    GalleryTopic(KafkaTestClient kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** Next offset of every partition. */
    Map<Integer, Long> endOffsets() {
        try {
            List<TopicPartition> partitions = admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
            return ends;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    /** Every record the topic holds now, from its beginning. */
    List<ConsumerRecord<String, byte[]>> records() {
        try (TopicFollower reader = kafka.readFromBeginning(topic)) {
            return reader.readToEnd(Duration.ofSeconds(30));
        }
    }

    /**
     * Makes the broker compact the topic now rather than some day: tiny segments, no minimum dirty ratio or
     * lag, a cleaner that looks every 200 ms; then rolls every partition's segment (an append after
     * segment.ms starts a new one, so the records before it become cleanable) until {@code compacted} holds
     * for the topic's records.
     */
    void forceCompaction(Predicate<List<ConsumerRecord<String, byte[]>>> compacted) throws InterruptedException {
        alter(new ConfigResource(ConfigResource.Type.BROKER, ""), Map.of("log.cleaner.backoff.ms", "200"));
        alter(
                new ConfigResource(ConfigResource.Type.TOPIC, topic),
                Map.of(
                        TopicConfig.SEGMENT_MS_CONFIG, "100",
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.0",
                        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0",
                        TopicConfig.DELETE_RETENTION_MS_CONFIG, "100"));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            for (int partition : endOffsets().keySet()) {
                // A tombstone of an identity nobody has: every replica applies it as a no-op.
                kafka.send(new ProducerRecord<>(topic, partition, "compaction-filler", null));
            }
            if (compacted.test(records())) {
                return;
            }
        }
        throw new AssertionError("the broker did not compact " + topic + " within 90 s");
    }

    private void alter(ConfigResource resource, Map<String, String> settings) {
        Collection<AlterConfigOp> operations = settings.entrySet().stream()
                .map(setting -> new AlterConfigOp(
                        new ConfigEntry(setting.getKey(), setting.getValue()), AlterConfigOp.OpType.SET))
                .toList();
        try {
            admin.incrementalAlterConfigs(Map.of(resource, operations))
                    .all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set " + settings + " on " + resource, e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
