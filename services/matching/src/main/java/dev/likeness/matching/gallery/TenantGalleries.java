package dev.likeness.matching.gallery;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;

import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;

import dev.likeness.core.events.Tenants;
import dev.likeness.events.v1.Identity;
import dev.likeness.matching.search.SearchSettings;

/**
 * One {@link Gallery} per tenant, all materialised from the one gallery topic (keys scoped by tenant, see
 * {@link Tenants#galleryKey}). A search only ever sees one tenant's gallery: separate indexes, not a filter on
 * a shared one, so that no request can reach another tenant's vectors.
 */
public final class TenantGalleries {

    private final SearchSettings searchSettings;
    private final ForkJoinPool pool;
    private final Map<String, Gallery> galleries = new ConcurrentHashMap<>();
    /** What a tenant without identities reads: never written, so a request naming any tenant allocates nothing. */
    private final Gallery empty;

    public TenantGalleries(SearchSettings searchSettings, ForkJoinPool pool) {
        this.searchSettings = searchSettings;
        this.pool = pool;
        this.empty = new Gallery(searchSettings, pool);
    }

    /**
     * Applies one gallery record to its tenant's gallery (the follower's single thread).
     *
     * @param key the record key: the tenant-scoped identity id
     * @param record the identity's full new state, or null for a tombstone
     */
    public List<String> apply(String key, Identity record) {
        Tenants.Scoped scoped = Tenants.fromGalleryKey(key);
        if (!Tenants.valid(scoped.tenant())) {
            return List.of("key " + key + " names no valid tenant; skipped");
        }
        if (record == null) {
            Gallery gallery = galleries.get(scoped.tenant());
            if (gallery == null) {
                return List.of();
            }
            List<String> problems = gallery.apply(scoped.identityId(), null);
            // A tenant whose last identity went is no longer listed (nor held in memory).
            galleries.computeIfPresent(scoped.tenant(), (tenant, held) -> held.size() == 0 ? null : held);
            return problems;
        }
        return galleries
                .computeIfAbsent(scoped.tenant(), tenant -> new Gallery(searchSettings, pool))
                .apply(scoped.identityId(), record);
    }

    /** The tenant's gallery (an empty one where the tenant has no identity). */
    public Gallery of(String tenant) {
        return Optional.ofNullable(galleries.get(tenant)).orElse(empty);
    }

    /** Tenants with at least one identity, and how many, in tenant order: the admin view. */
    public Map<String, Integer> tenants() {
        Map<String, Integer> sizes = new TreeMap<>();
        galleries.forEach((tenant, gallery) -> sizes.put(tenant, gallery.size()));
        sizes.values().removeIf(size -> size == 0);
        return sizes;
    }

    /** Writes every tenant's gallery, for {@link #restore} (a {@link GallerySnapshots} snapshot). */
    public void write(DataOutput out) throws IOException {
        Map<String, Gallery> held = new TreeMap<>(galleries);
        out.writeInt(held.size());
        for (Map.Entry<String, Gallery> tenant : held.entrySet()) {
            out.writeString(tenant.getKey());
            tenant.getValue().write(out);
        }
    }

    /** Replaces every tenant's gallery with those written by {@link #write}; none left if it fails. */
    public void restore(DataInput in) throws IOException {
        galleries.clear();
        try {
            int tenants = in.readInt();
            for (int i = 0; i < tenants; i++) {
                String tenant = in.readString();
                Gallery gallery = new Gallery(searchSettings, pool);
                gallery.restore(in);
                galleries.put(tenant, gallery);
            }
        } catch (IOException | RuntimeException e) {
            galleries.clear();
            throw e;
        }
    }

    /** Forgets every tenant's identities: the state before the first record. */
    public void clear() {
        galleries.clear();
    }

    /** Identities of every tenant. */
    public int size() {
        return galleries.values().stream().mapToInt(Gallery::size).sum();
    }

    public void refreshIndexes() {
        galleries.values().forEach(Gallery::refreshIndexes);
    }

    /** Every tenant's sizes summed. */
    public Gallery.Stats stats() {
        int identities = 0;
        long embeddings = 0;
        long bytes = 0;
        boolean approximate = false;
        for (Gallery gallery : galleries.values()) {
            Gallery.Stats stats = gallery.stats();
            identities += stats.identities();
            embeddings += stats.embeddings();
            bytes += stats.indexBytes();
            approximate |= stats.approximate();
        }
        return new Gallery.Stats(identities, embeddings, bytes, approximate);
    }
}
