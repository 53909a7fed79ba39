package dev.likeness.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import picocli.CommandLine.Option;

/** Where Kafka is and how to talk to it; mixed into every command. */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:LIKENESS_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $LIKENESS_BOOTSTRAP_SERVERS or localhost:9092).")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties, e.g. security.protocol and SASL/TLS settings.")
    Path commandConfig;

    /** The command config's properties; --bootstrap-servers overrides any bootstrap.servers in it. */
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
        return properties;
    }
}
