package dev.likeness.matching.gallery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.events.Tenants;
import dev.likeness.core.kafka.Topics;
import dev.likeness.matching.SyntheticEmbeddings;
import dev.likeness.matching.search.SearchSettings;

class GallerySnapshotsTest {

    private static final ModelKey MODEL = new ModelKey("synthetic", "1");
    private static final ModelKey OTHER_MODEL = new ModelKey("synthetic", "2");
    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final SearchSettings HNSW_FROM_100 = new SearchSettings(2, 32_768, 100, 16, 100, 100, 0.25);
    private static final String TOPIC = Topics.GALLERY;

    private final SyntheticEmbeddings embeddings = new SyntheticEmbeddings(17, 32);

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    @Test
    void restoredGalleriesHoldAndAnswerWhatTheWrittenOnesDid(@TempDir Path dir) throws IOException {
        // Two tenants: the default one with 300 identities, another with 40 of the same ids and other faces.
        TenantGalleries written = galleriesOf(Map.of(Tenants.DEFAULT, 300, "acme", 40));
        GallerySnapshots snapshots = new GallerySnapshots(dir, Duration.ofHours(1));
        snapshots.write(TOPIC, written, Map.of(0, 120L, 1, 95L, 2, 101L));
        TenantGalleries restored = new TenantGalleries(HNSW_FROM_100, POOL);

        GallerySnapshots.Restored offsets = snapshots.restore(TOPIC, restored).orElseThrow();

        assertThat(offsets.nextOffsets()).isEqualTo(Map.of(0, 120L, 1, 95L, 2, 101L));
        assertThat(restored.tenants()).isEqualTo(written.tenants()).containsOnlyKeys(Tenants.DEFAULT, "acme");
        assertThat(restored.stats()).isEqualTo(written.stats());
        float[][] probes = {embeddings.person(), embeddings.person(), embeddings.person()};
        for (String tenant : List.of(Tenants.DEFAULT, "acme")) {
            Gallery before = written.of(tenant), after = restored.of(tenant);
            assertThat(after.stats()).as(tenant).isEqualTo(before.stats());
            assertThat(after.list(0, 1000)).as(tenant).isEqualTo(before.list(0, 1000));
            for (int i = 0; i < 300; i++) {
                assertThat(after.record("id-" + i)).as(tenant).isEqualTo(before.record("id-" + i));
            }
            assertThat(answers(after, probes)).as(tenant).isEqualTo(answers(before, probes));
        }
        assertThat(restored.of(Tenants.DEFAULT).stats().approximate()).isTrue();
        assertThat(answers(restored.of("acme"), probes)).isNotEqualTo(answers(restored.of(Tenants.DEFAULT), probes));
        // Slots freed by deletions are reused alike, and a restored gallery takes new records as the written one.
        float[] newcomer = embeddings.person();
        for (TenantGalleries galleries : new TenantGalleries[] {written, restored}) {
            galleries.apply("newcomer", IdentityUpdates.enrol(null, "newcomer", "N", MODEL, newcomer, "r", T0, 5));
            galleries.refreshIndexes();
        }
        float[][] newcomerProbe = {newcomer};
        assertThat(answers(restored.of(Tenants.DEFAULT), newcomerProbe))
                .isEqualTo(answers(written.of(Tenants.DEFAULT), newcomerProbe));
        assertThat(answers(restored.of(Tenants.DEFAULT), newcomerProbe).get(0).get(0))
                .startsWith("newcomer:");
        assertThat(restored.of("acme").contains("newcomer")).isFalse();
    }

    @Test
    void aCorruptOldOrOtherTopicsSnapshotIsNotRestored(@TempDir Path dir) throws IOException, InterruptedException {
        TenantGalleries written = galleriesOf(Map.of(Tenants.DEFAULT, 20));
        new GallerySnapshots(dir, Duration.ofHours(1)).write(TOPIC, written, Map.of(0, 20L));
        TenantGalleries restored = new TenantGalleries(HNSW_FROM_100, POOL);

        assertThat(new GallerySnapshots(dir, Duration.ofHours(1)).restore("likeness.gallery.other", restored))
                .isEmpty();
        Thread.sleep(5);
        assertThat(new GallerySnapshots(dir, Duration.ofMillis(1)).restore(TOPIC, restored))
                .isEmpty();

        Path file = dir.resolve(TOPIC + ".snapshot");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertThat(new GallerySnapshots(dir, Duration.ofHours(1)).restore(TOPIC, restored))
                .isEmpty();
        assertThat(restored.size()).isZero();
    }

    /** id:distance of each candidate, per probe. */
    private static List<List<String>> answers(Gallery gallery, float[][] probes) {
        return gallery.identify(MODEL, probes, 5).stream()
                .map(matches -> matches.stream()
                        .map(match -> match.identityId() + ":" + match.distance())
                        .toList())
                .toList();
    }

    /**
     * Per tenant, identities with one or two faces of two models, some deleted, an HNSW graph over the first
     * model where there are enough.
     */
    private TenantGalleries galleriesOf(Map<String, Integer> identitiesPerTenant) {
        TenantGalleries galleries = new TenantGalleries(HNSW_FROM_100, POOL);
        identitiesPerTenant.forEach((tenant, identities) -> {
            for (int i = 0; i < identities; i++) {
                String id = "id-" + i;
                var record = IdentityUpdates.enrol(null, id, "Person " + i, MODEL, embeddings.person(), "r" + i, T0, 5);
                if (i % 3 == 0) {
                    record = IdentityUpdates.enrol(
                            record, id, "Person " + i, OTHER_MODEL, embeddings.person(), "o" + i, T0.plusSeconds(i), 5);
                }
                galleries.apply(Tenants.galleryKey(tenant, id), record);
            }
            for (int i = 0; i < identities; i += 7) {
                galleries.apply(Tenants.galleryKey(tenant, "id-" + i), null);
            }
        });
        galleries.refreshIndexes();
        return galleries;
    }
}
