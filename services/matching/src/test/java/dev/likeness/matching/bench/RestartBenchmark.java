package dev.likeness.matching.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.events.Tenants;
import dev.likeness.core.kafka.Topics;
import dev.likeness.events.v1.Identity;
import dev.likeness.matching.SyntheticEmbeddings;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.gallery.GallerySnapshots;
import dev.likeness.matching.gallery.IdentityUpdates;
import dev.likeness.matching.gallery.TenantGalleries;
import dev.likeness.matching.search.SearchSettings;

/**
 * Cold start of a matching replica's gallery, in-process: what a replica does without a snapshot (parse and
 * apply every gallery record, then build the HNSW graph) against what it does with one (restore the
 * snapshot written by {@link GallerySnapshots}, then answer a first search). Synthetic face-like 512-d
 * identities, one embedding each. Not part of the test suite; see docs/benchmarks.md for the command.
 *
 * <p>Options: {@code --sizes 100000,1000000}; {@code --graph-up-to N}: galleries up to N identities get an
 * HNSW graph (from 1 row on), larger ones none (building a million-row graph takes about half an hour on
 * 2 cores); {@code --dir DIR} where the snapshots go (default var/bench/snapshots). Applying the records
 * and restoring run on one thread: its CPU time is shown next to the wall time.
 *
 * <p>{@code --restore-only N}: only restore the snapshot an earlier run left in {@code --dir} (it must hold N
 * identities) and answer a first search, in a fresh JVM as a restarted replica would; so that the half hour of
 * building a million-row graph need not be repeated to time its restore on a quiet machine.
 */
public final class RestartBenchmark {

