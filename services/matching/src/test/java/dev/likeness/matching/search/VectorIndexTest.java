package dev.likeness.matching.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.matching.SyntheticEmbeddings;

class VectorIndexTest {

    private static final int DIMENSION = 64;
    private static final ForkJoinPool POOL = new ForkJoinPool(2);

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    @Test
    void exactSearchFindsTheClosestOwnersBestFirst() {
        SyntheticEmbeddings embeddings = new SyntheticEmbeddings(1, DIMENSION);
        VectorIndex index = new VectorIndex(DIMENSION, SearchSettings.exactOnly(1), POOL);
        List<float[]> people = new ArrayList<>();
        for (int owner = 0; owner < 500; owner++) {
            people.add(embeddings.person());
            index.add(owner, people.get(owner));
        }
        float[] probe = embeddings.view(people.get(123), 0.6);

        List<OwnerHit> hits = index.search(new float[][] {probe}, 5).get(0);

        List<Integer> bruteForce = IntStream.range(0, people.size())
                .boxed()
                .sorted(Comparator.comparingDouble(owner -> -VectorMath.dot(probe, people.get(owner))))
                .limit(5)
                .toList();
        assertThat(hits).extracting(OwnerHit::owner).containsExactlyElementsOf(bruteForce);
        assertThat(hits.get(0).owner()).isEqualTo(123);
        assertThat(hits.get(0).distance()).isCloseTo(2 - 2 * VectorMath.dot(probe, people.get(123)), offset(1e-5f));
    }

    @Test
    void anOwnerWithSeveralRowsAppearsOnceWithItsClosestRow() {
        SyntheticEmbeddings embeddings = new SyntheticEmbeddings(2, DIMENSION);
        VectorIndex index = new VectorIndex(DIMENSION, SearchSettings.exactOnly(1), POOL);
        float[] person = embeddings.person();
        index.add(0, embeddings.view(person, 0.5));
        int closest = index.add(0, embeddings.view(person, 0.9));
        index.add(0, embeddings.view(person, 0.7));
        for (int owner = 1; owner < 50; owner++) {
            index.add(owner, embeddings.person());
        }

        List<OwnerHit> hits = index.search(new float[][] {person}, 3).get(0);

        assertThat(hits).extracting(OwnerHit::owner).doesNotHaveDuplicates().startsWith(0);
        assertThat(hits.get(0).row()).isEqualTo(closest);
    }

    @Test
    void parallelScanAnswersLikeTheSingleThreadedOne() {
        SyntheticEmbeddings embeddings = new SyntheticEmbeddings(3, DIMENSION);
        SearchSettings parallel = new SearchSettings(2, 1, Integer.MAX_VALUE, 16, 100, 100, 0.25);
        VectorIndex single = new VectorIndex(DIMENSION, SearchSettings.exactOnly(1), POOL);
        VectorIndex multi = new VectorIndex(DIMENSION, parallel, POOL);
        // More than two blocks, so that the scan really splits.
        for (int owner = 0; owner < 2 * (EmbeddingMatrix.BLOCK_FLOATS / DIMENSION) + 100; owner++) {
            float[] person = embeddings.person();
            single.add(owner, person);
            multi.add(owner, person);
        }
        float[][] probes = {embeddings.person(), embeddings.person(), embeddings.person()};

        assertThat(multi.search(probes, 10)).isEqualTo(single.search(probes, 10));
    }

    @Test
    void removedRowsAreNeverFoundAndCompactionKeepsTheAnswers() {
        SyntheticEmbeddings embeddings = new SyntheticEmbeddings(4, DIMENSION);
        VectorIndex index = new VectorIndex(DIMENSION, SearchSettings.exactOnly(1), POOL);
        List<float[]> people = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int owner = 0; owner < 6000; owner++) {
            people.add(embeddings.person());
            rows.add(index.add(owner, people.get(owner)));
        }
        for (int owner = 0; owner < 6000; owner += 2) {
            index.remove(rows.get(owner));
        }
        float[][] probes = {people.get(10), people.get(11)};
        List<List<OwnerHit>> before = index.search(probes, 3);
        assertThat(before.get(0)).extracting(OwnerHit::owner).doesNotContain(10);
        assertThat(before.get(1).get(0).owner()).isEqualTo(11);

