package dev.likeness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** A JFR recording of some work, summarised as the methods on top of the sampled stacks. */
public final class Profiles {

    /** Native frames where a thread waits rather than works: left out of the summary. */
    private static final Set<String> WAITING = Set.of("jdk.internal.misc.Unsafe.park", "java.lang.Object.wait",
            "java.lang.Thread.sleep", "sun.nio.ch.EPoll.wait", "sun.nio.ch.Net.poll", "sun.nio.ch.Net.accept",
            "sun.nio.ch.SocketDispatcher.read0", "sun.nio.ch.FileDispatcherImpl.read0", "java.io.FileInputStream.readBytes",
            "java.lang.ProcessHandleImpl.waitForProcessExit0", "java.net.PlainSocketImpl.socketAccept",
            "sun.nio.ch.IOUtil.drain", "sun.nio.ch.Net.connect0");

    private Profiles() {
    }

    /**
     * Samples per top frame: Java code running, and native code (JNI: ONNX Runtime, libjpeg) by its Java caller;
     * threads waiting in native code (parked, sleeping, polling sockets) are left out.
     */
    public record Summary(int samples, Map<String, Integer> javaTop, Map<String, Integer> nativeTop) {

        /** The {@code limit} most sampled frames of each kind as a markdown table. */
        public String markdown(int limit) {
            StringBuilder md = new StringBuilder("| samples | share | top frame |\n|---|---|---|\n");
            append(md, "running Java: ", javaTop, limit);
            append(md, "in native code, called from: ", nativeTop, limit);
            return md.toString();
        }

        /** The {@code limit} most sampled frames of either kind, one line: "42% running Java: a.B.c, ...". */
        public String headline(int limit) {
            Map<String, Integer> all = new HashMap<>();
            javaTop.forEach((frame, n) -> all.put("`" + frame + "` (Java)", n));
            nativeTop.forEach((frame, n) -> all.merge("`" + frame + "` (native)", n, Integer::sum));
            StringBuilder line = new StringBuilder();
            all.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                    .forEach(e -> line.append(line.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                            "%.0f%% %s", 100.0 * e.getValue() / samples, e.getKey())));
            return line.toString();
        }

        private void append(StringBuilder md, String kind, Map<String, Integer> top, int limit) {
            top.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                    .forEach(e -> md.append(String.format(Locale.ROOT, "| %d | %.1f%% | %s`%s` |%n", e.getValue(),
                            100.0 * e.getValue() / samples, kind, e.getKey())));
        }
    }

    /** Runs {@code work} under a JFR recording written to {@code file}, then summarises the samples. */
    public static Summary record(Path file, Measurement.Body work) throws Exception {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            work.run();
            recording.stop();
            recording.dump(file);
        }
        return summarise(file);
    }

    /** Starts a JFR recording ("profile" settings) in another JVM, e.g. a service under load. */
    public static void startIn(long pid) throws IOException, InterruptedException {
        jcmd(pid, "JFR.start", "name=bench", "settings=profile");
    }

    /** Stops the recording {@link #startIn} started, writes it to {@code file} and summarises it. */
    public static Summary stopIn(long pid, Path file) throws IOException, InterruptedException {
        jcmd(pid, "JFR.stop", "name=bench", "filename=" + file.toAbsolutePath());
        return summarise(file);
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        if (jcmd.waitFor() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out);
        }
    }

    public static Summary summarise(Path file) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Map<String, Integer> javaTop = new HashMap<>();
        Map<String, Integer> nativeTop = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : events) {
            boolean java = event.getEventType().getName().equals("jdk.ExecutionSample");
            boolean nativeSample = event.getEventType().getName().equals("jdk.NativeMethodSample");
            if ((!java && !nativeSample) || event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            RecordedFrame top = event.getStackTrace().getFrames().get(0);
            String name = top.getMethod().getType().getName() + "." + top.getMethod().getName();
            if (nativeSample && WAITING.contains(name)) {
                continue;
            }
            samples++;
            (java ? javaTop : nativeTop).merge(name, 1, Integer::sum);
        }
        return new Summary(samples, javaTop, nativeTop);
    }

}
