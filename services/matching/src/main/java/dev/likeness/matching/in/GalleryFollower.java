package dev.likeness.matching.in;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.Identity;
import dev.likeness.matching.gallery.Gallery;

/**
 * Materialises the gallery topic into a {@link Gallery}: reads every partition from the beginning up to the
 * end offsets found at startup (until then the replica is not ready), then keeps applying new records as
 * they come. Every replica does the same with the same records, so every replica holds the same gallery;
 * the replica's own writes reach its index this way too.
 */
public final class GalleryFollower extends TopicTail {

    private static final Logger LOG = Logger.getLogger(GalleryFollower.class);

    private final Gallery gallery;
    private final EventParser<Identity> parser = new EventParser<>(Identity.getDefaultInstance());
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    /** Guarded by this: next offset to read per partition, and the end offsets read at startup. */
    private final Map<Integer, Long> positions = new HashMap<>();

    private Map<Integer, Long> startupEnd;
    private volatile boolean caughtUp;
    private long startedNanos;

    public GalleryFollower(Map<String, Object> kafkaConfig, String topic, Gallery gallery) {
        super("gallery-follower", kafkaConfig, topic);
        this.gallery = gallery;
    }

    /** Where the follower stands, for the readiness check. */
    public record Progress(boolean caughtUp, long recordsApplied, long recordsBehind, long recordsSkipped) {}

    public boolean caughtUp() {
        return caughtUp;
    }

    public synchronized Progress progress() {
        long behind = 0;
        if (startupEnd == null) {
            behind = -1;
        } else if (!caughtUp) {
            for (Map.Entry<Integer, Long> end : startupEnd.entrySet()) {
                behind += Math.max(0, end.getValue() - positions.getOrDefault(end.getKey(), 0L));
            }
        }
        return new Progress(caughtUp, applied.get(), behind, skipped.get());
    }

    /** Waits until the gallery holds everything the topic held at startup. */
    public synchronized boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp && failure() == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return caughtUp;
    }

    /** Waits until the record at {@code offset} of {@code partition} has been applied to the gallery. */
    public synchronized boolean awaitApplied(int partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (positions.getOrDefault(partition, 0L) <= offset && failure() == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return positions.getOrDefault(partition, 0L) > offset;
    }

    @Override
    void positionAtStart(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        startedNanos = System.nanoTime();
        consumer.seekToBeginning(partitions);
        Map<Integer, Long> end = new HashMap<>();
        consumer.endOffsets(partitions).forEach((partition, offset) -> end.put(partition.partition(), offset));
        synchronized (this) {
            startupEnd = end;
        }
        LOG.infof("Materialising gallery topic %s up to end offsets %s", topic(), end);
    }

    @Override
    void handle(
            ConsumerRecords<String, byte[]> records,
            KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> partitions) {
        for (ConsumerRecord<String, byte[]> record : records) {
            apply(record);
        }
        if (caughtUp && !records.isEmpty()) {
            gallery.refreshIndexes();
        }
        Map<Integer, Long> now = new HashMap<>();
        for (TopicPartition partition : partitions) {
            now.put(partition.partition(), consumer.position(partition));
        }
        boolean caughtUpNow = !caughtUp
                && now.entrySet().stream()
                        .allMatch(position -> position.getValue() >= startupEnd.getOrDefault(position.getKey(), 0L));
        if (caughtUpNow) {
            // Indexes (HNSW graphs) are built once over the whole gallery rather than record by record.
            gallery.refreshIndexes();
            Gallery.Stats stats = gallery.stats();
            LOG.infof(
                    "Gallery caught up in %d ms: %d identities, %d embeddings, %d records applied, %d skipped",
                    (System.nanoTime() - startedNanos) / 1_000_000,
                    stats.identities(),
                    stats.embeddings(),
                    applied.get(),
                    skipped.get());
        }
        synchronized (this) {
            positions.putAll(now);
            if (caughtUpNow) {
                caughtUp = true;
            }
            notifyAll();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            skip(record, "it has no key (the key is the identity id)");
            return;
        }
        Identity identity = null;
        if (record.value() != null) {
            try {
                identity = parser.parse(record);
            } catch (RejectedInputException e) {
                skip(record, e.getMessage());
                return;
            }
        }
        List<String> problems = gallery.apply(record.key(), identity);
        problems.forEach(problem ->
                LOG.warnf("Gallery record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), problem));
        applied.incrementAndGet();
    }

    private void skip(ConsumerRecord<String, byte[]> record, String why) {
        skipped.incrementAndGet();
        LOG.errorf("Skipped gallery record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), why);
    }
}
