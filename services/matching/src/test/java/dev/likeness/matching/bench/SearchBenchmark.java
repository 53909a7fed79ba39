package dev.likeness.matching.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Identity;
import dev.likeness.matching.SyntheticEmbeddings;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.gallery.IdentityUpdates;
import dev.likeness.matching.search.OwnerHit;
import dev.likeness.matching.search.SearchSettings;
import dev.likeness.matching.search.VectorIndex;

/**
 * 1:K search over synthetic 512-d galleries: heap per identity of the whole gallery (records applied as the
 * follower applies them), latency (p50/p99) of exact search and of the HNSW graph at several ef, and
 * recall@1 of HNSW against exact search. Not part of the test suite: see docs/matching.md for the command.
 *
 * <p>Options: {@code --sizes 10000,100000} {@code --data face-like|isotropic} {@code --queries 1000}
 * {@code --k 5} {@code --threads N} {@code --m 16} {@code --beam 100} {@code --ef 50,100,200}; {@code --queries}
 * may list one count per size. {@code --graph-cache DIR} keeps each HNSW graph in DIR once built and reads it
 * back on later runs over the same vectors (the build time reported is then the one measured when it was
 * built). {@code --build-up-to N} builds graphs only up to N identities: above it, a graph is used only if the
 * cache has it (a million-row build takes about half an hour on 2 cores). {@code --csv FILE} also writes the
 * table as CSV, for the report of {@code make bench}.
 */
public final class SearchBenchmark {

    private static final int DIMENSION = 512;
    private static final ModelKey MODEL = new ModelKey("synthetic", "512");
    /** Cosine of a probe to its enrolled face: distance ~1.0, like real same-person pairs. */
    private static final double PROBE_SIMILARITY = 0.5;

    private static final int WARM_UP = 200;

