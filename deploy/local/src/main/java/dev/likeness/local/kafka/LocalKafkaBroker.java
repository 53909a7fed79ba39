package dev.likeness.local.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * A single-node Apache Kafka broker in KRaft mode (broker and controller in one process), run from
 * Kafka's own jars. {@link #main} runs it in the foreground; {@link #start} runs it as a child JVM
 * for tests and tools.
 */
public final class LocalKafkaBroker {

    /** The mesh sends inline images up to 16 MiB; the extra MiB covers the envelope and headers. */
    public static final int MAX_MESSAGE_BYTES = 17 * 1024 * 1024;

    /** Printed once the broker answers requests; {@link BrokerProcess} waits for it. */
    static final String READY_MESSAGE = "Kafka broker ready on ";

    private static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_CHECK_TIMEOUT = Duration.ofSeconds(60);

    private static final String USAGE = """
            Usage: LocalKafkaBroker [--port 9092] [--controller-port PORT+1] [--data-dir var/kafka] [--host localhost]
                                    [--secure [--users deploy/k8s/base/kafka/users.yaml] [--topics deploy/k8s/base/kafka/topics.yaml]]
              Runs a single-node KRaft Kafka broker in the foreground; Ctrl-C or SIGTERM stops it cleanly.
              --secure: SASL_SSL only (SCRAM-SHA-512, a self-signed certificate for localhost), ACL authorization
              with super user likeness-admin; creates a SCRAM user with the ACLs of every KafkaUser in --users and
              every KafkaTopic in --topics. Certificates and generated passwords: DATA_DIR/security/.""";

    private LocalKafkaBroker() {}

