package dev.likeness.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.local.kafka.FreePorts;
import dev.likeness.testing.KafkaBroker;

/**
 * Starts the embedding service from its OCI image tarball the way a container runtime would: the layer
 * blobs the manifest lists unpacked in order into a folder, that folder as the root file system (a private
 * mount namespace with /proc, /dev and the models mounted read-only at /models, as in the pods), the image
 * config's user, working directory, environment and entrypoint, and nothing from the host. Embedding loads
 * its ONNX models at startup, so ready means the image's JVM, glibc and libstdc++ run ONNX Runtime's native
 * library. Needs root (to enter the namespace and change root), which CI has.
 */
@Tag("broker")
@Tag("models")
@Tag("images")
class ImageRunsTest {

    private static final Duration STARTUP = Duration.ofMinutes(3);

    @Test
    void theEmbeddingServiceStartsFromItsImageAndGetsReady() throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
                .as("running a service from its unpacked image needs root (unshare, mount, chroot)")
                .isZero();
        ImageArchive image = ImageArchive.of(ImageArchive.DIRECTORY.resolve("embedding-0.1.0.tar"));
        // Not a JUnit @TempDir: its clean-up complains about every absolute symbolic link of the image.
        Path work = Path.of("target/image-run").toAbsolutePath();
        removeTree(work);
        Path root = work.resolve("root");
        image.unpack(root);
        Path models = Path.of(System.getProperty("likeness.models.dir")); // the root POM sets it for tests
        assertThat(models.resolve("face")).as("`make models` output").isDirectory();
        for (String mountPoint : List.of("proc", "dev", "models")) {
            Files.createDirectories(root.resolve(mountPoint));
        }

        int port = FreePorts.find();
        Map<String, String> environment = new TreeMap<>(image.environment());
        environment.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        environment.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.shared().bootstrapServers());

        String[] user = image.runtime().path("User").asText().split(":");
        List<String> command = new ArrayList<>(List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "sh",
                "-c",
                "r=$0 m=$1; shift; mount -t proc proc \"$r/proc\" && mount --rbind /dev \"$r/dev\""
                        + " && mount --bind -o ro \"$m\" \"$r/models\" && exec \"$@\"",
                root.toString(),
                models.toString(),
                "env",
                "-i"));
        environment.forEach((name, value) -> command.add(name + "=" + value));
        command.addAll(List.of(
                "unshare",
                "--root=" + root,
                "--wd=" + image.runtime().path("WorkingDir").asText(),
                "--setuid",
                user[0],
                "--setgid",
                user[1]));
        command.addAll(image.entrypoint());

        Path log = work.resolve("embedding.log");
        Process service = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            long deadline = System.nanoTime() + STARTUP.toNanos();
            String ready = null;
            while (System.nanoTime() < deadline && service.isAlive() && !isUp(ready)) {
                Thread.sleep(1000);
                ready = get(http, port, "/q/health/ready");
            }
            if (!isUp(ready)) {
                fail("embedding did not get ready from its image within " + STARTUP + " (alive: " + service.isAlive()
                        + ", last /q/health/ready: " + ready + "); log:\n" + tail(log));
            }
            assertThat(isUp(get(http, port, "/q/health/live"))).as("liveness").isTrue();
            String output = Files.readString(log);
            assertThat(output)
                    .doesNotContain("UnsatisfiedLinkError", "Exception in thread \"main\"")
                    // Sized by the image's JAVA_TOOL_OPTIONS, which the JVM announces.
                    .contains("Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75");
        } finally {
            stop(service);
        }
        removeTree(root);
    }

    /**
     * Stops the service's JVM itself: it is the first process of its PID namespace, a child of the outer
     * unshare, and nothing forwards a signal sent to unshare (the parent-death signal that --kill-child
     * sets is cleared when the JVM's user changes).
     */
    private static void stop(Process service) throws InterruptedException {
        List<ProcessHandle> processes = new ArrayList<>(service.descendants().toList());
        processes.add(service.toHandle());
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && processes.stream().anyMatch(ProcessHandle::isAlive)) {
            Thread.sleep(200);
        }
        processes.forEach(ProcessHandle::destroyForcibly);
        service.waitFor();
        for (ProcessHandle process : processes) {
            process.onExit().join();
        }
        assertThat(processes).noneMatch(ProcessHandle::isAlive);
    }

    /** rm -rf: the mounts were private to the service's namespace and went with it. */
    private static void removeTree(Path dir) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString())
                        .inheritIO()
                        .start()
                        .waitFor())
                .as("rm -rf " + dir)
                .isZero();
    }

    private static boolean isUp(String health) {
        return health != null && health.replaceAll("\\s", "").contains("\"status\":\"UP\"");
    }

    /** The body of a 200 answer, or null while the service is not there or not ready. */
    private static String get(HttpClient http, int port, String path) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException notYet) {
            return null;
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
