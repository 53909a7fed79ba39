package dev.likeness.local.kafka;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The command line of {@link LocalKafkaBroker}. {@code secure}: SASL_SSL with SCRAM users and ACLs from the
 * KafkaUser manifests in {@code usersFile}, and the topics of the KafkaTopic manifests in {@code topicsFile}.
 */
record BrokerOptions(
        String host,
        int port,
        int controllerPort,
        Path dataDir,
        OptionalLong parentPid,
        boolean secure,
        Path usersFile,
        Path topicsFile) {

    static final int DEFAULT_PORT = 9092;
    static final Path DEFAULT_DATA_DIR = Path.of("var", "kafka");
    static final Path DEFAULT_USERS_FILE = Path.of("deploy", "k8s", "base", "kafka", "users.yaml");
    static final Path DEFAULT_TOPICS_FILE = Path.of("deploy", "k8s", "base", "kafka", "topics.yaml");

    String bootstrapServers() {
        return host + ":" + port;
    }

    /**
     * Accepts {@code --name value} and {@code --name=value}. Returns null when help was asked for.
     * {@code --parent-pid} is for {@link BrokerProcess}: the broker exits when that process does.
     */
    static BrokerOptions parse(String... args) {
        String host = "localhost";
        Integer port = null;
        Integer controllerPort = null;
        Path dataDir = DEFAULT_DATA_DIR;
        OptionalLong parentPid = OptionalLong.empty();
        boolean secure = false;
        Path usersFile = DEFAULT_USERS_FILE;
        Path topicsFile = DEFAULT_TOPICS_FILE;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                return null;
            }
            if (name.equals("--secure")) {
                secure = true;
                continue;
            }
            String value;
            int equals = name.indexOf('=');
            if (equals > 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("Missing value for " + name);
            }
            switch (name) {
                case "--host" -> host = value;
                case "--port" -> port = parsePort(name, value);
                case "--controller-port" -> controllerPort = parsePort(name, value);
                case "--data-dir" -> dataDir = Path.of(value);
                case "--parent-pid" -> parentPid = OptionalLong.of(Long.parseLong(value));
                case "--users" -> usersFile = Path.of(value);
                case "--topics" -> topicsFile = Path.of(value);
                default -> throw new IllegalArgumentException("Unknown option " + name);
            }
        }
        int clientPort = port == null ? DEFAULT_PORT : port;
        return new BrokerOptions(
                host,
                clientPort,
                controllerPort == null ? clientPort + 1 : controllerPort,
                dataDir,
                parentPid,
                secure,
                usersFile,
                topicsFile);
    }

    private static int parsePort(String name, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, with the option's name
        }
        throw new IllegalArgumentException(name + " needs a port number (1-65535), got '" + value + "'");
    }
}
