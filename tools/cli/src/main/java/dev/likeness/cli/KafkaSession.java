package dev.likeness.cli;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.likeness.follower.TopicFollower;

/**
 * The Kafka clients of one command, with short timeouts so that an unreachable broker is reported
 * in seconds ("cannot reach Kafka at ..."), not after the clients' minute-long defaults.
 */
final class KafkaSession implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long reading a topic up to its end (a gallery, the dead letters) may take. */
    static final Duration READ_TO_END = TIMEOUT.multipliedBy(3);
    /** An inline image of up to 16 MiB plus the rest of the event; the mesh's topics accept as much. */
    private static final int MAX_REQUEST_BYTES = 17 * 1024 * 1024;

    private static final int BATCH_BYTES = 1024 * 1024;

    private final String bootstrapServers;
    private final String saslUser;
    private final Properties clientProperties;
    private Admin admin;
    private KafkaProducer<String, byte[]> producer;

    KafkaSession(KafkaOptions options) {
        this.clientProperties = options.clientProperties();
        this.bootstrapServers = options.bootstrapServers;
        this.saslUser = options.saslUser();
    }

    /** Checks that the broker answers and has these topics; returns every topic this user may see. */
    Set<String> requireTopics(Collection<String> topics) {
        Set<String> existing = existingTopics();
        for (String topic : topics) {
            if (!existing.contains(topic)) {
                throw new CliException(
                        ExitCodes.KAFKA_UNAVAILABLE,
                        "Kafka at " + bootstrapServers + " has no topic " + topic + " that this user may see");
            }
        }
        return existing;
    }

    Set<String> existingTopics() {
        try {
            return admin().listTopics().names().get(TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unreachable(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw unreachable(e);
        }
    }

    /** Sends and waits until the broker has the record. */
    void send(ProducerRecord<String, byte[]> record) {
        awaitSent(record.topic(), sendAsync(record)).ifPresent(reason -> {
            throw new CliException(ExitCodes.KAFKA_UNAVAILABLE, reason);
        });
    }

    /**
     * Hands the record to the producer, which batches it with the ones before; {@link #awaitSent} gives the outcome.
     */
    Future<RecordMetadata> sendAsync(ProducerRecord<String, byte[]> record) {
        return producer().send(record);
    }

    /**
     * Waits until the broker has a record sent with {@link #sendAsync}: empty when it has, else why this record was
     * not sent. A refused login or a missing permission concerns every record: it throws.
     */
    Optional<String> awaitSent(String topic, Future<RecordMetadata> sent) {
        try {
            sent.get();
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException || e.getCause() instanceof AuthorizationException) {
                throw unreachable(e.getCause());
            }
            return Optional.of("cannot send to " + topic + " at " + bootstrapServers + ": "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            throw unreachable(e);
        }
    }

    /**
     * A reader of every partition of the topics (no group, nothing committed), positioned at their beginning or end
     * before this returns, so a record published afterwards is not missed.
     */
    TopicFollower reader(Collection<String> topics, boolean fromBeginning) {
        Map<String, Object> config = new HashMap<>();
        withDefaults("default.api.timeout.ms", "request.timeout.ms")
                .forEach((key, value) -> config.put(String.valueOf(key), value));
        try {
            return TopicFollower.builder(config)
                    .topics(topics, fromBeginning ? TopicFollower.StartAt.BEGINNING : TopicFollower.StartAt.END)
                    .maxRecordBytes(MAX_REQUEST_BYTES)
                    .open();
        } catch (org.apache.kafka.common.errors.TimeoutException | AuthenticationException | AuthorizationException e) {
            throw unreachable(e);
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(withDefaults("default.api.timeout.ms", "request.timeout.ms"));
        }
        return admin;
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties properties = withDefaults("max.block.ms", "request.timeout.ms");
            properties.putIfAbsent("delivery.timeout.ms", String.valueOf(2 * TIMEOUT.toMillis()));
            properties.putIfAbsent("acks", "all");
            properties.putIfAbsent("max.request.size", String.valueOf(MAX_REQUEST_BYTES));
            // Bulk publishing: many small photos per produce request (the defaults, 16 KiB and no linger, send about
            // one photo per request).
            properties.putIfAbsent("batch.size", String.valueOf(BATCH_BYTES));
            properties.putIfAbsent("linger.ms", "5");
            producer = new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** The user's client properties, with {@link #TIMEOUT} for the timeouts they leave unset. */
    private Properties withDefaults(String... timeoutSettings) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        for (String setting : timeoutSettings) {
            properties.putIfAbsent(setting, String.valueOf(TIMEOUT.toMillis()));
        }
        return properties;
    }

    private CliException unreachable(Throwable cause) {
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof AuthenticationException) {
            // Wrong password, unknown user, or a broker certificate the truststore does not vouch for.
            return new CliException(
                    ExitCodes.KAFKA_UNAVAILABLE,
                    "Kafka at " + bootstrapServers + " refused the login"
                            + (saslUser == null ? "" : " of user " + saslUser) + " (" + detail + ")");
        }
        if (cause instanceof AuthorizationException) {
            return new CliException(
                    ExitCodes.KAFKA_UNAVAILABLE,
                    "Kafka at " + bootstrapServers + " does not allow "
                            + (saslUser == null ? "this client" : "user " + saslUser) + " that (" + detail + ")");
        }
        return new CliException(
                ExitCodes.KAFKA_UNAVAILABLE, "cannot reach Kafka at " + bootstrapServers + " (" + detail + ")");
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(TIMEOUT);
        }
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }
}
