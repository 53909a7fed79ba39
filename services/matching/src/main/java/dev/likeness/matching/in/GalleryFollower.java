package dev.likeness.matching.in;

import java.time.Duration;
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
import dev.likeness.matching.gallery.TenantGalleries;
import dev.likeness.servicekit.kafka.FollowerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Materialises the gallery topic into each tenant's {@link Gallery}: reads every partition from the beginning up to the
 * end offsets found at startup (until then the replica is not ready), then keeps applying new records as
 * they come. Every replica does the same with the same records, so every replica holds the same gallery;
 * the replica's own writes reach its index this way too.
 */
public final class GalleryFollower implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GalleryFollower.class);

    private final TenantGalleries gallery;
    private final String topic;
    private final EventParser<Identity> parser = new EventParser<>(Identity.getDefaultInstance());
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final TopicFollower follower;
    private final long startedNanos = System.nanoTime();
    /** Set on the follower's thread once caught up: from then on each poll's records refresh the indexes. */
    private boolean indexed;

    /** Starts reading at once, on a thread of its own. */
    public GalleryFollower(Map<String, ?> kafkaConfig, MeterRegistry registry, String topic, TenantGalleries gallery) {
        this.gallery = gallery;
        this.topic = topic;
        this.follower = TopicFollower.builder(kafkaConfig)
                .topic(topic, TopicFollower.StartAt.BEGINNING)
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
        }
        if (indexed && !records.isEmpty()) {
            gallery.refreshIndexes();
        }
    }

    /** Indexes (HNSW graphs) are built once over the whole gallery rather than record by record. */
    private void caughtUpNow() {
        gallery.refreshIndexes();
        indexed = true;
        Gallery.Stats stats = gallery.stats();
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
        List<String> problems = gallery.apply(record.key(), identity);
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
