package dev.likeness.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@code make run} on a port something else holds: refused at once with the port's name, before anything is built or
 * started (a service that found its port taken would stop, and whatever answers there would pass for it).
 */
class MakeRunPortsTest {

    @Test
    void aTakenServicePortIsRefusedBeforeAnythingStarts() throws Exception {
        Path root = Path.of(System.getProperty("likeness.root", "../.."))
                .toAbsolutePath()
                .normalize();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                MakeRun run = new MakeRun(
                        root,
                        root.resolve("tests/e2e/target/make-run-ports"),
                        Map.of("MATCHING_PORT", Integer.toString(taken.getLocalPort())))) {
            int exitCode = run.awaitExit(Duration.ofSeconds(30));

            assertThat(exitCode).as(run.output()).isEqualTo(1);
            assertThat(run.output())
                    .contains("Something already listens on localhost:" + taken.getLocalPort()
                            + ", matching's port: stop it (or set MATCHING_PORT) and retry.")
                    .doesNotContain("Starting Kafka", "Building");
        }
    }
}