    private static final int DIMENSION = 512;
    private static final ModelKey MODEL = new ModelKey("synthetic", "512");
    private static final String TOPIC = Topics.GALLERY;
    /** Wall times on a shared machine move with its load; the CPU time of the one thread that works less. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RestartBenchmark() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        int[] sizes = Arrays.stream(
                        options.getOrDefault("--sizes", "10000,100000").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int graphUpTo = Integer.parseInt(options.getOrDefault("--graph-up-to", String.valueOf(Integer.MAX_VALUE)));
        Path dir = Path.of(options.getOrDefault("--dir", "var/bench/snapshots"));
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                Locale.ROOT,
                "Java %s, %d cores, max heap %d MiB; HNSW M=16 beamWidth=100%n",
                Runtime.version(),
                threads,
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("| identities | HNSW graph | parse + apply records s (CPU s) | graph build s "
                + "| snapshot write s | snapshot MiB | restore s (CPU s) | first search ms | restored == written |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        if (options.containsKey("--restore-only")) {
            restoreOnly(Integer.parseInt(options.get("--restore-only")), threads, dir);
            return;
        }
        for (int size : sizes) {
            run(size, size <= graphUpTo, threads, dir);
        }
    }

    private static void run(int size, boolean graph, int threads, Path dir) throws IOException {
        SearchSettings settings =
                new SearchSettings(threads, 32_768, graph ? 1 : Integer.MAX_VALUE, 16, 100, 100, 0.25);
        ForkJoinPool pool = new ForkJoinPool(threads);
        SyntheticEmbeddings embeddings = new SyntheticEmbeddings(size, DIMENSION, 32, 0.7);
        float[][] probes = {embeddings.person(), embeddings.person(), embeddings.person()};
        Instant now = Instant.now();

        // As the follower without a snapshot: every record parsed from its bytes and applied, then the graph.
        TenantGalleries written = new TenantGalleries(settings, pool);
        long start = System.nanoTime();
        long startCpu = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < size; i++) {
            byte[] record = IdentityUpdates.enrol(
                            null, "identity-" + i, "Person " + i, MODEL, embeddings.person(), "request-" + i, now, 5)
                    .toByteArray();
            written.apply("identity-" + i, parse(record));
        }
        double applySeconds = seconds(start);
        double applyCpuSeconds = (THREADS.getCurrentThreadCpuTime() - startCpu) / 1e9;
        start = System.nanoTime();
        written.refreshIndexes();
        double buildSeconds = seconds(start);

        GallerySnapshots snapshots = new GallerySnapshots(dir, Duration.ofDays(1));
        start = System.nanoTime();
        snapshots.write(TOPIC, written, Map.of(0, (long) size));
        double writeSeconds = seconds(start);
        long bytes = Files.size(dir.resolve(TOPIC + ".snapshot"));
        String expected = answers(written.of(Tenants.DEFAULT), probes);
        written = null;
        System.gc();

        // As a restarted replica: the snapshot restored, then its first answer.
        TenantGalleries restored = new TenantGalleries(settings, pool);
        start = System.nanoTime();
        startCpu = THREADS.getCurrentThreadCpuTime();
        if (snapshots.restore(TOPIC, restored).isEmpty()) {
            throw new IllegalStateException("the snapshot just written was not restored");
        }
        double restoreSeconds = seconds(start);
        double restoreCpuSeconds = (THREADS.getCurrentThreadCpuTime() - startCpu) / 1e9;
        start = System.nanoTime();
        String answers = answers(restored.of(Tenants.DEFAULT), probes);
        double firstSearchMillis = seconds(start) * 1000;
        System.out.printf(
                Locale.ROOT,
                "| %,d | %s | %.1f (%.1f) | %s | %.1f | %,d | %.1f (%.1f) | %.1f | %s |%n",
                size,
                restored.stats().approximate() ? "yes" : "no",
                applySeconds,
                applyCpuSeconds,
                graph ? String.format(Locale.ROOT, "%.1f", buildSeconds) : "-",
                writeSeconds,
                bytes >> 20,
                restoreSeconds,
                restoreCpuSeconds,
                firstSearchMillis,
                answers.equals(expected) ? "yes" : "NO");
        pool.shutdownNow();
    }

    private static void restoreOnly(int size, int threads, Path dir) throws IOException {
        ForkJoinPool pool = new ForkJoinPool(threads);
        SyntheticEmbeddings embeddings = new SyntheticEmbeddings(size, DIMENSION, 32, 0.7);
        float[][] probes = {embeddings.person(), embeddings.person(), embeddings.person()};
        TenantGalleries restored =
                new TenantGalleries(new SearchSettings(threads, 32_768, 1, 16, 100, 100, 0.25), pool);
        long start = System.nanoTime();
        long startCpu = THREADS.getCurrentThreadCpuTime();
        if (new GallerySnapshots(dir, Duration.ofDays(1))
                .restore(TOPIC, restored)
                .isEmpty()) {
            throw new IllegalStateException("no snapshot to restore in " + dir);
        }
        double restoreSeconds = seconds(start);
        double restoreCpuSeconds = (THREADS.getCurrentThreadCpuTime() - startCpu) / 1e9;
        if (restored.size() != size) {
            throw new IllegalStateException("the snapshot holds " + restored.size() + " identities, not " + size);
        }
        start = System.nanoTime();
        answers(restored.of(Tenants.DEFAULT), probes);
        double firstSearchMillis = seconds(start) * 1000;
        System.out.printf(
                Locale.ROOT,
                "| %,d | %s | - | - | - | %,d | %.1f (%.1f) | %.1f | - |%n",
                size,
                restored.stats().approximate() ? "yes" : "no",
                Files.size(dir.resolve(TOPIC + ".snapshot")) >> 20,
                restoreSeconds,
                restoreCpuSeconds,
                firstSearchMillis);
        pool.shutdownNow();
    }

    private static Identity parse(byte[] record) {
        try {
            return Identity.parseFrom(record);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String answers(Gallery gallery, float[][] probes) {
        StringBuilder answers = new StringBuilder();
        gallery.identify(MODEL, probes, 5)
                .forEach(matches -> matches.forEach(match -> answers.append(match.identityId())
                        .append(':')
                        .append(match.distance())
                        .append(' ')));
        return answers.toString();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
