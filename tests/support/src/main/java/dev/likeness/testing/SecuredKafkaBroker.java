package dev.likeness.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.likeness.local.kafka.BrokerProcess;
import dev.likeness.local.kafka.BrokerSecurity;
import dev.likeness.local.kafka.LocalKafkaBroker;
import dev.likeness.local.kafka.TenantManifests;

/**
 * The secured broker shared by the tests of this JVM (started on first use, stopped at exit): SASL_SSL with
 * SCRAM-SHA-512, ACLs enforced, and the users, ACLs and topics of deploy/k8s/base/kafka's Strimzi manifests,
 * so a service under test logs in with its own principal and may do exactly what the cluster would let it.
 */
public final class SecuredKafkaBroker {

    /** The super user, for tests that play the other services (publish requests, read results). */
    public static final String ADMIN = BrokerSecurity.ADMIN;
    /**
     * Two tenants whose own clients talk Kafka, with the users and topics deploy/local/tenant-manifests.sh makes
     * for them ({@link TenantManifests#userName}).
     */
    public static final List<String> TENANTS = List.of("tenant-a", "tenant-b");

    /** Each tenant's produce quota, bytes/s. */
    public static final long PRODUCER_BYTE_RATE = TenantManifests.DEFAULT_PRODUCER_BYTE_RATE;

    private static final System.Logger LOG = System.getLogger(SecuredKafkaBroker.class.getName());
    private static BrokerProcess shared;

    private SecuredKafkaBroker() {}

    public static synchronized BrokerProcess shared() {
        if (shared == null) {
            Path manifests = manifestsDir();
            Path dataDir;
            try {
                dataDir = Files.createTempDirectory("likeness-secured-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("No temporary directory for the secured test broker", e);
            }
            BrokerProcess broker = LocalKafkaBroker.startSecured(
                    dataDir,
                    0,
                    withTenants(manifests.resolve("users.yaml"), dataDir),
                    withTenants(manifests.resolve("topics.yaml"), dataDir));
            Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "stop-secured-kafka-broker"));
            LOG.log(
                    Level.INFO,
                    "Secured Kafka for tests (SASL_SSL, SCRAM-SHA-512, ACLs) at " + broker.bootstrapServers()
                            + ", log in " + broker.logFile());
            shared = broker;
        }
        return shared;
    }

    /** A test client logged in as {@code user}; {@link #ADMIN} may do anything. */
    public static KafkaTestClient client(String user) {
        return new KafkaTestClient(shared().clientConfig(user));
    }

    /**
     * What a service needs to log in as {@code user}, as Quarkus config: the same keys its environment sets
     * in a cluster (KAFKA_SECURITY_PROTOCOL, LIKENESS_KAFKA_USERNAME, ...; docs/reliability.md). The broker made
     * the topics from the KafkaTopic manifests, like Strimzi's Topic Operator; the service's topic provisioner
     * still logs in and finds them all (it could not create one: no user may).
     */
    public static Map<String, String> serviceConfig(String user) {
        BrokerProcess broker = shared();
        return Map.of(
                "kafka.bootstrap.servers",
                broker.bootstrapServers(),
                "kafka.security.protocol",
                "SASL_SSL",
                "likeness.kafka.username",
                user,
                "likeness.kafka.password",
                broker.security().password(user),
                "kafka.ssl.truststore.type",
                "PEM",
                "kafka.ssl.truststore.location",
                broker.security().caCertificate().toString());
    }

    /** The manifest file and the tenants' manifests, as one file in {@code dir}. */
    private static Path withTenants(Path manifest, Path dir) {
        try {
            return Files.writeString(
                    dir.resolve(manifest.getFileName()),
                    Files.readString(manifest) + "---\n" + TenantManifests.render(TENANTS, PRODUCER_BYTE_RATE));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the test broker's manifests to " + dir, e);
        }
    }

    /** deploy/k8s/base/kafka of this checkout, found from the module a test runs in. */
    static Path manifestsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path manifests = dir.resolve("deploy/k8s/base/kafka");
            if (Files.isRegularFile(manifests.resolve("users.yaml"))) {
                return manifests;
            }
        }
        throw new IllegalStateException(
                "No deploy/k8s/base/kafka/users.yaml above " + Path.of("").toAbsolutePath());
    }
}