    private SearchBenchmark() {}

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        int[] sizes = ints(options.getOrDefault("--sizes", "10000,100000"));
        int[] efs = ints(options.getOrDefault("--ef", "50,100,200"));
        String data = options.getOrDefault("--data", "face-like");
        int[] queries = ints(options.getOrDefault("--queries", "1000"));
        Path graphCache = options.containsKey("--graph-cache") ? Path.of(options.get("--graph-cache")) : null;
        Path csv = options.containsKey("--csv") ? Path.of(options.get("--csv")) : null;
        int buildUpTo = Integer.parseInt(options.getOrDefault("--build-up-to", String.valueOf(Integer.MAX_VALUE)));
        int k = Integer.parseInt(options.getOrDefault("--k", "5"));
        int threads = Integer.parseInt(options.getOrDefault(
                "--threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
        SearchSettings settings = new SearchSettings(
                threads,
                32_768,
                1,
                Integer.parseInt(options.getOrDefault("--m", "16")),
                Integer.parseInt(options.getOrDefault("--beam", "100")),
                efs[0],
                0.25);

        System.out.printf(
                Locale.ROOT,
                "Java %s, %d cores, %d search threads, max heap %d MiB; %s data; "
                        + "HNSW M=%d beamWidth=%d; k=%d; %s probes per size%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                threads,
                Runtime.getRuntime().maxMemory() >> 20,
                data,
                settings.hnswMaxConnections(),
                settings.hnswBeamWidth(),
                k,
                Arrays.toString(queries));
        System.out.println(
                "| identities | gallery heap MiB | bytes/identity | exact p50 ms | exact p99 ms "
                        + "| HNSW build s | graph MiB | ef | HNSW p50 ms | HNSW p99 ms | recall@1 enrolled | recall@1 strangers |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        StringBuilder rows = new StringBuilder(
                "identities,gallery_heap_bytes,exact_p50_ms,exact_p99_ms,"
                        + "hnsw_build_s,graph_cached,graph_bytes,ef,hnsw_p50_ms,hnsw_p99_ms,recall1_enrolled,recall1_strangers\n");
        for (int s = 0; s < sizes.length; s++) {
            rows.append(run(
                    sizes[s],
                    data,
                    queries[Math.min(s, queries.length - 1)],
                    k,
                    efs,
                    settings,
                    graphCache,
                    sizes[s] <= buildUpTo));
            if (csv != null) {
                write(csv, rows.toString());
            }
        }
    }

    private static String run(
            int size,
            String data,
            int queries,
            int k,
            int[] efs,
            SearchSettings settings,
            Path graphCache,
            boolean build) {
        ForkJoinPool pool = new ForkJoinPool(settings.threads());
        long galleryHeap = galleryHeap(size, data, settings, pool);

        // The same vectors in a bare index: the search structures on their own. Exact first, then the graph.
        SyntheticEmbeddings embeddings = embeddings(size, data);
        VectorIndex index = new VectorIndex(DIMENSION, settings.withApproximateAboveRows(1), pool);
        int[] probeOwners = new SplittableRandom(7).ints(queries, 0, size).toArray();
        Map<Integer, float[]> probeFaces = new HashMap<>();
        for (int owner : probeOwners) {
            probeFaces.put(owner, null);
        }
        for (int owner = 0; owner < size; owner++) {
            float[] face = embeddings.person();
            if (probeFaces.containsKey(owner)) {
                probeFaces.put(owner, face);
            }
            index.add(owner, face);
        }
        float[][] known = new float[queries][];
        float[][] strangers = new float[queries][];
        for (int q = 0; q < queries; q++) {
            known[q] = embeddings.view(probeFaces.get(probeOwners[q]), PROBE_SIMILARITY);
            strangers[q] = embeddings.person();
        }
        int[] exactKnown = new int[queries];
        int[] exactStrangers = new int[queries];
        double[] exact = latencies((probe) -> index.searchExact(probe, k), known, exactKnown);
        latencies((probe) -> index.searchExact(probe, k), strangers, exactStrangers);

        long vectorsOnly = index.bytes();
        Path cached = graphCache == null
                ? null
                : graphCache.resolve(String.format(
                        Locale.ROOT,
                        "%s-%d-m%d-b%d.hnsw",
                        data,
                        size,
                        settings.hnswMaxConnections(),
                        settings.hnswBeamWidth()));
        Path cachedBuildTime = cached == null ? null : cached.resolveSibling(cached.getFileName() + ".build-seconds");
        double buildSeconds;
        boolean fromCache = cached != null && readGraph(index, cached, cachedBuildTime);
        if (fromCache) {
            buildSeconds = Double.parseDouble(read(cachedBuildTime).strip());
        } else if (!build) {
            System.out.printf(
                    Locale.ROOT,
                    "| %,d | %,d | %,d | %.2f | %.2f | not built (above --build-up-to, not cached) |%n",
                    size,
                    galleryHeap >> 20,
                    galleryHeap / size,
                    percentile(exact, 50),
                    percentile(exact, 99));
            pool.shutdownNow();
            return String.format(
                    Locale.ROOT,
                    "%d,%d,%.4f,%.4f,NaN,false,0,0,NaN,NaN,NaN,NaN%n",
                    size,
                    galleryHeap,
                    percentile(exact, 50),
                    percentile(exact, 99));
        } else {
            long buildStart = System.nanoTime();
            index.refreshApproximateIndex();
            buildSeconds = (System.nanoTime() - buildStart) / 1e9;
            if (cached != null) {
                try {
                    Files.createDirectories(graphCache);
                    index.writeApproximateIndex(cached);
                    write(cachedBuildTime, String.format(Locale.ROOT, "%.1f%n", buildSeconds));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        long graphBytes = index.bytes() - vectorsOnly;
        StringBuilder csv = new StringBuilder();

        for (int ef : efs) {
            int[] hnswKnown = new int[queries];
            int[] hnswStrangers = new int[queries];
            double[] hnsw = latencies((probe) -> index.search(probe, k, ef), known, hnswKnown);
            latencies((probe) -> index.search(probe, k, ef), strangers, hnswStrangers);
            System.out.printf(
                    Locale.ROOT,
                    "| %,d | %,d | %,d | %.2f | %.2f | %.1f | %,d | %d | %.3f | %.3f | %.4f | %.4f |%n",
                    size,
                    galleryHeap >> 20,
                    galleryHeap / size,
                    percentile(exact, 50),
                    percentile(exact, 99),
                    buildSeconds,
                    graphBytes >> 20,
                    ef,
                    percentile(hnsw, 50),
                    percentile(hnsw, 99),
                    agreement(exactKnown, hnswKnown),
                    agreement(exactStrangers, hnswStrangers));
            csv.append(String.format(
                    Locale.ROOT,
                    "%d,%d,%.4f,%.4f,%.1f,%b,%d,%d,%.4f,%.4f,%.4f,%.4f%n",
                    size,
                    galleryHeap,
                    percentile(exact, 50),
                    percentile(exact, 99),
                    buildSeconds,
                    fromCache,
                    graphBytes,
                    ef,
                    percentile(hnsw, 50),
                    percentile(hnsw, 99),
                    agreement(exactKnown, hnswKnown),
                    agreement(exactStrangers, hnswStrangers)));
        }
        pool.shutdownNow();
        return csv.toString();
    }

    private static boolean readGraph(VectorIndex index, Path cached, Path buildTime) {
        if (!Files.exists(cached) || !Files.exists(buildTime)) {
            return false;
        }
        try {
            boolean read = index.readApproximateIndex(cached);
            System.out.println((read ? "Read the HNSW graph from " : "Stale HNSW graph, building anew: ") + cached);
            return read;
        } catch (IOException e) {
            System.out.println("Unreadable HNSW graph, building anew: " + cached + ": " + e);
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Heap the gallery takes for {@code size} one-embedding identities, applied as gallery records. */
    private static long galleryHeap(int size, String data, SearchSettings settings, ForkJoinPool pool) {
        long before = usedHeap();
        SyntheticEmbeddings embeddings = embeddings(size, data);
        Gallery gallery = new Gallery(settings.withApproximateAboveRows(Integer.MAX_VALUE), pool);
        Instant now = Instant.now();
        for (int i = 0; i < size; i++) {
            Identity record = IdentityUpdates.enrol(
                    null, "identity-" + i, "Person " + i, MODEL, embeddings.person(), "request-" + i, now, 5);
            gallery.apply(record.getIdentityId(), record);
        }
        long heap = usedHeap() - before;
        if (gallery.size() != size) {
            throw new IllegalStateException("gallery lost identities");
        }
        return heap;
    }

    private static SyntheticEmbeddings embeddings(int size, String data) {
        return switch (data) {
            case "isotropic" -> new SyntheticEmbeddings(size, DIMENSION);
            case "face-like" -> new SyntheticEmbeddings(size, DIMENSION, 32, 0.7);
            default -> throw new IllegalArgumentException("--data face-like or isotropic");
        };
    }

    private interface Search {
        List<List<OwnerHit>> search(float[][] probe);
    }

    /** Milliseconds per probe (one face per call, as a request with one face); best owner recorded. */
    private static double[] latencies(Search search, float[][] probes, int[] best) {
        for (int i = 0; i < Math.min(WARM_UP, probes.length / 5); i++) {
            search.search(new float[][] {probes[i]});
        }
        double[] millis = new double[probes.length];
        for (int i = 0; i < probes.length; i++) {
            long start = System.nanoTime();
            List<OwnerHit> hits = search.search(new float[][] {probes[i]}).get(0);
            millis[i] = (System.nanoTime() - start) / 1e6;
            best[i] = hits.isEmpty() ? -1 : hits.get(0).owner();
        }
        return millis;
    }

    private static double agreement(int[] exact, int[] approximate) {
        int same = 0;
        for (int i = 0; i < exact.length; i++) {
            same += exact[i] == approximate[i] ? 1 : 0;
        }
        return (double) same / exact.length;
    }

    private static double percentile(double[] values, int percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
