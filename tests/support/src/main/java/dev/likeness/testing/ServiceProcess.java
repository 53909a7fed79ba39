package dev.likeness.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.likeness.local.kafka.FreePorts;

/**
 * A service of the mesh run as an operating-system process from its built jar
 * ({@code services/<name>/target/quarkus-app/quarkus-run.jar}), as it runs in production: start it with
 * environment and JVM options, wait until {@code /q/health/ready} answers 200, kill it (SIGKILL, no shutdown
 * hooks), restart it with the same settings, stop it (SIGTERM). Output goes to one log file across restarts.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final int httpPort;
    private final Path logFile;
    private final Duration readyTimeout;
    private volatile Process process;
    private int starts;

    private ServiceProcess(Builder builder) {
        this.name = builder.name;
        this.jar = builder.jar;
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.environment = Map.copyOf(builder.environment);
        this.httpPort = FreePorts.find();
        this.logFile = builder.logFile;
        this.readyTimeout = builder.readyTimeout;
        // A test JVM that ends, however it ends, takes its services with it.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (process != null) {
                                process.destroyForcibly();
                            }
                        },
                        "kill-" + name));
    }

    /** The jar Maven's package phase builds for the service module at {@code moduleDir}. */
    public static Path jarOf(Path moduleDir) {
        return moduleDir.resolve("target/quarkus-app/quarkus-run.jar");
    }

    public static Builder builder(String name, Path jar) {
        return new Builder(name, jar);
    }

    public static final class Builder {
        private final String name;
        private final Path jar;
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path logFile;
        private Duration readyTimeout = Duration.ofMinutes(3);

        private Builder(String name, Path jar) {
            this.name = name;
            this.jar = jar;
            this.logFile = Path.of("target", name + ".log");
        }

        /** A JVM option such as {@code -Xmx256m} or {@code -Dlikeness.models.dir=...}. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** An environment variable, e.g. {@code KAFKA_BOOTSTRAP_SERVERS} or {@code LIKENESS_DELIVERY}. */
        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder logFile(Path file) {
            this.logFile = file;
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        /** Starts the service and waits until it is ready. */
        public ServiceProcess start() {
            ServiceProcess service = new ServiceProcess(this);
            service.launch();
            return service;
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** How many times the process was started, the first start included. */
    public int starts() {
        return starts;
    }

    public URI url(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    /** The body of a GET to the service, e.g. {@code /q/metrics}. */
    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(url(path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(name + " answered " + response.statusCode() + " to GET " + path);
        }
        return response.body();
    }

    /** SIGKILL: the service gets no chance to commit, flush or close anything, like a crash. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(process, STOP_TIMEOUT);
    }

    /** Starts the service again with the same settings (killing it first if it still runs) and waits until ready. */
    public void restart() {
        if (process.isAlive()) {
            kill();
        }
        launch();
    }

    /** SIGTERM, so Quarkus shuts down cleanly; SIGKILL if it has not exited within 30 s. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(process, STOP_TIMEOUT)) {
            kill();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Files.writeString(
                    logFile,
                    "=== start " + (starts + 1) + " of " + name + ": " + command + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " does not exist: package the " + name + " module first");
            }
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        starts++;
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready; see " + logFile.toAbsolutePath());
            }
            try {
                HttpResponse<Void> response = HTTP.send(
                        HttpRequest.newBuilder(url("/q/health/ready"))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        name + " was not ready within " + readyTimeout + "; see " + logFile.toAbsolutePath());
            }
            sleep(Duration.ofMillis(250));
        }
    }

    private static boolean awaitExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
