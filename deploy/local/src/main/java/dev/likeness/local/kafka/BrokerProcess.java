package dev.likeness.local.kafka;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A {@link LocalKafkaBroker} running in a child JVM. Its output goes to {@code broker.log} in the
 * data directory. {@link #stop()} shuts it down cleanly, {@link #kill()} does not (for fault tests);
 * either way {@link LocalKafkaBroker#start} on the same directory and port brings it back with its data.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final String bootstrapServers;
    private final int port;
    private final Path dataDir;
    private final Path logFile;
    /** Where this run's output starts in the log file, which earlier runs on the same directory share. */
    private final long logStart;

    private final boolean secure;
    private final Thread stopOnExit;

    private BrokerProcess(Process process, int port, Path dataDir, Path logFile, long logStart, boolean secure) {
        this.process = process;
        this.port = port;
        this.bootstrapServers = "localhost:" + port;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.logStart = logStart;
        this.secure = secure;
        this.stopOnExit = new Thread(this::stop, "stop-kafka-broker-" + port);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    static BrokerProcess launch(Path dataDir, int port, int controllerPort, List<String> extraOptions) {
        Path absoluteDataDir = dataDir.toAbsolutePath().normalize();
        Path logFile = absoluteDataDir.resolve("broker.log");
        BrokerProcess broker;
        try {
            Files.createDirectories(absoluteDataDir);
            long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            Process process = new ProcessBuilder(command(absoluteDataDir, port, controllerPort, extraOptions))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            broker = new BrokerProcess(
                    process, port, absoluteDataDir, logFile, logStart, extraOptions.contains("--secure"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a Kafka broker in " + absoluteDataDir, e);
        }
        try {
            broker.awaitReady();
        } catch (RuntimeException e) {
            broker.kill();
            throw e;
        }
        return broker;
    }

    private static List<String> command(Path dataDir, int port, int controllerPort, List<String> extraOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+ExitOnOutOfMemoryError");
        // C1 only: the broker is ready about a second sooner, which tests feel more than peak throughput.
        command.add("-XX:TieredStopAtLevel=1");
        String logLevel = System.getProperty(BrokerLogging.LEVEL_PROPERTY);
        if (logLevel != null) {
            command.add("-D" + BrokerLogging.LEVEL_PROPERTY + "=" + logLevel);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LocalKafkaBroker.class.getName());
        command.addAll(List.of(
                "--port", String.valueOf(port),
                "--controller-port", String.valueOf(controllerPort),
                "--data-dir", dataDir.toString(),
                "--parent-pid", String.valueOf(ProcessHandle.current().pid())));
        command.addAll(extraOptions);
        return command;
    }

    /** Waits for the broker's ready line, then checks from this side that it answers an AdminClient. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!thisRunsOutput().contains(LocalKafkaBroker.READY_MESSAGE)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker on port " + port + " exited with code "
                        + process.exitValue() + " before it was ready. " + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka broker on port " + port + " was not ready within "
                        + READY_TIMEOUT.toSeconds() + " s. " + logTail());
            }
            sleep(Duration.ofMillis(50));
        }
        try (Admin admin = Admin.create(adminConfig())) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(
                    "Kafka broker said it was ready on " + bootstrapServers + " but does not answer an AdminClient: "
                            + e + ". " + logTail(),
                    e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Whether this broker was started with {@link LocalKafkaBroker#startSecured}. */
    public boolean secure() {
        return secure;
    }

    /** The certificates and passwords of a secured broker. */
    public BrokerSecurity security() {
        if (!secure) {
            throw new IllegalStateException("The broker on port " + port + " is not secured");
        }
        return BrokerSecurity.load(LocalKafkaBroker.securityDir(dataDir));
    }

    /** Client settings for the super user: a secured broker's admin, or just the address of a plain one. */
    public Map<String, Object> adminConfig() {
        return secure
                ? security().clientConfig(bootstrapServers, BrokerSecurity.ADMIN)
                : Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** Client settings to log in to a secured broker as {@code user} (a KafkaUser of its manifests). */
    public Map<String, Object> clientConfig(String user) {
        return security().clientConfig(bootstrapServers, user);
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, so the broker shuts down cleanly; SIGKILL if it has not exited within 30 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        forgetShutdownHook();
    }

    /** SIGKILL: the broker gets no chance to flush or close anything, like a crash. */
    public void kill() {
        process.destroyForcibly();
        boolean interrupted = false;
        while (process.isAlive()) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        forgetShutdownHook();
    }

    @Override
    public void close() {
        stop();
    }

    private void forgetShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook is what is running now.
        }
    }

    /** The last lines this run wrote, for error messages. */
    private String logTail() {
        List<String> lines = thisRunsOutput().lines().toList();
        List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        return "Last lines of " + logFile + ":\n" + String.join("\n", tail);
    }

    private String thisRunsOutput() {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length() - logStart;
            if (length <= 0) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length, Integer.MAX_VALUE)];
            file.seek(logStart);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
    }
}