        int[] remap = index.compactIfWorthIt();

        assertThat(remap).isNotNull();
        assertThat(remap[rows.get(10)]).isEqualTo(-1);
        assertThat(index.liveRows()).isEqualTo(3000);
        List<List<OwnerHit>> after = index.search(probes, 3);
        for (int q = 0; q < probes.length; q++) {
            assertThat(after.get(q))
                    .extracting(OwnerHit::owner)
                    .containsExactlyElementsOf(
                            before.get(q).stream().map(OwnerHit::owner).toList());
        }
    }

    @Test
    void hnswFindsWhatExactSearchFindsForNearbyProbesAndSkipsRemovedRows() {
        SyntheticEmbeddings embeddings = new SyntheticEmbeddings(5, DIMENSION);
        VectorIndex index =
                new VectorIndex(DIMENSION, SearchSettings.exactOnly(2).withApproximateAboveRows(1000), POOL);
        List<float[]> people = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int owner = 0; owner < 3000; owner++) {
            people.add(embeddings.person());
            rows.add(index.add(owner, people.get(owner)));
        }
        index.refreshApproximateIndex();
        assertThat(index.approximate()).isTrue();
        // Rows added after the graph was built are found by the exact scan of the tail.
        for (int owner = 3000; owner < 3100; owner++) {
            people.add(embeddings.person());
            rows.add(index.add(owner, people.get(owner)));
        }
        index.remove(rows.get(7));

        int agreements = 0;
        int probes = 300;
        for (int i = 0; i < probes; i++) {
            int owner = i * 10 + 3;
            float[][] probe = {embeddings.view(people.get(owner), 0.7)};
            OwnerHit approximate = index.search(probe, 1).get(0).get(0);
            OwnerHit exact = index.searchExact(probe, 1).get(0).get(0);
            agreements += approximate.owner() == exact.owner() ? 1 : 0;
        }
        assertThat(agreements / (double) probes).isGreaterThanOrEqualTo(0.95);
        assertThat(index.search(new float[][] {people.get(7)}, 5).get(0))
                .extracting(OwnerHit::owner)
                .doesNotContain(7);
        assertThat(index.search(new float[][] {people.get(3050)}, 1)
                        .get(0)
                        .get(0)
                        .owner())
                .isEqualTo(3050);
    }

    @Test
    void aWrittenGraphReadsBackOverTheSameRowsOnlyAndAnswersAsTheBuiltOne(@TempDir Path dir) throws Exception {
        SearchSettings approximate = new SearchSettings(2, Integer.MAX_VALUE, 1, 16, 100, 40, 0.25);
        SyntheticEmbeddings embeddings = new SyntheticEmbeddings(5, DIMENSION);
        VectorIndex built = new VectorIndex(DIMENSION, approximate, POOL);
        VectorIndex copy = new VectorIndex(DIMENSION, approximate, POOL);
        VectorIndex other = new VectorIndex(DIMENSION, approximate, POOL);
        for (int owner = 0; owner < 1500; owner++) {
            float[] person = embeddings.person();
            built.add(owner, person);
            copy.add(owner, person);
            other.add(owner, embeddings.person());
        }
        built.refreshApproximateIndex();
        Path file = dir.resolve("graph.hnsw");

        built.writeApproximateIndex(file);

        assertThat(copy.readApproximateIndex(file)).isTrue();
        assertThat(copy.approximate()).isTrue();
        float[][] probes = {embeddings.person(), embeddings.person(), embeddings.person()};
        assertThat(copy.search(probes, 5)).isEqualTo(built.search(probes, 5));
        assertThat(other.readApproximateIndex(file)).isFalse();
        assertThat(other.approximate()).isFalse();
        // The graph read back grows like a built one.
        float[] newcomer = embeddings.person();
        copy.add(1500, newcomer);
        copy.extendApproximateIndex();
        assertThat(copy.search(new float[][] {newcomer}, 1).get(0).get(0).owner())
                .isEqualTo(1500);
    }
}
