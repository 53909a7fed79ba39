package dev.likeness.matching.gallery;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;

import com.google.protobuf.Timestamp;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.StoredEmbedding;
import dev.likeness.matching.search.OwnerHit;
import dev.likeness.matching.search.SearchSettings;
import dev.likeness.matching.search.VectorIndex;
import dev.likeness.matching.search.VectorMath;

/**
 * The gallery materialised in memory from the gallery topic: identities by id, and one
 * {@link VectorIndex} per embedding model. Records are applied by one writer (the follower) in topic
 * order; searches and reads run concurrently with each other, never with a write.
 */
public final class Gallery {

    /**
     * The longest embedding enrolled or applied: far above the shipped models' (at most 640) and far below what
     * one index block holds, so that no record on the gallery topic can stop the follower that indexes it.
     */
    public static final int MAX_EMBEDDING_DIMENSION = 4096;

    private final SearchSettings searchSettings;
    private final ForkJoinPool pool;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final TreeMap<String, Entry> identities = new TreeMap<>();
    /** Owner numbers of the vector indexes: slot -> identity (null = free). */
    private final List<Entry> slots = new ArrayList<>();

    private final Deque<Integer> freeSlots = new ArrayDeque<>();
    private final Map<ModelKey, VectorIndex> indexes = new HashMap<>();

    public Gallery(SearchSettings searchSettings, ForkJoinPool pool) {
        this.searchSettings = searchSettings;
        this.pool = pool;
    }

    /**
     * Applies one gallery record.
     *
     * @param record the identity's full new state, or null for a tombstone (deletion)
     * @return problems with the record that were skipped over (e.g. an embedding of the wrong size)
     */
    public List<String> apply(String identityId, Identity record) {
        return write(() -> record == null ? remove(identityId) : upsert(identityId, record));
    }

    /**
     * Rewrites indexes with many removed rows and brings the HNSW graphs up to date; the follower calls it
     * after each batch of records rather than after each record. Building a graph takes minutes at a
     * million rows: it runs under the read lock, so searches go on (and no record is applied meanwhile: the
     * follower is the one building).
     */
    public void refreshIndexes() {
        write(() -> {
            for (Map.Entry<ModelKey, VectorIndex> model : indexes.entrySet()) {
                int[] remap = model.getValue().compactIfWorthIt();
                if (remap != null) {
                    for (Entry entry : identities.values()) {
                        entry.embeddings.stream()
                                .filter(e -> e.model.equals(model.getKey()))
                                .forEach(e -> e.row = remap[e.row]);
                    }
                }
                model.getValue().extendApproximateIndex();
            }
            return null;
        });
        for (VectorIndex index : read(() -> List.copyOf(indexes.values()))) {
            read(index::buildApproximateIndexIfDue)
                    .ifPresent(install -> write(() -> {
                        install.run();
                        return null;
                    }));
        }
    }

