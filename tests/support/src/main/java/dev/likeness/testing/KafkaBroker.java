package dev.likeness.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import dev.likeness.local.kafka.BrokerProcess;
import dev.likeness.local.kafka.LocalKafkaBroker;

/**
 * The real Kafka broker shared by every test in this JVM: started on first use, stopped when the JVM
 * exits. Runs in Docker through Testcontainers when a Docker engine is reachable, otherwise as a
 * child JVM from Apache Kafka's Maven jars. Both have the mesh's broker settings
 * ({@link LocalKafkaBroker#meshBrokerSettings()}), such as no topic auto-creation.
 */
public final class KafkaBroker {

    /** The same Kafka release as the kafka-clients on the classpath, which the Quarkus BOM picks. */
    public static final String KAFKA_VERSION = AppInfoParser.getVersion();

    public static final String IMAGE = "apache/kafka:" + KAFKA_VERSION;

    /**
     * Where the broker of this JVM answers. Set once it runs; setting it beforehand (-D) points the
     * tests at a broker of your own, such as the one deploy/local/broker.sh starts.
     */
    public static final String BOOTSTRAP_SERVERS_PROPERTY = "likeness.test.kafka.bootstrap-servers";

    private static final System.Logger LOG = System.getLogger(KafkaBroker.class.getName());
    private static KafkaBroker shared;

    private final String bootstrapServers;

    private KafkaBroker(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** The broker for this test JVM, started by the first caller. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            // A system property, not just this static field, because Quarkus loads this class again
            // for each application it boots, and one broker is enough for all of them.
            String running = System.getProperty(BOOTSTRAP_SERVERS_PROPERTY);
            if (running != null) {
                shared = new KafkaBroker(running);
            } else if (dockerIsAvailable()) {
                shared = startContainer();
            } else {
                shared = startFromMavenJars();
            }
            System.setProperty(BOOTSTRAP_SERVERS_PROPERTY, shared.bootstrapServers());
        }
        return shared;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A client for this broker; close it when done. */
    public KafkaTestClient client() {
        return new KafkaTestClient(bootstrapServers);
    }

    private static boolean dockerIsAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            // No Docker here is normal; the jar broker is the answer to it, not a failure.
            return false;
        }
    }

    private static KafkaBroker startContainer() {
        KafkaContainer container = new KafkaContainer(IMAGE);
        // The apache/kafka image turns KAFKA_MESSAGE_MAX_BYTES into message.max.bytes, and so on.
        LocalKafkaBroker.meshBrokerSettings()
                .forEach((name, value) -> container.withEnv(
                        "KAFKA_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-kafka-container"));
        KafkaBroker broker = new KafkaBroker(container.getBootstrapServers());
        LOG.log(Level.INFO, "Real Kafka for tests: Testcontainers " + IMAGE + " at " + broker.bootstrapServers());
        return broker;
    }

    private static KafkaBroker startFromMavenJars() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("likeness-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("No temporary directory for the test Kafka broker", e);
        }
        BrokerProcess process = LocalKafkaBroker.start(dataDir, 0);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            process.stop();
                            deleteRecursively(dataDir);
                        },
                        "stop-kafka-broker"));
        KafkaBroker broker = new KafkaBroker(process.bootstrapServers());
        LOG.log(
                Level.INFO,
                "Real Kafka for tests: Apache Kafka " + KAFKA_VERSION
                        + " broker from Maven jars (no Docker engine) at " + broker.bootstrapServers()
                        + ", log in " + process.logFile());
        return broker;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not delete the test Kafka broker's data in " + dir, e);
        }
    }
}
