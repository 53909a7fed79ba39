package dev.likeness.console.in;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import dev.likeness.console.ConsoleConfig;
import dev.likeness.console.TopicNames;
import dev.likeness.console.view.LiveView;
import dev.likeness.core.kafka.ReaderConsumers;
import dev.likeness.core.kafka.RejectedInputException;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Reads the mesh's topics for the page, with one plain consumer outside any consumer group (every console
 * sees everything; nothing is committed): the gallery from its beginning, the other topics from a few
 * records before their end, then everything live.
 */
@ApplicationScoped
public class TopicFeed {

    private static final Logger LOG = Logger.getLogger(TopicFeed.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final Map<String, Object> consumerConfig;
    private final FeedRecords records;
    private final String galleryTopic;
    private final List<String> topics;
    private final int historyPerPartition;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Map<TopicPartition, Long> galleryEnd;
    private volatile boolean galleryCaughtUp;
    private volatile Throwable failure;

    @Inject
    public TopicFeed(
            TopicNames names,
            ConsoleConfig config,
            LiveView view,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.consumerConfig = consumerConfig(kafkaConfig);
        this.records = new FeedRecords(names, view);
        this.galleryTopic = names.gallery();
        this.topics = new ArrayList<>(List.of(
                names.gallery(),
                names.images(),
                names.faces(),
                names.matches(),
                names.styleRequests(),
                names.styleProgress(),
                names.styleResults()));
        this.topics.addAll(config.deadLetterTopics());
        this.historyPerPartition = config.historyPerPartition();
        this.thread = new Thread(this::run, "console-feed");
        this.thread.setDaemon(true);
    }

    void start(@Observes StartupEvent event) {
        thread.start();
    }

    /** True once the gallery has been read up to where it ended at startup. */
    public boolean caughtUp() {
        return galleryCaughtUp;
    }

    public List<String> topics() {
        return topics;
    }

    public Throwable failure() {
        return failure;
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> reader =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = reader;
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                partitions.addAll(awaitPartitions(reader, topic));
            }
            if (!running) {
                return;
            }
            reader.assign(partitions);
            positionAtStart(reader, partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(POLL_TIMEOUT)) {
                    handle(record);
                }
                if (!galleryCaughtUp) {
                    galleryCaughtUp = galleryEnd.entrySet().stream()
                            .allMatch(end -> reader.position(end.getKey()) >= end.getValue());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        try {
            records.handle(record);
        } catch (RejectedInputException e) {
            LOG.warnf(
                    "Unreadable record %s-%d@%d: %s",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            records.unreadable(record, e.getMessage());
        }
    }

    /** The gallery from its beginning (its whole state), every other topic a few records before its end. */
    private void positionAtStart(KafkaConsumer<String, byte[]> reader, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> beginnings = reader.beginningOffsets(partitions);
        Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
        Map<TopicPartition, Long> gallery = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long beginning = beginnings.get(partition);
            long end = ends.get(partition);
            if (partition.topic().equals(galleryTopic)) {
                reader.seek(partition, beginning);
                gallery.put(partition, end);
            } else {
                reader.seek(partition, Math.max(beginning, end - historyPerPartition));
            }
        }
        galleryEnd = gallery;
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> reader, String topic) {
        while (running) {
            List<PartitionInfo> infos = reader.partitionsFor(topic);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
            }
            LOG.infof("Waiting for topic %s to exist", topic);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
        return List.of();
    }

    private void fail(Throwable e) {
        failure = e;
        LOG.errorf(e, "Stopped reading the topics");
    }

    @PreDestroy
    void stop() {
        running = false;
        KafkaConsumer<String, byte[]> reader = consumer;
        if (reader != null) {
            reader.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> kafkaConfig) {
        Map<String, Object> config = ReaderConsumers.config(kafkaConfig);
        // Inline images of up to 16 MiB.
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 17825792);
        return config;
    }
}
