package dev.likeness.matching.in;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import dev.likeness.core.kafka.ReaderConsumers;

/**
 * A thread that reads every partition of one topic with a plain consumer, outside any consumer group: each
 * replica sees all records, and nothing is committed. Subclasses say where to start and what to do.
 */
abstract class TopicTail implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopicTail.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);

    private final String topic;
    private final Map<String, Object> consumerConfig;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Throwable failure;

    /** @param kafkaConfig the shared {@code kafka.*} settings (bootstrap servers, security) */
    TopicTail(String threadName, Map<String, Object> kafkaConfig, String topic) {
        this.topic = topic;
        this.consumerConfig = ReaderConsumers.config(kafkaConfig);
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public String topic() {
        return topic;
    }

    /** Why the thread stopped, if it stopped on an error. */
    public Throwable failure() {
        return failure;
    }

    /** Seeks the assigned partitions to where reading starts; runs on the tail's thread. */
    abstract void positionAtStart(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions);

    /** Handles one poll's records (possibly none); runs on the tail's thread. */
    abstract void handle(
            ConsumerRecords<String, byte[]> records,
            KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> partitions);

    private void run() {
        try (KafkaConsumer<String, byte[]> reader =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = reader;
            List<TopicPartition> partitions = awaitPartitions(reader);
            if (partitions.isEmpty()) {
                return;
            }
            reader.assign(partitions);
            positionAtStart(reader, partitions);
            while (running) {
                handle(reader.poll(POLL_TIMEOUT), reader, partitions);
            }
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> reader) {
        while (running) {
            List<PartitionInfo> infos = reader.partitionsFor(topic);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
            }
            LOG.infof("Waiting for topic %s to exist", topic);
            try {
                Thread.sleep(TOPIC_RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    private void fail(Throwable e) {
        failure = e;
        LOG.errorf(e, "Stopped reading %s", topic);
        synchronized (this) {
            // Wakes whoever waits on this tail's progress: it will not come.
            notifyAll();
        }
    }

    @Override
    public void close() {
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
}
