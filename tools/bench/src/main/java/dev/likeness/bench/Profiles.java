package dev.likeness.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import one.profiler.AsyncProfiler;

/**
 * CPU-time profiles of some work (async-profiler, {@code itimer}: the process's CPU-time timer; each time the
 * process has used another 10 ms of CPU, the thread running at that kernel tick is sampled), summarised by
 * the frames on top of the stacks.
 * <p>
 * CPU time rather than wall-clock samples, because under contention (four processes on 2 cores) JFR's
 * execution sampler also catches Java threads that the kernel has preempted; and because ONNX Runtime's own
 * intra-op threads are native, so JFR never sees them. async-profiler's per-thread modes ({@code cpu},
 * {@code ctimer}) miss them too (tried: no sample of those threads), as they are created by native code.
 */
public final class Profiles {

    /** Process CPU time per sample. */
    static final String INTERVAL = "10ms";
    /** The async-profiler version on the class path (the library is copied out under this name). */
    private static final String VERSION = "4.1";

    private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(60);
    private static final String START = "start,event=itimer,interval=" + INTERVAL;

    private Profiles() {}

    /**
     * Samples by what the CPU was doing: running Java code (by method), native or JVM code called from Java
     * (ONNX Runtime, libjpeg, but also allocation and VM stubs: by the calling Java method), or threads with no
     * Java frame at all (ONNX Runtime's intra-op pool, the JIT compilers, the garbage collector).
     */
    public record Summary(
            int samples,
            Map<String, Integer> javaTop,
            Map<String, Integer> nativeTop,
            Map<String, Integer> withoutJava) {

        /** The {@code limit} most sampled frames of each kind as a markdown table. */
        public String markdown(int limit) {
            StringBuilder md = new StringBuilder("| samples | share of CPU | what |\n|---|---|---|\n");
            append(md, "running Java: ", javaTop, limit, true);
            append(md, "in native or JVM code, called from: ", nativeTop, limit, true);
            append(md, "no Java frame: ", withoutJava, limit, false);
            return md.toString();
        }

        /** The {@code limit} most sampled rows of any kind, one line: "42% `a.B.c` (Java), ...". */
        public String headline(int limit) {
            Map<String, Integer> all = new HashMap<>();
            javaTop.forEach((frame, n) -> all.put("`" + frame + "` (Java)", n));
            nativeTop.forEach((frame, n) -> all.merge("`" + frame + "` (native)", n, Integer::sum));
            withoutJava.forEach(all::put);
            StringBuilder line = new StringBuilder();
            all.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(limit)
                    .forEach(e -> line.append(line.length() == 0 ? "" : ", ")
                            .append(String.format(
                                    Locale.ROOT, "%.0f%% %s", 100.0 * e.getValue() / samples, e.getKey())));
            return line.toString();
        }

        private void append(StringBuilder md, String kind, Map<String, Integer> top, int limit, boolean code) {
            top.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(limit)
                    .forEach(e -> md.append(String.format(
                            Locale.ROOT,
                            "| %d | %.1f%% | %s%s |%n",
                            e.getValue(),
                            100.0 * e.getValue() / samples,
                            kind,
                            code ? "`" + e.getKey() + "`" : e.getKey())));
        }
    }

    /** Runs {@code work} in this JVM under the profiler, writes the stacks to {@code file} and summarises them. */
    public static Summary record(Path file, Measurement.Body work) throws Exception {
        AsyncProfiler profiler = AsyncProfiler.getInstance(
                library(file.toAbsolutePath().getParent()).toString());
        profiler.execute(START);
        try {
            work.run();
        } finally {
            profiler.execute(stop(file));
        }
        return summarise(file);
    }

    /**
     * Starts the profiler in another JVM (e.g. a service under load), loading it as an agent through jcmd, with
     * its library copied into {@code dir}; {@link #stopIn} with the same {@code dir} stops it.
     */
    public static void startIn(long pid, Path dir) throws IOException, InterruptedException {
        jcmd(pid, "JVMTI.agent_load", quoted(library(dir).toString()), quoted(START));
    }

    /** Stops what {@link #startIn} started, writes the stacks to {@code file} and summarises them. */
    public static Summary stopIn(long pid, Path dir, Path file) throws IOException, InterruptedException {
        // The same library file: the JVM hands the options to the agent it already loaded from that path.
        jcmd(pid, "JVMTI.agent_load", quoted(library(dir).toString()), quoted(stop(file)));
        return summarise(file);
    }

