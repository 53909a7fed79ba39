package dev.likeness.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

import picocli.CommandLine.Option;

/**
 * Where Kafka is and how to log in to it; mixed into every command. Secrets never go on the command line
 * (where {@code ps} shows them): the SASL password comes from $LIKENESS_KAFKA_PASSWORD or a file.
 */
final class KafkaOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:LIKENESS_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $LIKENESS_BOOTSTRAP_SERVERS or localhost:9092).")
    String bootstrapServers;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description =
                    "Kafka client properties, e.g. security.protocol and SASL/TLS settings; the options below override them.")
    Path commandConfig;

    @Option(
            names = "--security-protocol",
            paramLabel = "PROTOCOL",
            defaultValue = "${env:LIKENESS_KAFKA_SECURITY_PROTOCOL}",
            description = "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (default: $LIKENESS_KAFKA_SECURITY_PROTOCOL; "
                    + "SASL_SSL when a SASL user is given, else PLAINTEXT).")
    String securityProtocol;

    @Option(
            names = "--sasl-mechanism",
            paramLabel = "MECHANISM",
            defaultValue = "${env:LIKENESS_KAFKA_SASL_MECHANISM:-SCRAM-SHA-512}",
            description = "SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN.")
    String saslMechanism;

    @Option(
            names = "--sasl-username",
            paramLabel = "USER",
            defaultValue = "${env:LIKENESS_KAFKA_USERNAME}",
            description = "SASL user, e.g. a KafkaUser's name (default: $LIKENESS_KAFKA_USERNAME).")
    String saslUsername;

    @Option(
            names = "--sasl-password-file",
            paramLabel = "FILE",
            description = "A file whose first line is the SASL password (default: $LIKENESS_KAFKA_PASSWORD).")
    Path saslPasswordFile;

    @Option(
            names = "--truststore",
            paramLabel = "FILE",
            defaultValue = "${env:LIKENESS_KAFKA_TRUSTSTORE}",
            description = "The CA certificates to trust for TLS: a PEM file (.pem, .crt) or a PKCS12 store "
                    + "(password: $LIKENESS_KAFKA_TRUSTSTORE_PASSWORD) (default: $LIKENESS_KAFKA_TRUSTSTORE; "
                    + "else the JVM's trusted CAs).")
    Path truststore;

    /** The command config's properties with the options above laid over them. */
    Properties clientProperties() {
        Properties properties = new Properties();
        if (commandConfig != null) {
            try (Reader reader = Files.newBufferedReader(commandConfig)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read command config " + commandConfig + ": " + e);
            }
        }
        properties.setProperty("bootstrap.servers", bootstrapServers);
        if (present(saslUsername)) {
            properties.setProperty("security.protocol", present(securityProtocol) ? protocol() : "SASL_SSL");
            properties.setProperty("sasl.mechanism", saslMechanism);
            properties.setProperty("sasl.jaas.config", jaas(saslMechanism, saslUsername, saslPassword()));
        } else if (present(securityProtocol)) {
            properties.setProperty("security.protocol", protocol());
        }
        if (truststore != null) {
            if (!Files.isReadable(truststore)) {
                throw new CliException(ExitCodes.USAGE, "cannot read truststore " + truststore);
            }
            String name = truststore.getFileName().toString().toLowerCase(Locale.ROOT);
            boolean pem = name.endsWith(".pem") || name.endsWith(".crt");
            properties.setProperty(
                    "ssl.truststore.location", truststore.toAbsolutePath().toString());
            properties.setProperty("ssl.truststore.type", pem ? "PEM" : "PKCS12");
            String password = System.getenv("LIKENESS_KAFKA_TRUSTSTORE_PASSWORD");
            if (!pem && present(password)) {
                properties.setProperty("ssl.truststore.password", password);
            }
        }
        return properties;
    }

    /** Who logs in, for messages; null without SASL. */
    String saslUser() {
        return present(saslUsername) ? saslUsername : null;
    }

    private String protocol() {
        String protocol = securityProtocol.strip().toUpperCase(Locale.ROOT);
        if (!protocol.matches("PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL")) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "--security-protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, not " + securityProtocol);
        }
        return protocol;
    }

    private String saslPassword() {
        String password;
        if (saslPasswordFile != null) {
            try {
                password = Files.readAllLines(saslPasswordFile, StandardCharsets.UTF_8).stream()
                        .findFirst()
                        .orElse("");
            } catch (IOException e) {
                throw new CliException(
                        ExitCodes.USAGE, "cannot read the SASL password file " + saslPasswordFile + ": " + e);
            }
        } else {
            password = System.getenv("LIKENESS_KAFKA_PASSWORD");
        }
        if (!present(password)) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "SASL user " + saslUsername
                            + " needs a password: set LIKENESS_KAFKA_PASSWORD or give --sasl-password-file");
        }
        return password.strip();
    }

    private static String jaas(String mechanism, String user, String password) {
        String module = mechanism.toUpperCase(Locale.ROOT).startsWith("SCRAM-")
                ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                : "org.apache.kafka.common.security.plain.PlainLoginModule";
        return module + " required username=\"" + escape(user) + "\" password=\"" + escape(password) + "\";";
    }

    /** JAAS quotes: a backslash or double quote in a name or password must be escaped. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
