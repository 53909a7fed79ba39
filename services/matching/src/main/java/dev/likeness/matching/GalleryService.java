package dev.likeness.matching;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import dev.likeness.core.calibration.DistanceLogistic;
import dev.likeness.core.calibration.HeadFiles;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.calibration.SiameseHead;
import dev.likeness.core.events.Tenants;
import dev.likeness.events.v1.Enrolment;
import dev.likeness.events.v1.Identity;
import dev.likeness.matching.calibration.Calibrations;
import dev.likeness.matching.gallery.DisplayNames;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.gallery.GallerySnapshots;
import dev.likeness.matching.gallery.IdentityIds;
import dev.likeness.matching.gallery.IdentityUpdates;
import dev.likeness.matching.gallery.IdentityView;
import dev.likeness.matching.gallery.TenantGalleries;
import dev.likeness.matching.in.GalleryFollower;
import dev.likeness.matching.out.GalleryWriter;
import dev.likeness.matching.recognition.Matcher;
import dev.likeness.matching.recognition.RequestRefusedException;
import dev.likeness.matching.search.SearchSettings;
import dev.likeness.matching.search.VectorMath;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;

/**
 * This replica's galleries, one per tenant: materialised from the gallery topic by the follower, changed only by writing to
 * that topic (enrol, rename, delete), so that every replica applies the same records in the same order.
 * A change is answered once this replica has applied it, so the caller reads its own write. Every method works
 * within one tenant's gallery.
 */
@Startup
@ApplicationScoped
public class GalleryService {

    private static final Logger LOG = Logger.getLogger(GalleryService.class);
    /** Changes to one identity are serialised (read, modify, write, wait); different identities run in parallel. */
    private static final int LOCK_STRIPES = 64;

    private final MatchingConfig config;
    private final GalleryWriter writer;
    private final ForkJoinPool searchPool;
    private final TenantGalleries galleries;
    private final GalleryFollower follower;
    private final Calibrations calibrations;
    private final Object[] identityLocks = new Object[LOCK_STRIPES];

