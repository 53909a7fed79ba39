package dev.likeness.matching.gallery;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.jboss.logging.Logger;

/**
 * Snapshots of a materialised gallery, one file per gallery topic in a directory, each tied to the topic's
 * offsets: the gallery holds every record before them and none after. A replica that starts restores the
 * latest snapshot and reads the topic from those offsets, instead of reading the whole topic and building
 * its HNSW graphs anew. Written with Lucene's store (a checksummed file, written aside and renamed in place).
 */
public final class GallerySnapshots {

    private static final Logger LOG = Logger.getLogger(GallerySnapshots.class);
    private static final String CODEC = "LikenessGallerySnapshot";
    // 2: a gallery per tenant (1 held one gallery: such a snapshot is not restored, the topic is read instead).
    private static final int VERSION = 2;

    /** A partial file untouched for this long belongs to a writer that stopped (a million rows take seconds). */
    private static final Duration ABANDONED_AFTER = Duration.ofHours(1);

    private final Path directory;
    private final Duration maxAge;
    private final String writerId = UUID.randomUUID().toString();

    /**
     * @param maxAge older snapshots are not restored: a deletion's tombstone is kept in the compacted topic
     *               only so long (delete.retention.ms, one day by default), and one removed since the snapshot
     *               would never be seen
     */
    public GallerySnapshots(Path directory, Duration maxAge) {
        this.directory = directory;
        this.maxAge = maxAge;
    }

    /** The offsets a restored gallery continues from (partition -> next offset to read), and when it was taken. */
    public record Restored(Map<Integer, Long> nextOffsets, Instant takenAt) {}

    public Path directory() {
        return directory;
    }

    public Duration maxAge() {
        return maxAge;
    }

    /**
     * Restores the latest snapshot of {@code topic} into {@code gallery}; empty, leaving the gallery empty,
     * when there is none, or it is older than the maximum age, unreadable or corrupt.
     */
    public Optional<Restored> restore(String topic, TenantGalleries gallery) {
        String name = fileName(topic);
        if (!Files.exists(directory.resolve(name))) {
            LOG.infof("No gallery snapshot in %s: reading %s from the beginning", directory, topic);
            return Optional.empty();
        }
        long start = System.nanoTime();
        try (FSDirectory store = FSDirectory.open(directory);
                IndexInput in = store.openInput(name, IOContext.DEFAULT)) {
            CodecUtil.checksumEntireFile(in);
            CodecUtil.checkHeader(in, CODEC, VERSION, VERSION);
            String snapshotTopic = in.readString();
            Instant takenAt = Instant.ofEpochMilli(in.readLong());
            if (!snapshotTopic.equals(topic)) {
                LOG.warnf("Gallery snapshot %s is of topic %s, not %s: not restored", name, snapshotTopic, topic);
                return Optional.empty();
            }
            if (takenAt.plus(maxAge).isBefore(Instant.now())) {
                LOG.infof("Gallery snapshot of %s taken at %s is older than %s: not restored", topic, takenAt, maxAge);
                return Optional.empty();
            }
            Map<Integer, Long> nextOffsets = new TreeMap<>();
            int partitions = in.readInt();
            for (int i = 0; i < partitions; i++) {
                nextOffsets.put(in.readInt(), in.readLong());
            }
            gallery.restore(in);
            LOG.infof(
                    "Restored the gallery snapshot of %s taken at %s in %d ms: %d identities, continuing from %s",
                    topic, takenAt, (System.nanoTime() - start) / 1_000_000, gallery.size(), nextOffsets);
            return Optional.of(new Restored(nextOffsets, takenAt));
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "Gallery snapshot %s is unreadable: reading %s from the beginning", name, topic);
            gallery.clear();
            return Optional.empty();
        }
    }

    /**
     * Writes a snapshot of {@code gallery}, which holds every record of {@code topic} before {@code nextOffsets}
     * and none after, replacing the previous one only once complete.
     */
    public void write(String topic, TenantGalleries gallery, Map<Integer, Long> nextOffsets) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(directory);
        String name = fileName(topic);
        // Replicas may share the directory: each writes its own partial file, and the last rename wins.
        String partial = name + "." + writerId + ".partial";
        try (FSDirectory store = FSDirectory.open(directory)) {
            deleteAbandonedPartials(name);
            try (IndexOutput out = store.createOutput(partial, IOContext.DEFAULT)) {
                CodecUtil.writeHeader(out, CODEC, VERSION);
                out.writeString(topic);
                out.writeLong(Instant.now().toEpochMilli());
                out.writeInt(nextOffsets.size());
                for (Map.Entry<Integer, Long> next : new TreeMap<>(nextOffsets).entrySet()) {
                    out.writeInt(next.getKey());
                    out.writeLong(next.getValue());
                }
                gallery.write(out);
                CodecUtil.writeFooter(out);
            }
            store.sync(List.of(partial));
            store.rename(partial, name);
            store.syncMetaData();
        }
        LOG.infof(
                "Wrote the gallery snapshot of %s at %s in %d ms (%d MiB)",
                topic, nextOffsets, (System.nanoTime() - start) / 1_000_000, Files.size(directory.resolve(name)) >> 20);
    }

    /** Partial files of writers that stopped while writing (this one's included), once surely abandoned. */
    private void deleteAbandonedPartials(String name) throws IOException {
        Instant abandoned = Instant.now().minus(ABANDONED_AFTER);
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(directory, name + ".*.partial")) {
            for (Path partial : partials) {
                if (partial.getFileName().toString().equals(name + "." + writerId + ".partial")
                        || Files.getLastModifiedTime(partial).toInstant().isBefore(abandoned)) {
                    Files.deleteIfExists(partial);
                }
            }
        }
    }

    private static String fileName(String topic) {
        return topic + ".snapshot";
    }
}