    /**
     * Unquoted, jcmd's parser would take the first '=' of the options for a named argument and hand the agent a
     * broken string, and a space in a path would split it.
     */
    private static String quoted(String argument) {
        return '"' + argument + '"';
    }

    private static String stop(Path file) {
        return "stop,collapsed,ann,file=" + file.toAbsolutePath();
    }

    /** The profiler's native library for this machine, copied out of its jar into {@code dir}. */
    static Path library(Path dir) throws IOException {
        Optional<String> unavailable = unavailableHere();
        if (unavailable.isPresent()) {
            throw new IOException(unavailable.get());
        }
        String platform = System.getProperty("os.arch").equals("aarch64") ? "linux-arm64" : "linux-x64";
        // Named by version: var/bench outlives upgrades, and a library is never replaced once a JVM may have loaded it.
        Path library = dir.resolve("libasyncProfiler-" + VERSION + ".so");
        try (InputStream in = AsyncProfiler.class.getResourceAsStream("/" + platform + "/libasyncProfiler.so")) {
            if (in == null) {
                throw new IOException("the async-profiler jar on the class path has no " + platform + " library");
            }
            Files.createDirectories(dir);
            if (!Files.exists(library)) {
                Path partial = Files.createTempFile(dir, "libasyncProfiler", ".part");
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return library;
    }

    /** Why this machine gets no CPU-time profiles, if it gets none: the agent libraries are Linux x64/arm64 only. */
    public static Optional<String> unavailableHere() {
        if (!System.getProperty("os.name").equals("Linux")) {
            return Optional.of("the CPU-time profiles need Linux; this is " + System.getProperty("os.name"));
        }
        if (!List.of("amd64", "x86_64", "aarch64").contains(System.getProperty("os.arch"))) {
            return Optional.of("async-profiler has no Linux library for " + System.getProperty("os.arch"));
        }
        return Optional.empty();
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        if (!jcmd.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
            throw new IOException("jcmd " + String.join(" ", command) + " got no answer from process " + pid
                    + " within " + JCMD_TIMEOUT.toSeconds() + " s");
        }
        String out = new String(jcmd.getInputStream().readAllBytes());
        // jcmd exits 0 even when the library does not load or the agent refuses its options: only the agent's
        // "return code: 0" says it did what was asked.
        if (jcmd.exitValue() != 0 || !out.contains("return code: 0")) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out.strip()
                    + " (the agent's own message is on the standard error of process " + pid + ")");
        }
    }

    /** Reads async-profiler's collapsed stacks ({@code root;...;leaf count}, frames annotated with {@code ann}). */
    public static Summary summarise(Path collapsed) throws IOException {
        Map<String, Integer> javaTop = new HashMap<>();
        Map<String, Integer> nativeTop = new HashMap<>();
        Map<String, Integer> withoutJava = new HashMap<>();
        int samples = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            int count = Integer.parseInt(line.substring(space + 1).trim());
            String[] frames = line.substring(0, space).split(";");
            samples += count;
            int java = frames.length - 1;
            while (java >= 0 && !isJava(frames[java])) {
                java--;
            }
            if (java < 0) {
                withoutJava.merge(threadKind(line), count, Integer::sum);
            } else {
                (java == frames.length - 1 ? javaTop : nativeTop).merge(javaName(frames[java]), count, Integer::sum);
            }
        }
        return new Summary(samples, javaTop, nativeTop, withoutJava);
    }

    /** {@code ann} marks Java frames: {@code _[j]} JIT-compiled, {@code _[0]} inlined, {@code _[1]} C1, {@code _[i]} interpreted. */
    private static boolean isJava(String frame) {
        return frame.endsWith("_[j]") || frame.endsWith("_[0]") || frame.endsWith("_[1]") || frame.endsWith("_[i]");
    }

    private static String javaName(String frame) {
        return frame.substring(0, frame.length() - "_[j]".length()).replace('/', '.');
    }

    private static String threadKind(String stack) {
        if (stack.contains("libonnxruntime")) {
            return "ONNX Runtime's own threads";
        }
        if (stack.contains("CompileBroker::")) {
            return "JIT compilers";
        }
        if (stack.contains("GangWorker")
                || stack.contains("WorkerThread")
                || stack.contains("GCThread")
                || stack.contains("G1")) {
            return "garbage collector";
        }
        return "other JVM and native threads";
    }
}