    public static void main(String[] args) {
        BrokerLogging.install();
        BrokerOptions options;
        try {
            options = BrokerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(USAGE);
            return;
        }
        try {
            run(options);
        } catch (IllegalStateException e) {
            // Our own checks: the message says it all.
            System.err.println("Kafka broker failed: " + e.getMessage());
            System.exit(1);
        } catch (Throwable e) {
            System.err.println("Kafka broker failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * Starts a broker in a child JVM (same java and classpath as this one), waits until it answers
     * an AdminClient, and returns its handle. The child stops when this JVM exits.
     *
     * @param dataDir where the broker keeps its log segments and its output ({@code broker.log});
     *                formatted on first use, reused as-is on later starts
     * @param port    the client port, or 0 for any free port
     */
    public static BrokerProcess start(Path dataDir, int port) {
        return BrokerProcess.launch(dataDir, port == 0 ? FreePorts.find() : port, FreePorts.find(), List.of());
    }

    /**
     * Like {@link #start}, secured: only SASL_SSL with SCRAM-SHA-512, ACLs enforced. Every KafkaUser of
     * {@code usersFile} gets a generated password and its ACLs, every KafkaTopic of {@code topicsFile} is
     * created; {@link BrokerProcess#security()} has the passwords and the certificate clients trust.
     */
    public static BrokerProcess startSecured(Path dataDir, int port, Path usersFile, Path topicsFile) {
        return BrokerProcess.launch(
                dataDir,
                port == 0 ? FreePorts.find() : port,
                FreePorts.find(),
                List.of(
                        "--secure",
                        "--users",
                        usersFile.toAbsolutePath().toString(),
                        "--topics",
                        topicsFile.toAbsolutePath().toString()));
    }

    /** Where a secured broker keeps its certificates and generated passwords. */
    static Path securityDir(Path dataDir) {
        return dataDir.resolve("security");
    }

    /**
     * Broker settings the mesh relies on, independent of where the broker runs; the Testcontainers
     * broker in test-support gets the same ones.
     */
    public static Map<String, String> meshBrokerSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        // Services create their topics with the partition counts and configs they need.
        settings.put("auto.create.topics.enable", "false");
        settings.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        settings.put("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        settings.put("group.initial.rebalance.delay.ms", "0");
        // One node: every internal topic has a single replica, and few partitions keep startup quick.
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("min.insync.replicas", "1");
        return Collections.unmodifiableMap(settings);
    }

    private static Properties brokerConfig(BrokerOptions options, Path logDir, BrokerSecurity security) {
        Properties config = new Properties();
        config.putAll(meshBrokerSettings());
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + options.host() + ":" + options.controllerPort());
        config.put(
                "listeners",
                "PLAINTEXT://" + options.host() + ":" + options.port() + "," + CONTROLLER_LISTENER + "://"
                        + options.host() + ":" + options.controllerPort());
        config.put("advertised.listeners", "PLAINTEXT://" + options.bootstrapServers());
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", logDir.toString());
        // The broker is unfenced after its first heartbeats; shorter intervals make it ready sooner.
        config.put("broker.heartbeat.interval.ms", "500");
        // After a kill, the restarted broker may only register once the old session has expired.
        config.put("broker.session.timeout.ms", "3000");
        if (security != null) {
            config.putAll(security.brokerSettings(options));
        }
        return config;
    }

    private static void run(BrokerOptions options) throws Exception {
        Path dataDir = options.dataDir().toAbsolutePath().normalize();
        Path logDir = dataDir.resolve("kafka-logs");
        Path serverProperties = dataDir.resolve("server.properties");
        requireFree(options.host(), options.port(), "--port");
        requireFree(options.host(), options.controllerPort(), "--controller-port");
        Files.createDirectories(logDir);
        BrokerSecurity security = options.secure() ? BrokerSecurity.prepare(securityDir(dataDir)) : null;
        writeServerProperties(serverProperties, brokerConfig(options, logDir, security));
        formatIfNeeded(serverProperties, logDir, security);
        String clusterId = clusterIdOf(logDir);

        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> System.out.println("Stopping Kafka broker on " + options.bootstrapServers()),
                        "kafka-broker-stopping"));
        options.parentPid().ifPresent(LocalKafkaBroker::exitWithParent);
        // Kafka's own entry point: it registers the shutdown hook that stops the broker cleanly on
        // SIGTERM or Ctrl-C, and exits the JVM if startup fails.
        new Thread(() -> Kafka.main(new String[] {serverProperties.toString()}), "kafka-main").start();

        Map<String, Object> adminConfig = security == null
                ? Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers())
                : security.clientConfig(options.bootstrapServers(), BrokerSecurity.ADMIN);
        awaitAnswering(options, clusterId, adminConfig);
        if (security != null) {
            AccessSetup.apply(adminConfig, security, options.usersFile(), options.topicsFile());
        }
        System.out.println(READY_MESSAGE + options.bootstrapServers() + " (KRaft, "
                + (security == null
                        ? "PLAINTEXT"
                        : "SASL_SSL with SCRAM-SHA-512 and ACLs, secrets in " + securityDir(dataDir))
                + ", data in " + dataDir + ")");
    }

    /** Fails fast, and clearly, when something already listens there (most likely a broker started earlier). */
    private static void requireFree(String host, int port, String option) {
        if (acceptsConnections(host, port)) {
            throw new IllegalStateException(host + ":" + port + " is already in use (another broker? `pgrep -af "
                    + LocalKafkaBroker.class.getSimpleName() + "`); pick another port with " + option);
        }
    }

    /** Sorted plain lines, so the file reads like a hand-written server.properties. */
    private static void writeServerProperties(Path file, Properties config) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by LocalKafkaBroker on every start; change its options instead of this file.");
        new TreeMap<>(config)
                .forEach((key, value) -> lines.add(key + "=" + value.toString().replace("\\", "\\\\")));
        Files.write(file, lines);
        // A secured broker's settings hold the super user's and the key store's passwords.
        BrokerSecurity.ownerOnly(file, "rw-------");
    }

    /** Formats a new directory with a fresh cluster id, which meta.properties keeps for later starts. */
    private static void formatIfNeeded(Path serverProperties, Path logDir, BrokerSecurity security) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        List<String> args = new ArrayList<>(List.of(
                "format", "--config", serverProperties.toString(), "--cluster-id", clusterId, "--ignore-formatted"));
        if (security != null) {
            // The broker logs in to itself as the super user, so that credential must exist before it starts.
            args.addAll(List.of("--add-scram", security.formatScramArgument()));
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode =
                StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exitCode != 0) {
            throw new IllegalStateException(
                    "Formatting " + logDir + " failed:\n" + output.toString(StandardCharsets.UTF_8));
        }
        System.out.println("Formatted KRaft storage in " + logDir + " (cluster id " + clusterId + ")");
    }

    private static String clusterIdOf(Path logDir) throws IOException {
        Properties meta = new Properties();
        try (Reader reader = Files.newBufferedReader(logDir.resolve("meta.properties"))) {
            meta.load(reader);
        }
        return meta.getProperty("cluster.id");
    }

    /** A child broker must not outlive the JVM that started it, even when that one is killed. */
    private static void exitWithParent(long parentPid) {
        ProcessHandle.of(parentPid)
                .ifPresentOrElse(
                        parent -> parent.onExit().thenRun(() -> {
                            System.out.println("Parent process " + parentPid + " is gone");
                            System.exit(0);
                        }),
                        () -> System.exit(0));
    }

    /**
     * Waits until the client port takes connections (a plain socket, so no client logs warnings
     * while the broker is still starting), then until the broker answers an AdminClient with this
     * data directory's cluster id, so that no other process on the port passes for this broker.
     */
    private static void awaitAnswering(BrokerOptions options, String clusterId, Map<String, Object> adminConfig)
            throws Exception {
        long deadline = System.nanoTime() + READY_CHECK_TIMEOUT.toNanos();
        while (!acceptsConnections(options.host(), options.port())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Nothing listens on " + options.bootstrapServers() + " after "
                        + READY_CHECK_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
        String answeringClusterId;
        try (Admin admin = Admin.create(adminConfig)) {
            answeringClusterId =
                    admin.describeCluster().clusterId().get(READY_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!clusterId.equals(answeringClusterId)) {
            throw new IllegalStateException("Another Kafka cluster (" + answeringClusterId + ") answers on "
                    + options.bootstrapServers() + ", not this one (" + clusterId + ")");
        }
    }

    private static boolean acceptsConnections(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
