package dev.likeness.matching.in;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.Identity;
import dev.likeness.follower.TopicFollower;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.gallery.GallerySnapshots;
import dev.likeness.matching.gallery.TenantGalleries;
import dev.likeness.servicekit.kafka.FollowerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Materialises the gallery topic into each tenant's {@link Gallery} ({@link TenantGalleries}): reads every
 * partition from the beginning (or from where the latest snapshot left off, see {@link GallerySnapshots}) up to
 * the end offsets found at startup (until then the replica is not ready), then keeps applying new records as they
 * come. Every replica does the same with the same records, so every replica holds the same galleries; the
 * replica's own writes reach its indexes this way too. Once caught up, it writes a snapshot every snapshot
 * interval in which records came.
 */
public final class GalleryFollower implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GalleryFollower.class);

    private final TenantGalleries galleries;
    private final String topic;
    private final EventParser<Identity> parser = new EventParser<>(Identity.getDefaultInstance());
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Snapshotting snapshotting;
    private final TopicFollower follower;
    private final long startedNanos = System.nanoTime();
    /** Follower's thread only: per partition, the offset after the last record the gallery holds. */
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    /** Set on the follower's thread once caught up: from then on each poll's records refresh the indexes. */
    private boolean indexed;
    /** Follower's thread only: records applied since the last snapshot, and when that was taken. */
    private long recordsSinceSnapshot;

    private Instant lastSnapshot = Instant.EPOCH;

    /** Where snapshots go, and how often one is written while records come. */
    public record Snapshotting(GallerySnapshots snapshots, Duration interval) {}

    /**
     * Starts reading at once, on a thread of its own.
     *
     * @param snapshotting null: no snapshots, every start reads the whole topic
     */
    public GalleryFollower(
            Map<String, ?> kafkaConfig,
            MeterRegistry registry,
            String topic,
            TenantGalleries galleries,
            Snapshotting snapshotting) {
        this.galleries = galleries;
        this.topic = topic;
        this.snapshotting = snapshotting;
        this.follower = TopicFollower.builder(kafkaConfig)
                .topic(topic, new FromSnapshot())
                .clientId("gallery-follower")
                .clientMetrics(FollowerMetrics.into(registry))
                .onCaughtUp(this::caughtUpNow)
                .follow("gallery-follower", this::apply);
    }

    /** Where the follower stands, for the readiness check. */
    public record Progress(boolean caughtUp, long recordsApplied, long recordsBehind, long recordsSkipped) {}

    public String topic() {
        return topic;
    }

    /** Why reading stopped, if it stopped on an error. */
    public Throwable failure() {
        return follower.failure();
    }

    public boolean caughtUp() {
        return follower.caughtUp();
    }

    public Progress progress() {
        return new Progress(follower.caughtUp(), applied.get(), follower.behind(), skipped.get());
    }

    /** Waits until the gallery holds everything the topic held at startup. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    /** Waits until the record at {@code offset} of {@code partition} has been applied to the gallery. */
    public boolean awaitApplied(int partition, long offset, Duration timeout) throws InterruptedException {
        return follower.awaitPast(new TopicPartition(topic, partition), offset, timeout);
    }

    private void apply(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            apply(record);
            nextOffsets.put(record.partition(), record.offset() + 1);
            recordsSinceSnapshot++;
        }
        if (indexed && !records.isEmpty()) {
            galleries.refreshIndexes();
        }
        if (indexed) {
            snapshotIfDue();
        }
    }

    /**
     * After the whole gallery is materialised, then once per interval in which records came, and on a quiet gallery
     * once the snapshot is half its maximum age: else a night without enrolments would leave only a snapshot too old
     * to restore, and the next start would read the whole topic.
     */
    private void snapshotIfDue() {
        if (snapshotting == null) {
            return;
        }
        Instant now = Instant.now();
        boolean recordsCame = recordsSinceSnapshot > 0 && !now.isBefore(lastSnapshot.plus(snapshotting.interval()));
        boolean growingOld = !now.isBefore(
                lastSnapshot.plus(snapshotting.snapshots().maxAge().dividedBy(2)));
        if (!recordsCame && !growingOld) {
            return;
        }
        try {
            snapshotting.snapshots().write(topic, galleries, nextOffsets);
        } catch (IOException | RuntimeException e) {
            // The replica serves on; the next start reads more of the topic.
            LOG.errorf(
                    e,
                    "Could not write the gallery snapshot into %s",
                    snapshotting.snapshots().directory());
        }
        lastSnapshot = Instant.now();
        recordsSinceSnapshot = 0;
    }

    /**
     * Restores the latest snapshot, on the follower's thread, and starts each partition where it left off;
     * from the beginning when there is none, or when it does not fit the topic as it is now (a partition
     * that begins after the snapshot's offset lost records the snapshot lacks; one that ends before it is
     * not the topic the snapshot was taken of).
     */
    private final class FromSnapshot implements TopicFollower.StartAt {

        @Override
        public long offset(long beginning, long end) {
            return beginning;
        }

        @Override
        public Map<Integer, Long> offsets(Map<Integer, Long> beginnings, Map<Integer, Long> ends) {
            Map<Integer, Long> starts = new HashMap<>(beginnings);
            GallerySnapshots.Restored restored = snapshotting == null
                    ? null
                    : snapshotting.snapshots().restore(topic, galleries).orElse(null);
            if (restored != null) {
                String misfit = misfit(restored.nextOffsets(), beginnings, ends);
                if (misfit == null) {
                    starts.putAll(restored.nextOffsets());
                    lastSnapshot = restored.takenAt();
                } else {
                    LOG.warnf(
                            "The gallery snapshot does not fit %s (%s): reading it from the beginning", topic, misfit);
                    galleries.clear();
                }
            }
            nextOffsets.putAll(starts);
            return starts;
        }

        private static String misfit(
                Map<Integer, Long> snapshot, Map<Integer, Long> beginnings, Map<Integer, Long> ends) {
            for (Map.Entry<Integer, Long> next : snapshot.entrySet()) {
                int partition = next.getKey();
                if (!beginnings.containsKey(partition)) {
                    return "no partition " + partition;
                }
                if (next.getValue() < beginnings.get(partition) || next.getValue() > ends.get(partition)) {
                    return "partition " + partition + " holds offsets " + beginnings.get(partition) + " to "
                            + ends.get(partition) + ", the snapshot continues from " + next.getValue();
                }
            }
            return null;
        }
    }

    /** Indexes (HNSW graphs) are built once over the whole gallery rather than record by record. */
    private void caughtUpNow() {
        galleries.refreshIndexes();
        indexed = true;
        Gallery.Stats stats = galleries.stats();
        LOG.infof(
                "Gallery caught up in %d ms: %d identities, %d embeddings, %d records applied, %d skipped",
                (System.nanoTime() - startedNanos) / 1_000_000,
                stats.identities(),
                stats.embeddings(),
                applied.get(),
                skipped.get());
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            skip(record, "it has no key (the key is the tenant-scoped identity id)");
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
        List<String> problems;
        try {
            problems = galleries.apply(record.key(), identity);
        } catch (RuntimeException e) {
            // The record stays on the compacted topic: failing here would stop every tenant's gallery on every
            // replica, at every start.
            skip(record, "applying it failed: " + e);
            return;
        }
        problems.forEach(problem ->
                LOG.warnf("Gallery record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), problem));
        applied.incrementAndGet();
    }

    private void skip(ConsumerRecord<String, byte[]> record, String why) {
        skipped.incrementAndGet();
        LOG.errorf("Skipped gallery record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), why);
    }

    @Override
    public void close() {
        follower.close();
    }
}
