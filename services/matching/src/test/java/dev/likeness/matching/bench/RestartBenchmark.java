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
 * identities, with a graph if N is at most {@code --graph-up-to}) and answer a first search, in a fresh JVM as a restarted replica would; so that the half hour of
 * building a million-row graph need not be repeated to time its restore on a quiet machine.
 *
 * <p>{@code --service N}: the same snapshot restored by the matching service itself, as a restarted replica on
 * Kubernetes would: the service's {@code quarkus-run.jar} (built by {@code make bench-restart}) started against a
 * broker whose gallery topic continues past the snapshot with {@code --catch-up K} (default 1,000) newly enrolled
 * identities, timed from the process's start until {@code /q/health/ready} answers 200 (Quarkus's start, the
 * restore, the catch-up), then checked: the replica holds N + K identities. {@code --service-heap} (default 6g):
 * the service's heap; a million 512-d identities take about 2.3 GB.
 */
public final class RestartBenchmark {

    /** The synthetic identities' model; ServiceRestart enrols its catch-up identities in it too. */
    static final int DIMENSION = 512;

    static final ModelKey MODEL = new ModelKey("synthetic", "512");
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
        if (options.containsKey("--service")) {
            int size = Integer.parseInt(options.get("--service"));
            int catchUp = Integer.parseInt(options.getOrDefault("--catch-up", "1000"));
            ServiceRestart.run(size, catchUp, dir, options.getOrDefault("--service-heap", "6g"));
            return;
        }
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
            int size = Integer.parseInt(options.get("--restore-only"));
            restoreOnly(size, size <= graphUpTo, threads, dir);
            return;
        }
        for (int size : sizes) {
            run(size, size <= graphUpTo, threads, dir);
        }
    }

    private static void run(int size, boolean graph, int threads, Path dir) throws IOException {
        SearchSettings settings = settings(threads, graph);
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
        Restored restored = restore(settings, pool, snapshots, probes);
        System.out.printf(
                Locale.ROOT,
                "| %,d | %s | %.1f (%.1f) | %s | %.1f | %,d | %.1f (%.1f) | %.1f | %s |%n",
                size,
                restored.galleries().stats().approximate() ? "yes" : "no",
                applySeconds,
                applyCpuSeconds,
                graph ? String.format(Locale.ROOT, "%.1f", buildSeconds) : "-",
                writeSeconds,
                bytes >> 20,
                restored.seconds(),
                restored.cpuSeconds(),
                restored.firstSearchMillis(),
                restored.answers().equals(expected) ? "yes" : "NO");
        pool.shutdownNow();
    }

    private static void restoreOnly(int size, boolean graph, int threads, Path dir) throws IOException {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            SyntheticEmbeddings embeddings = new SyntheticEmbeddings(size, DIMENSION, 32, 0.7);
            float[][] probes = {embeddings.person(), embeddings.person(), embeddings.person()};
            Restored restored =
                    restore(settings(threads, graph), pool, new GallerySnapshots(dir, Duration.ofDays(1)), probes);
            if (restored.galleries().size() != size) {
                throw new IllegalStateException(
                        "the snapshot holds " + restored.galleries().size() + " identities, not " + size);
            }
            System.out.printf(
                    Locale.ROOT,
                    "| %,d | %s | - | - | - | %,d | %.1f (%.1f) | %.1f | - |%n",
                    size,
                    restored.galleries().stats().approximate() ? "yes" : "no",
                    Files.size(dir.resolve(TOPIC + ".snapshot")) >> 20,
                    restored.seconds(),
                    restored.cpuSeconds(),
                    restored.firstSearchMillis());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A restored gallery, how long the restore took (wall, and the one thread's CPU) and its first answers. */
    private record Restored(
            TenantGalleries galleries, double seconds, double cpuSeconds, String answers, double firstSearchMillis) {}

    private static Restored restore(
            SearchSettings settings, ForkJoinPool pool, GallerySnapshots snapshots, float[][] probes)
            throws IOException {
        TenantGalleries restored = new TenantGalleries(settings, pool);
        long start = System.nanoTime();
        long startCpu = THREADS.getCurrentThreadCpuTime();
        if (snapshots.restore(TOPIC, restored).isEmpty()) {
            throw new IllegalStateException("no snapshot to restore");
        }
        double seconds = seconds(start);
        double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - startCpu) / 1e9;
        start = System.nanoTime();
        String answers = answers(restored.of(Tenants.DEFAULT), probes);
        return new Restored(restored, seconds, cpuSeconds, answers, seconds(start) * 1000);
    }

    /** A graph from one row on, or none at all (an exact scan), as {@code --graph-up-to} chooses per size. */
    private static SearchSettings settings(int threads, boolean graph) {
        return new SearchSettings(threads, 32_768, graph ? 1 : Integer.MAX_VALUE, 16, 100, 100, 0.25);
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