    @Inject
    public GalleryService(
            MatchingConfig config,
            TopicNames topics,
            GalleryWriter writer,
            MeterRegistry registry,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.config = config;
        this.writer = writer;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            identityLocks[i] = new Object();
        }
        this.searchPool = new ForkJoinPool(
                config.search().threads().orElse(Runtime.getRuntime().availableProcessors()));
        this.galleries = new TenantGalleries(searchSettings(config), searchPool);
        this.calibrations = calibrations(config);
        Gauge.builder(
                        "likeness.matching.gallery.identities",
                        galleries,
                        g -> g.stats().identities())
                .description("Identities in this replica's gallery")
                .register(registry);
        Gauge.builder(
                        "likeness.matching.gallery.embeddings",
                        galleries,
                        g -> g.stats().embeddings())
                .description("Reference embeddings in this replica's gallery")
                .register(registry);
        Gauge.builder(
                        "likeness.matching.gallery.index.bytes",
                        galleries,
                        g -> g.stats().indexBytes())
                .description("Heap of the vector indexes (vectors, owners, HNSW graphs)")
                .register(registry);
        this.follower = new GalleryFollower(kafkaConfig, registry, topics.gallery(), galleries, snapshotting(config));
    }

    public static SearchSettings searchSettings(MatchingConfig config) {
        MatchingConfig.SearchConfig search = config.search();
        return new SearchSettings(
                search.threads().orElse(Runtime.getRuntime().availableProcessors()),
                search.parallelAboveRows(),
                search.approximateAboveRows(),
                search.hnswMaxConnections(),
                search.hnswBeamWidth(),
                search.hnswEfSearch(),
                search.compactRemovedFraction());
    }

    /** Null when snapshots are off. */
    public static GalleryFollower.Snapshotting snapshotting(MatchingConfig config) {
        MatchingConfig.SnapshotConfig snapshot = config.gallery().snapshot();
        return snapshot.enabled()
                ? new GalleryFollower.Snapshotting(
                        new GallerySnapshots(snapshot.directory(), snapshot.maxAge()), snapshot.interval())
                : null;
    }

    public static Calibrations calibrations(MatchingConfig config) {
        List<Calibrations.Defaults> defaults = config.models().entrySet().stream()
                .map(model -> new Calibrations.Defaults(
                        model.getKey(),
                        model.getValue().version(),
                        model.getValue().threshold(),
                        new DistanceLogistic(
                                model.getValue().probabilityIntercept(),
                                model.getValue().probabilitySlope())))
                .toList();
        List<SiameseHead> heads = config.headsDir().map(HeadFiles::readAll).orElse(List.of());
        heads.forEach(head ->
                LOG.infof("Probabilities of %s come from the learned head: %s", head.model(), head.description()));
        return new Calibrations(defaults, heads);
    }

    /** The decision rules on the tenant's gallery only. */
    public Matcher matcher(String tenant) {
        return new Matcher(galleries.of(tenant), calibrations);
    }

    public Gallery gallery(String tenant) {
        return galleries.of(tenant);
    }

    public TenantGalleries galleries() {
        return galleries;
    }

    public GalleryFollower follower() {
        return follower;
    }

    /** Blocks until the gallery is materialised; requests must not be answered from a partial gallery. */
    public void awaitCaughtUp() {
        try {
            if (!follower.awaitCaughtUp(config.gallery().catchUpTimeout())) {
                throw new IllegalStateException(
                        "the gallery is not materialised after "
                                + config.gallery().catchUpTimeout() + ": " + follower.progress(),
                        follower.failure());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the gallery", e);
        }
    }

    /**
     * One-shot enrolment: creates the identity from one face, or adds the face to it (at most the configured
     * number per model, oldest dropped). Enrolling the same request twice stores it once.
     */
    public Enrolment enrol(
            String tenant, String identityId, String displayName, ModelKey model, float[] embedding, String requestId) {
        Tenants.requireValid(tenant);
        IdentityIds.requireValid(identityId);
        DisplayNames.requireValid(displayName);
        if (embedding.length > Gallery.MAX_EMBEDDING_DIMENSION) {
            throw new RequestRefusedException(
                    RequestRefusedException.INVALID_EMBEDDING,
                    "the embedding has " + embedding.length + " dimensions, more than the maximum of "
                            + Gallery.MAX_EMBEDDING_DIMENSION);
        }
        float[] unit;
        try {
            unit = VectorMath.normalised(embedding);
        } catch (IllegalArgumentException e) {
            throw new RequestRefusedException(
                    RequestRefusedException.INVALID_EMBEDDING, "the embedding cannot be enrolled: " + e.getMessage());
        }
        awaitCaughtUp();
        synchronized (lockOf(tenant, identityId)) {
            // Read under the lock: a tenant's first enrolment replaces the shared empty gallery with its own, so
            // a gallery read before it would miss the embedding a concurrent enrolment of this identity just added.
            Gallery gallery = galleries.of(tenant);
            gallery.dimension(model)
                    .filter(dimension -> dimension != unit.length)
                    .ifPresent(dimension -> {
                        throw new RequestRefusedException(
                                RequestRefusedException.INVALID_EMBEDDING,
                                "the embedding has " + unit.length + " dimensions where the gallery's " + model
                                        + " embeddings have " + dimension);
                    });
            Identity current = gallery.record(identityId).orElse(null);
            Identity next = IdentityUpdates.enrol(
                    current,
                    identityId,
                    displayName,
                    model,
                    unit,
                    requestId,
                    Instant.now(),
                    config.gallery().maxEmbeddingsPerModel());
            if (next != current) {
                applied(writer.write(tenant, next, config.gallery().writeTimeout()));
            }
            return Enrolment.newBuilder()
                    .setIdentityId(identityId)
                    .setDisplayName(next.getDisplayName())
                    .setCreated(IdentityUpdates.createdBy(next, requestId))
                    .setEmbeddingCount(next.getEmbeddingsCount())
                    .build();
        }
    }

    public IdentityView rename(String tenant, String identityId, String displayName) {
        DisplayNames.requireValid(displayName);
        awaitCaughtUp();
        synchronized (lockOf(tenant, identityId)) {
            Identity current = galleries.of(tenant).record(identityId).orElseThrow(() -> unknown(identityId));
            applied(writer.write(
                    tenant,
                    IdentityUpdates.rename(current, displayName, Instant.now()),
                    config.gallery().writeTimeout()));
            return galleries.of(tenant).get(identityId).orElseThrow(() -> unknown(identityId));
        }
    }

    /** Deletes the identity everywhere: a tombstone on the gallery topic. */
    public void delete(String tenant, String identityId) {
        awaitCaughtUp();
        synchronized (lockOf(tenant, identityId)) {
            if (!galleries.of(tenant).contains(identityId)) {
                throw unknown(identityId);
            }
            applied(writer.delete(tenant, identityId, config.gallery().writeTimeout()));
        }
    }

    /**
     * Deletes the tenant's whole gallery: a tombstone per identity, answered once this replica has applied them
     * all. Compaction then removes the tenant's records from the topic, as for one deleted identity.
     *
     * @return how many identities were deleted
     */
    public int deleteTenant(String tenant) {
        awaitCaughtUp();
        List<String> identityIds = galleries.of(tenant).list(0, Integer.MAX_VALUE).stream()
                .map(IdentityView::identityId)
                .toList();
        for (String identityId : identityIds) {
            synchronized (lockOf(tenant, identityId)) {
                if (galleries.of(tenant).contains(identityId)) {
                    applied(writer.delete(tenant, identityId, config.gallery().writeTimeout()));
                }
            }
        }
        return identityIds.size();
    }

    public Optional<IdentityView> get(String tenant, String identityId) {
        return galleries.of(tenant).get(identityId);
    }

    public List<IdentityView> list(String tenant, int offset, int limit) {
        return galleries.of(tenant).list(offset, limit);
    }

    /** Waits until this replica's follower has applied the record just written. */
    private void applied(RecordMetadata landed) {
        Duration timeout = config.gallery().writeTimeout();
        try {
            if (!follower.awaitApplied(landed.partition(), landed.offset(), timeout)) {
                throw new IllegalStateException(
                        "gallery record " + landed + " was written but not applied within " + timeout,
                        follower.failure());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the gallery", e);
        }
    }

    private Object lockOf(String tenant, String identityId) {
        return identityLocks[
                Math.floorMod(Tenants.galleryKey(tenant, identityId).hashCode(), LOCK_STRIPES)];
    }

    private static RequestRefusedException unknown(String identityId) {
        return new RequestRefusedException(
                RequestRefusedException.UNKNOWN_IDENTITY, "no identity " + identityId + " in the gallery");
    }

    @PreDestroy
    void stop() {
        follower.close();
        searchPool.shutdownNow();
    }
}
