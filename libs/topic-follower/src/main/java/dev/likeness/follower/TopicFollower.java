package dev.likeness.follower;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads every partition of some topics with one plain consumer outside any consumer group: every reader sees
 * every record, nothing is committed, and only committed records are read (read_committed). Each topic starts
 * where its {@link StartAt} says; the follower remembers where each partition ended when reading started and
 * says when it has read up to there ({@link #caughtUp()}).
 *
 * <p>Two ways to use it: pulled by its owner's thread ({@link Builder#open()}, then {@link #poll}, {@link #read},
 * {@link #readToEnd}; the CLI and the tests), or on a thread of its own that hands each poll to a handler
 * ({@link Builder#follow}; the services). Not thread-safe beyond that: the waits and {@link #behind()} may be
 * called from any thread.
 */
public final class TopicFollower implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopicFollower.class);
    private static final Duration FOLLOW_POLL = Duration.ofMillis(200);
    private static final Duration READ_POLL = Duration.ofMillis(100);
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);

    /** Where reading starts in one partition, given its beginning and end offsets. */
    @FunctionalInterface
    public interface StartAt {

        long offset(long beginning, long end);

        StartAt BEGINNING = (beginning, end) -> beginning;
        StartAt END = (beginning, end) -> end;

        /** The last {@code count} offsets before the end (fewer where the partition holds fewer). */
        static StartAt lastRecords(int count) {
            return (beginning, end) -> Math.max(beginning, end - count);
        }

        /**
         * Where reading starts in every partition of the topic (partition -> offset), decided at once; by
         * default {@link #offset} of each. For starts that depend on all partitions, such as a snapshot's.
         */
        default Map<Integer, Long> offsets(Map<Integer, Long> beginnings, Map<Integer, Long> ends) {
            Map<Integer, Long> offsets = new HashMap<>();
            beginnings.forEach(
                    (partition, beginning) -> offsets.put(partition, offset(beginning, ends.get(partition))));
            return offsets;
        }
    }

    public static Builder builder(Map<String, ?> clientConfig) {
        return new Builder(clientConfig);
    }

    public static final class Builder {

        private final Map<String, Object> config = new HashMap<>();
        private final Map<String, StartAt> starts = new LinkedHashMap<>();
        private Function<org.apache.kafka.clients.consumer.Consumer<?, ?>, AutoCloseable> clientMetrics;
        private Runnable onCaughtUp;

        /** @param clientConfig Kafka client settings (bootstrap servers, security); non-consumer ones are ignored */
        private Builder(Map<String, ?> clientConfig) {
            clientConfig.forEach((key, value) -> {
                if (ConsumerConfig.configNames().contains(key)) {
                    config.put(key, value);
                }
            });
            // No group: partitions are assigned by hand and positions are never committed.
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            // The follower passes its own deserializers.
            config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
            config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        }

        public Builder topic(String topic, StartAt start) {
            starts.put(topic, start);
            return this;
        }

        public Builder topics(Collection<String> topics, StartAt start) {
            topics.forEach(topic -> topic(topic, start));
            return this;
        }

        /** The largest record to expect (max.partition.fetch.bytes), for topics with inline images. */
        public Builder maxRecordBytes(int bytes) {
            config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, bytes);
            return this;
        }

        /** Reads records of open and aborted transactions too (read_uncommitted): for tests that count attempts. */
        public Builder readUncommitted() {
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            return this;
        }

        /** Names the client (client.id), which tags its metrics and log lines. */
        public Builder clientId(String clientId) {
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            return this;
        }

        /** Binds the consumer's metrics (e.g. Micrometer's KafkaClientMetrics); the binding is closed with the follower. */
        public Builder clientMetrics(Function<org.apache.kafka.clients.consumer.Consumer<?, ?>, AutoCloseable> bind) {
            this.clientMetrics = bind;
            return this;
        }

        /** Runs on the follower's thread once it has caught up, before {@link #caughtUp()} turns true. */
        public Builder onCaughtUp(Runnable action) {
            this.onCaughtUp = action;
            return this;
        }

        /**
         * Assigns and positions now, on the caller's thread.
         *
         * @throws IllegalStateException when a topic does not exist
         */
        public TopicFollower open() {
            TopicFollower follower = new TopicFollower(this);
            try {
                follower.position(false);
                return follower;
            } catch (RuntimeException e) {
                follower.close();
                throw e;
            }
        }

        /**
         * Starts a daemon thread that waits for the topics to exist, positions, then hands every poll's records
         * (possibly none) to {@code handler}; {@link #close()} stops it.
         */
        public TopicFollower follow(String threadName, Consumer<ConsumerRecords<String, byte[]>> handler) {
            TopicFollower follower = new TopicFollower(this);
            follower.thread = new Thread(() -> follower.run(handler), threadName);
            follower.thread.setDaemon(true);
            follower.thread.start();
            return follower;
        }
    }

    private final Map<String, StartAt> starts;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AutoCloseable metrics;
    private final Runnable onCaughtUp;
    /** Records a poll returned beyond what the last read asked for; the next read starts with them. */
    private final Deque<ConsumerRecord<String, byte[]>> pending = new ArrayDeque<>();

    private Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile Throwable failure;
    /** Guarded by this: the end offsets when reading started (null until positioned), the positions since. */
    private Map<TopicPartition, Long> startEnds;

    private final Map<TopicPartition, Long> positions = new HashMap<>();

    private TopicFollower(Builder builder) {
        this.starts = new LinkedHashMap<>(builder.starts);
        this.onCaughtUp = builder.onCaughtUp;
        this.consumer = new KafkaConsumer<>(
                new HashMap<>(builder.config), new StringDeserializer(), new ByteArrayDeserializer());
        this.metrics = builder.clientMetrics == null ? null : builder.clientMetrics.apply(consumer);
    }

    public List<String> topics() {
        return List.copyOf(starts.keySet());
    }

    /** True once every partition has been read up to where it ended when reading started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Why the following thread stopped, if it stopped on an error. */
    public Throwable failure() {
        return failure;
    }

    /** Records between the positions and the end offsets at start: -1 before positioning, 0 once caught up. */
    public synchronized long behind() {
        if (startEnds == null) {
            return -1;
        }
        if (caughtUp) {
            return 0;
        }
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> end : startEnds.entrySet()) {
            behind += Math.max(0, end.getValue() - positions.getOrDefault(end.getKey(), 0L));
        }
        return behind;
    }

    /** Waits until caught up; false after the timeout, or at once when the following thread has failed. */
    public synchronized boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp && failure == null) {
            if (!waitUntil(deadline)) {
                return false;
            }
        }
        return caughtUp;
    }

    /** Waits until the record at {@code offset} of the partition has been handled (the position is past it). */
    public synchronized boolean awaitPast(TopicPartition partition, long offset, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (positions.getOrDefault(partition, 0L) <= offset && failure == null) {
            if (!waitUntil(deadline)) {
                return false;
            }
        }
        return positions.getOrDefault(partition, 0L) > offset;
    }

    private boolean waitUntil(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        wait(Math.max(1, left / 1_000_000));
        return true;
    }

    /** One poll (owner's thread); the positions and the caught-up signal follow it. */
    public ConsumerRecords<String, byte[]> poll(Duration timeout) {
        ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
        advance();
        return records;
    }

    /**
     * The next {@code count} records, or fewer if the timeout passes first: assert on the size. Records of one
     * partition come in order.
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
            poll(READ_POLL).forEach(pending::add);
        }
    }

    /**
     * Hands over every record up to the end the topics have now, however the offsets run (compaction gaps,
     * transaction markers): reads until each partition's position reaches the end offset taken at the call.
     *
     * @return false when the timeout passed first
     */
    public boolean readToEnd(Duration timeout, Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (!pending.isEmpty()) {
            each.accept(pending.poll());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            poll(READ_POLL).forEach(each);
        }
        return true;
    }

    /**
     * Every record up to the end the topics have now (see {@link #readToEnd(Duration, Consumer)}).
     *
     * @throws IllegalStateException when the timeout passed first
     */
    public List<ConsumerRecord<String, byte[]>> readToEnd(Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        if (!readToEnd(timeout, records::add)) {
            throw new IllegalStateException(
                    "Reading " + topics() + " did not reach its end within " + timeout.toSeconds() + " s");
        }
        return records;
    }

    /** Assigns every partition of the topics and seeks each where its topic starts; false when closed meanwhile. */
    private boolean position(boolean waitForTopics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : starts.keySet()) {
            partitions.addAll(partitionsOf(topic, waitForTopics));
        }
        if (!running) {
            return false;
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> starting = new HashMap<>();
        for (Map.Entry<String, StartAt> topic : starts.entrySet()) {
            Map<Integer, Long> offsets = topic.getValue()
                    .offsets(byPartition(beginnings, topic.getKey()), byPartition(ends, topic.getKey()));
            for (TopicPartition partition : partitions) {
                if (partition.topic().equals(topic.getKey())) {
                    long offset = offsets.get(partition.partition());
                    consumer.seek(partition, offset);
                    starting.put(partition, offset);
                }
            }
        }
        LOG.debugf("Reading %s from %s up to end offsets %s at start", starts.keySet(), starting, ends);
        synchronized (this) {
            startEnds = ends;
            positions.putAll(starting);
        }
        advance();
        return true;
    }

    private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets, String topic) {
        Map<Integer, Long> ofTopic = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (partition.topic().equals(topic)) {
                ofTopic.put(partition.partition(), offset);
            }
        });
        return ofTopic;
    }

    private List<TopicPartition> partitionsOf(String topic, boolean waitForTopics) {
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
            }
            if (!waitForTopics) {
                throw new IllegalStateException("Topic " + topic + " does not exist");
            }
            LOG.infof("Waiting for topic %s to exist", topic);
            try {
                Thread.sleep(TOPIC_RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
        return List.of();
    }

    /** Takes the positions after a handled poll, and turns caught up once they reach the ends at start. */
    private void advance() {
        Map<TopicPartition, Long> ends;
        synchronized (this) {
            ends = startEnds;
        }
        Map<TopicPartition, Long> now = new HashMap<>();
        for (TopicPartition partition : ends.keySet()) {
            now.put(partition, consumer.position(partition));
        }
        boolean reached = !caughtUp
                && now.entrySet().stream().allMatch(position -> position.getValue() >= ends.get(position.getKey()));
        if (reached && onCaughtUp != null) {
            onCaughtUp.run();
        }
        synchronized (this) {
            positions.putAll(now);
            if (reached) {
                caughtUp = true;
            }
            notifyAll();
        }
    }

    private void run(Consumer<ConsumerRecords<String, byte[]>> handler) {
        try {
            if (!position(true)) {
                return;
            }
            while (running) {
                handler.accept(consumer.poll(FOLLOW_POLL));
                advance();
            }
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    private void fail(Throwable e) {
        LOG.errorf(e, "Stopped reading %s", starts.keySet());
        synchronized (this) {
            failure = e;
            // Wakes whoever waits on this follower's progress: it will not come.
            notifyAll();
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread == null) {
            // No group and nothing to commit: nothing to wait for.
            consumer.close(Duration.ZERO);
        } else {
            consumer.wakeup();
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (metrics != null) {
            try {
                metrics.close();
            } catch (Exception e) {
                LOG.debugf(e, "Closing the metrics of %s", starts.keySet());
            }
        }
    }
}