    /**
     * Writes the whole gallery (identities, the facts of their embeddings, the vector indexes with their
     * graphs) for {@link #restore}. Under the read lock: searches go on, records wait.
     */
    public void write(DataOutput out) throws IOException {
        lock.readLock().lock();
        try {
            out.writeInt(slots.size());
            out.writeInt(freeSlots.size());
            for (int slot : freeSlots) {
                out.writeInt(slot);
            }
            out.writeInt(indexes.size());
            for (Map.Entry<ModelKey, VectorIndex> model : indexes.entrySet()) {
                writeModel(out, model.getKey());
                model.getValue().write(out);
            }
            out.writeInt(identities.size());
            for (Entry entry : identities.values()) {
                out.writeString(entry.id);
                out.writeInt(entry.slot);
                out.writeString(entry.displayName);
                writeTimestamp(out, entry.createdAt);
                writeTimestamp(out, entry.updatedAt);
                out.writeInt(entry.embeddings.size());
                for (StoredRef ref : entry.embeddings) {
                    writeModel(out, ref.model);
                    out.writeInt(ref.row);
                    writeTimestamp(out, ref.addedAt);
                    out.writeString(ref.sourceRequestId);
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Replaces this gallery's contents with a gallery written by {@link #write}. */
    public void restore(DataInput in) throws IOException {
        lock.writeLock().lock();
        try {
            clearLocked();
            int slotCount = in.readInt();
            for (int i = 0; i < slotCount; i++) {
                slots.add(null);
            }
            int free = in.readInt();
            for (int i = 0; i < free; i++) {
                freeSlots.add(in.readInt());
            }
            int models = in.readInt();
            for (int i = 0; i < models; i++) {
                indexes.put(readModel(in), VectorIndex.read(in, searchSettings, pool));
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                Entry entry = new Entry(in.readString(), in.readInt());
                entry.displayName = in.readString();
                entry.createdAt = readTimestamp(in);
                entry.updatedAt = readTimestamp(in);
                int embeddings = in.readInt();
                for (int e = 0; e < embeddings; e++) {
                    ModelKey model = readModel(in);
                    // The index's key instance, shared by every embedding of the model.
                    ModelKey shared = indexes.keySet().stream()
                            .filter(model::equals)
                            .findFirst()
                            .orElseThrow(() -> new IOException("an embedding of a model without an index: " + model));
                    entry.embeddings.add(new StoredRef(shared, in.readInt(), readTimestamp(in), in.readString()));
                }
                slots.set(entry.slot, entry);
                identities.put(entry.id, entry);
            }
        } catch (IOException | RuntimeException e) {
            clearLocked();
            throw e;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Forgets every identity: the state before the first record. */
    public void clear() {
        write(() -> {
            clearLocked();
            return null;
        });
    }

    private void clearLocked() {
        identities.clear();
        slots.clear();
        freeSlots.clear();
        indexes.clear();
    }

    private static void writeModel(DataOutput out, ModelKey model) throws IOException {
        out.writeString(model.id());
        out.writeString(model.version());
    }

    private static ModelKey readModel(DataInput in) throws IOException {
        return new ModelKey(in.readString(), in.readString());
    }

    private static void writeTimestamp(DataOutput out, Timestamp timestamp) throws IOException {
        out.writeLong(timestamp.getSeconds());
        out.writeInt(timestamp.getNanos());
    }

    private static Timestamp readTimestamp(DataInput in) throws IOException {
        return Timestamp.newBuilder()
                .setSeconds(in.readLong())
                .setNanos(in.readInt())
                .build();
    }

    public int size() {
        return read(identities::size);
    }

    public boolean contains(String identityId) {
        return read(() -> identities.containsKey(identityId));
    }

    public Optional<IdentityView> get(String identityId) {
        return read(() -> Optional.ofNullable(identities.get(identityId)).map(Entry::view));
    }

    /** Identities in id order. */
    public List<IdentityView> list(int offset, int limit) {
        return read(() -> identities.values().stream()
                .skip(offset)
                .limit(limit)
                .map(Entry::view)
                .toList());
    }

    /** The identity's full record as last applied, vectors included: the base of the next update. */
    public Optional<Identity> record(String identityId) {
        return read(() -> Optional.ofNullable(identities.get(identityId)).map(this::toRecord));
    }

    /** The models that have at least one embedding in the gallery. */
    public Set<ModelKey> models() {
        return read(() -> Set.copyOf(indexes.keySet()));
    }

    /** The dimension of a model's embeddings in the gallery, if it has any. */
    public Optional<Integer> dimension(ModelKey model) {
        return read(() -> Optional.ofNullable(indexes.get(model)).map(VectorIndex::dimension));
    }

    /**
     * The {@code k} identities closest to each probe, closest first, comparing only embeddings of
     * {@code model}.
     *
     * @param probes unit vectors
     */
    public List<List<Match>> identify(ModelKey model, float[][] probes, int k) {
        return read(() -> {
            VectorIndex index = indexes.get(model);
            if (index == null) {
                return Arrays.stream(probes).map(probe -> List.<Match>of()).toList();
            }
            List<List<Match>> results = new ArrayList<>(probes.length);
            for (List<OwnerHit> hits : index.search(probes, k)) {
                results.add(toMatches(index, hits));
            }
            return results;
        });
    }

    /** Exact search even where an approximate index answers: for measuring its recall. */
    public List<List<Match>> identifyExactly(ModelKey model, float[][] probes, int k) {
        return read(() -> {
            VectorIndex index = indexes.get(model);
            if (index == null) {
                return Arrays.stream(probes).map(probe -> List.<Match>of()).toList();
            }
            List<List<Match>> results = new ArrayList<>(probes.length);
            for (List<OwnerHit> hits : index.searchExact(probes, k)) {
                results.add(toMatches(index, hits));
            }
            return results;
        });
    }

    /**
     * The identity's reference embedding of {@code model} closest to the probe; empty when the identity is
     * unknown or has no embedding of that model.
     */
    public Optional<Match> closest(String identityId, ModelKey model, float[] probe) {
        return read(() -> {
            Entry entry = identities.get(identityId);
            VectorIndex index = indexes.get(model);
            if (entry == null || index == null) {
                return Optional.empty();
            }
            Match best = null;
            for (StoredRef ref : entry.embeddings) {
                if (!ref.model.equals(model)) {
                    continue;
                }
                float[] reference = index.vector(ref.row);
                float distance = VectorMath.squaredDistanceOfUnitVectors(VectorMath.dot(probe, reference));
                if (best == null || distance < best.distance()) {
                    best = new Match(entry.id, entry.displayName, distance, reference);
                }
            }
            return Optional.ofNullable(best);
        });
    }

    /** Sizes for metrics and the benchmark. */
    public Stats stats() {
        return read(() -> {
            long embeddings =
                    indexes.values().stream().mapToLong(VectorIndex::liveRows).sum();
            long bytes = indexes.values().stream().mapToLong(VectorIndex::bytes).sum();
            boolean approximate = indexes.values().stream().anyMatch(VectorIndex::approximate);
            return new Stats(identities.size(), embeddings, bytes, approximate);
        });
    }

    /** Identities, their live embeddings, bytes of the vector indexes, and whether any uses HNSW. */
    public record Stats(int identities, long embeddings, long indexBytes, boolean approximate) {}

    private List<Match> toMatches(VectorIndex index, List<OwnerHit> hits) {
        List<Match> matches = new ArrayList<>(hits.size());
        for (OwnerHit hit : hits) {
            Entry entry = slots.get(hit.owner());
            matches.add(new Match(entry.id, entry.displayName, hit.distance(), index.vector(hit.row())));
        }
        // Equal distances in id order, so that every replica lists them alike whatever its row order.
        matches.sort(Comparator.comparingDouble(Match::distance).thenComparing(Match::identityId));
        return matches;
    }

    private List<String> upsert(String identityId, Identity record) {
        List<String> problems = new ArrayList<>();
        if (!record.getIdentityId().isEmpty() && !record.getIdentityId().equals(identityId)) {
            problems.add("record key " + identityId + " differs from its identity_id " + record.getIdentityId()
                    + "; the key wins");
        }
        Entry entry = identities.get(identityId);
        if (entry == null) {
            entry = new Entry(identityId, allocateSlot());
            slots.set(entry.slot, entry);
            identities.put(identityId, entry);
        }
        entry.displayName = record.getDisplayName();
        entry.createdAt = record.getCreatedAt();
        entry.updatedAt = record.getUpdatedAt();

        List<StoredRef> previous = new ArrayList<>(entry.embeddings);
        List<StoredRef> next = new ArrayList<>();
        for (StoredEmbedding stored : record.getEmbeddingsList()) {
            StoredRef kept = takeUnchanged(previous, stored);
            if (kept != null) {
                next.add(kept);
                continue;
            }
            StoredRef added = addEmbedding(entry, stored, problems);
            if (added != null) {
                next.add(added);
            }
        }
        previous.forEach(this::removeRow);
        entry.embeddings = next;
        return problems;
    }

    /** The stored reference that this embedding repeats unchanged (then it keeps its row), or null. */
    private StoredRef takeUnchanged(List<StoredRef> previous, StoredEmbedding stored) {
        if (!stored.hasModel() || stored.getModel().getId().isBlank()) {
            return null;
        }
        ModelKey model = ModelKey.of(stored.getModel());
        for (int i = 0; i < previous.size(); i++) {
            StoredRef ref = previous.get(i);
            if (ref.model.equals(model)
                    && ref.addedAt.equals(stored.getAddedAt())
                    && ref.sourceRequestId.equals(stored.getSourceRequestId())
                    && Arrays.equals(indexes.get(model).vector(ref.row), unitVectorOrNull(stored))) {
                return previous.remove(i);
            }
        }
        return null;
    }

    private StoredRef addEmbedding(Entry entry, StoredEmbedding stored, List<String> problems) {
        if (!stored.hasModel() || stored.getModel().getId().isBlank()) {
            problems.add("an embedding of " + entry.id + " names no model; skipped");
            return null;
        }
        ModelKey model = ModelKey.of(stored.getModel());
        float[] unit = unitVectorOrNull(stored);
        if (unit == null) {
            problems.add("an embedding of " + entry.id + " is empty, zero or not finite; skipped");
            return null;
        }
        if (unit.length > MAX_EMBEDDING_DIMENSION) {
            problems.add("an embedding of " + entry.id + " has " + unit.length + " dimensions, more than "
                    + MAX_EMBEDDING_DIMENSION + "; skipped");
            return null;
        }
        VectorIndex index = indexes.computeIfAbsent(model, m -> new VectorIndex(unit.length, searchSettings, pool));
        // One ModelKey instance per model, not one per embedding: a million embeddings share it.
        ModelKey shared =
                indexes.keySet().stream().filter(model::equals).findFirst().orElseThrow();
        if (index.dimension() != unit.length) {
            problems.add("an embedding of " + entry.id + " has " + unit.length + " dimensions where model " + model
                    + " has " + index.dimension() + "; skipped");
            return null;
        }
        int row = index.add(entry.slot, unit);
        return new StoredRef(shared, row, stored.getAddedAt(), stored.getSourceRequestId());
    }

    private List<String> remove(String identityId) {
        Entry entry = identities.remove(identityId);
        if (entry != null) {
            entry.embeddings.forEach(this::removeRow);
            slots.set(entry.slot, null);
            freeSlots.push(entry.slot);
        }
        return List.of();
    }

    private void removeRow(StoredRef ref) {
        VectorIndex index = indexes.get(ref.model);
        index.remove(ref.row);
        if (index.liveRows() == 0) {
            // A model without embeddings is no longer in the gallery (its requests then get MODEL_MISMATCH).
            indexes.remove(ref.model);
        }
    }

    private int allocateSlot() {
        if (!freeSlots.isEmpty()) {
            return freeSlots.pop();
        }
        slots.add(null);
        return slots.size() - 1;
    }

    private Identity toRecord(Entry entry) {
        Identity.Builder record = Identity.newBuilder()
                .setIdentityId(entry.id)
                .setDisplayName(entry.displayName)
                .setCreatedAt(entry.createdAt)
                .setUpdatedAt(entry.updatedAt);
        for (StoredRef ref : entry.embeddings) {
            StoredEmbedding.Builder stored = StoredEmbedding.newBuilder()
                    .setModel(ref.model.toRef())
                    .setAddedAt(ref.addedAt)
                    .setSourceRequestId(ref.sourceRequestId);
            for (float value : indexes.get(ref.model).vector(ref.row)) {
                stored.addVector(value);
            }
            record.addEmbeddings(stored);
        }
        return record.build();
    }

    private static float[] unitVectorOrNull(StoredEmbedding stored) {
        if (stored.getVectorCount() == 0) {
            return null;
        }
        float[] vector = new float[stored.getVectorCount()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = stored.getVector(i);
        }
        try {
            return VectorMath.normalised(vector);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private <T> T read(Supplier<T> action) {
        return locked(lock.readLock(), action);
    }

    private <T> T write(Supplier<T> action) {
        return locked(lock.writeLock(), action);
    }

    private static <T> T locked(Lock held, Supplier<T> action) {
        held.lock();
        try {
            return action.get();
        } finally {
            held.unlock();
        }
    }

    /** An identity: its metadata here, its vectors in the model indexes. */
    private static final class Entry {
        final String id;
        final int slot;
        String displayName = "";
        Timestamp createdAt = Timestamp.getDefaultInstance();
        Timestamp updatedAt = Timestamp.getDefaultInstance();
        List<StoredRef> embeddings = new ArrayList<>();

        Entry(String id, int slot) {
            this.id = id;
            this.slot = slot;
        }

        IdentityView view() {
            return new IdentityView(
                    id,
                    displayName,
                    Timestamps.toInstant(createdAt),
                    Timestamps.toInstant(updatedAt),
                    embeddings.stream()
                            .map(e -> new IdentityView.EmbeddingInfo(
                                    e.model, Timestamps.toInstant(e.addedAt), e.sourceRequestId))
                            .toList());
        }
    }

    /** One reference embedding: where its vector lives, and its audit facts. */
    private static final class StoredRef {
        final ModelKey model;
        int row;
        final Timestamp addedAt;
        final String sourceRequestId;

        StoredRef(ModelKey model, int row, Timestamp addedAt, String sourceRequestId) {
            this.model = model;
            this.row = row;
            this.addedAt = addedAt;
            this.sourceRequestId = sourceRequestId;
        }
    }
}
