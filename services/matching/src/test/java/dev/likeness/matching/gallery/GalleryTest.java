package dev.likeness.matching.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.StoredEmbedding;
import dev.likeness.matching.SyntheticEmbeddings;
import dev.likeness.matching.search.SearchSettings;

class GalleryTest {

    private static final ModelKey MODEL = new ModelKey("synthetic", "1");
    private static final ModelKey OTHER_MODEL = new ModelKey("synthetic", "2");
    private static final ForkJoinPool POOL = new ForkJoinPool(1);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final SyntheticEmbeddings embeddings = new SyntheticEmbeddings(11, 32);
    private final Gallery gallery = new Gallery(SearchSettings.exactOnly(1), POOL);

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    @Test
    void enrolmentsUpdatesAndTombstonesShowInSearches() {
        float[] alice = embeddings.person();
        float[] bob = embeddings.person();
        Identity aliceRecord = IdentityUpdates.enrol(null, "alice", "Alice", MODEL, alice, "r1", T0, 3);
        gallery.apply("alice", aliceRecord);
        gallery.apply("bob", IdentityUpdates.enrol(null, "bob", "Bob", MODEL, bob, "r2", T0, 3));

        assertThat(best(embeddings.view(alice, 0.7))).isEqualTo("alice");
        assertThat(gallery.list(0, 10)).extracting(IdentityView::identityId).containsExactly("alice", "bob");

        gallery.apply("alice", IdentityUpdates.rename(aliceRecord, "Alice B.", T0.plusSeconds(1)));
        assertThat(gallery.get("alice").orElseThrow().displayName()).isEqualTo("Alice B.");
        assertThat(gallery.identify(MODEL, new float[][] {alice}, 1)
                        .get(0)
                        .get(0)
                        .displayName())
                .isEqualTo("Alice B.");

        gallery.apply("alice", null);

        assertThat(gallery.contains("alice")).isFalse();
        assertThat(best(alice)).isEqualTo("bob");
        assertThat(gallery.stats().embeddings()).isEqualTo(1);
    }

    @Test
    void theRecordRebuiltFromTheIndexEqualsTheAppliedOne() {
        Identity record = IdentityUpdates.enrol(null, "carol", "Carol", MODEL, embeddings.person(), "r1", T0, 3);
        record = IdentityUpdates.enrol(record, "carol", "", MODEL, embeddings.person(), "r2", T0.plusSeconds(5), 3);
        gallery.apply("carol", record);

        assertThat(gallery.record("carol")).contains(record);
    }

    @Test
    void embeddingsOfAnotherModelAreNotSearchedAndBadOnesAreSkipped() {
        Identity record = IdentityUpdates.enrol(null, "dave", "Dave", OTHER_MODEL, embeddings.person(), "r1", T0, 3);
        record = record.toBuilder()
                .addEmbeddings(
                        StoredEmbedding.newBuilder().setModel(MODEL.toRef()).addAllVector(List.of(0f, 0f, 0f)))
                .build();

        List<String> problems = gallery.apply("dave", record);

        assertThat(problems).singleElement().asString().contains("zero");
        assertThat(gallery.models()).containsExactly(OTHER_MODEL);
        assertThat(gallery.identify(MODEL, new float[][] {embeddings.person()}, 3)
                        .get(0))
                .isEmpty();
    }

    @Test
    void anEmbeddingLongerThanTheMaximumIsSkipped() {
        float[] tooLong = new SyntheticEmbeddings(12, Gallery.MAX_EMBEDDING_DIMENSION + 1).person();

        List<String> problems =
                gallery.apply("frank", IdentityUpdates.enrol(null, "frank", "Frank", MODEL, tooLong, "r1", T0, 3));

        assertThat(problems).singleElement().asString().contains("more than " + Gallery.MAX_EMBEDDING_DIMENSION);
        assertThat(gallery.models()).isEmpty();
        assertThat(gallery.contains("frank")).isTrue();
    }

    @Test
    void closestComparesWithTheIdentitysBestReference() {
        float[] erin = embeddings.person();
        float[] near = embeddings.view(erin, 0.95);
        Identity record = IdentityUpdates.enrol(null, "erin", "Erin", MODEL, embeddings.view(erin, 0.5), "r1", T0, 3);
        record = IdentityUpdates.enrol(record, "erin", "", MODEL, near, "r2", T0, 3);
        gallery.apply("erin", record);

        Match closest = gallery.closest("erin", MODEL, erin).orElseThrow();

        assertThat(closest.reference()).containsExactly(near, offset(1e-6f));
        assertThat(gallery.closest("erin", OTHER_MODEL, erin)).isEmpty();
        assertThat(gallery.closest("nobody", MODEL, erin)).isEmpty();
    }

    @Test
    void equalDistancesAreListedInIdOrder() {
        float[] twin = embeddings.person();
        gallery.apply("zed", IdentityUpdates.enrol(null, "zed", "", MODEL, twin, "r1", T0, 3));
        gallery.apply("amy", IdentityUpdates.enrol(null, "amy", "", MODEL, twin, "r2", T0, 3));

        assertThat(gallery.identify(MODEL, new float[][] {twin}, 2).get(0))
                .extracting(Match::identityId)
                .containsExactly("amy", "zed");
    }

    @Test
    void aLargeGalleryIsSearchedThroughItsGraphAndStillForgetsTheDeleted() {
        Gallery large = new Gallery(SearchSettings.exactOnly(2).withApproximateAboveRows(200), POOL);
        float[][] people = new float[300][];
        for (int i = 0; i < people.length; i++) {
            people[i] = embeddings.person();
            large.apply("p" + i, IdentityUpdates.enrol(null, "p" + i, "", MODEL, people[i], "r" + i, T0, 3));
        }
        large.refreshIndexes();
        large.apply("p7", null);
        large.apply("p300", IdentityUpdates.enrol(null, "p300", "", MODEL, embeddings.person(), "r300", T0, 3));
        large.refreshIndexes();

        assertThat(large.stats().approximate()).isTrue();
        assertThat(large.identify(MODEL, new float[][] {embeddings.view(people[42], 0.8)}, 1)
                        .get(0)
                        .get(0)
                        .identityId())
                .isEqualTo("p42");
        assertThat(large.identify(MODEL, new float[][] {people[7]}, 10).get(0))
                .extracting(Match::identityId)
                .doesNotContain("p7");
    }

    private String best(float[] probe) {
        return gallery.identify(MODEL, new float[][] {probe}, 1).get(0).get(0).identityId();
    }
}
