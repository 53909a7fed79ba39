package dev.likeness.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.likeness.local.kafka.FreePorts;

/**
 * {@code deploy/local/run.sh} (what {@code make run} runs) on free ports, with the jars this build made: started,
 * awaited until it prints that Likeness is running, and stopped with SIGINT as Ctrl-C would.
 */
final class MakeRun implements AutoCloseable {

    static final String READY_LINE = "Likeness is running.";

    final Path root;
    final Path output;
    final int kafkaPort;
    final int embeddingPort;
    final int matchingPort;
    final int stylisingPort;
    final int consolePort;
    private final Process process;
    private final long startedNanos;

    /** @param varDir where the run's logs and broker data go */
    MakeRun(Path root, Path varDir, Map<String, String> extraEnvironment) throws IOException {
        this.root = root;
        deleteRecursively(varDir);
        Files.createDirectories(varDir);
        this.output = varDir.resolve("run.out");
        this.kafkaPort = FreePorts.findPair();
        this.embeddingPort = FreePorts.find();
        this.matchingPort = FreePorts.find();
        this.stylisingPort = FreePorts.find();
        this.consolePort = FreePorts.find();
        // A process started from a JVM may inherit SIGINT ignored (e.g. Maven started in the background);
        // env --default-signal gives run.sh the disposition a terminal's Ctrl-C finds.
        ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT", "bash", "deploy/local/run.sh")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("LIKENESS_SKIP_BUILD", "1");
        environment.put("LIKENESS_VAR_DIR", varDir.toAbsolutePath().toString());
        environment.put("KAFKA_PORT", Integer.toString(kafkaPort));
        environment.put("EMBEDDING_PORT", Integer.toString(embeddingPort));
        environment.put("MATCHING_PORT", Integer.toString(matchingPort));
        environment.put("STYLISING_PORT", Integer.toString(stylisingPort));
        environment.put("CONSOLE_PORT", Integer.toString(consolePort));
        environment.putAll(extraEnvironment);
        this.startedNanos = System.nanoTime();
        this.process = builder.start();
    }

    /** Waits for the ready line; returns how long it took. */
    Duration awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = startedNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(READY_LINE)) {
                return Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("run.sh exited with " + process.exitValue() + ":\n" + output());
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("run.sh printed no '" + READY_LINE + "' within " + timeout + ":\n" + output());
    }

    /** Waits for run.sh to end by itself; returns its exit code. */
    int awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("run.sh still runs after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.readString(output, UTF_8);
    }

    String consoleUrl() {
        return "http://localhost:" + consolePort;
    }

    String matchingUrl() {
        return "http://localhost:" + matchingPort;
    }

    String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    /** The Java processes run.sh started (the broker and every service). */
    List<ProcessHandle> javaProcesses() {
        return process.toHandle()
                .descendants()
                .filter(child -> child.info()
                        .command()
                        .map(command -> command.endsWith("/java"))
                        .orElse(false))
                .toList();
    }

    /** Ctrl-C: SIGINT to run.sh; returns its exit code. */
    int interrupt(Duration timeout) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -INT " + process.pid() + " failed");
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("run.sh still runs " + timeout + " after SIGINT:\n" + output());
        }
        return process.exitValue();
    }

    /** Whatever happened, nothing of this run is left running. */
    @Override
    public void close() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** A fresh run: no broker data (topics, offsets, gallery) from an earlier one. */
    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
