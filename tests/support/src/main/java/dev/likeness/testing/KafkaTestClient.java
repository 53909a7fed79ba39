package dev.likeness.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.likeness.follower.TopicFollower;
import dev.likeness.local.kafka.LocalKafkaBroker;

/**
 * What tests need from a broker: topics, a byte[] producer and readers. Keys are strings, values
 * bytes (the mesh's protobuf events). Opens its Kafka clients lazily and closes them in {@link #close()}.
 */
public final class KafkaTestClient implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> clientConfig;
    private Admin admin;
    private KafkaProducer<String, byte[]> producer;

    public KafkaTestClient(String bootstrapServers) {
        this(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** A client with these settings for every Kafka client it opens: bootstrap servers, and SASL/TLS if secured. */
    public KafkaTestClient(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
    }

    public String bootstrapServers() {
        return (String) clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** Topics with one partition each; topics that already exist are left as they are. */
    public void createTopics(String... names) {
        createTopics(Arrays.stream(names)
                .map(name -> new NewTopic(name, 1, (short) 1))
                .toArray(NewTopic[]::new));
    }

    /**
     * Topics with their own partitions and configs; topics that already exist are left as they are. Returns once
     * every partition has a leader: KRaft may answer the creation before its metadata reaches the broker, and a
     * consumer asking for the partitions then would find none.
     */
    public synchronized void createTopics(NewTopic... topics) {
        if (admin == null) {
            admin = Admin.create(clientConfig);
        }
        // One broker serves every test class in the JVM, so another test may have created a topic already.
        for (var creation : admin.createTopics(List.of(topics)).values().entrySet()) {
            try {
                creation.getValue().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + creation.getKey(), e.getCause());
                }
            } catch (InterruptedException | TimeoutException e) {
                throw failure("Could not create topic " + creation.getKey(), e);
            }
        }
        awaitLeaders(Arrays.stream(topics).map(NewTopic::name).toList());
    }

    private void awaitLeaders(List<String> topics) {
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        try {
            while (!led(topics)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "partitions of " + topics + " have no leader after " + REQUEST_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException | TimeoutException e) {
            throw failure("Could not describe topics " + topics, e);
        }
    }

    private boolean led(List<String> topics) throws InterruptedException, TimeoutException {
        try {
            return admin
                    .describeTopics(topics)
                    .allTopicNames()
                    .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .values()
                    .stream()
                    .allMatch(topic -> topic.partitions().stream()
                            .allMatch(partition -> partition.leader() != null
                                    && !partition.leader().isEmpty()));
        } catch (ExecutionException e) {
            // Created, but not yet in the metadata this broker answers from.
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new IllegalStateException("Could not describe topics " + topics, e.getCause());
        }
    }

    /** Sends and waits for the broker's acknowledgement. */
    public RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer().send(record).get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not send to " + record.topic(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw failure("Could not send to " + record.topic(), e);
        }
    }

    public RecordMetadata send(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /** The client's producer (acks=all, messages up to the broker's limit), for asynchronous sends. */
    public synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, LocalKafkaBroker.MAX_MESSAGE_BYTES);
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** A reader that sees every record the topic holds, then new ones. */
    public TopicFollower readFromBeginning(String topic) {
        return reader(topic, TopicFollower.StartAt.BEGINNING);
    }

    /** A reader that sees only records sent after this call: open it before triggering what writes them. */
    public TopicFollower readFromEnd(String topic) {
        return reader(topic, TopicFollower.StartAt.END);
    }

    private TopicFollower reader(String topic, TopicFollower.StartAt start) {
        try {
            return TopicFollower.builder(clientConfig).topic(topic, start).open();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    e.getMessage() + "; the broker does not create topics on demand, so create it first (createTopics)",
                    e);
        }
    }

    /** Reads the topic from its beginning until {@code count} records arrived or the timeout passed. */
    public List<ConsumerRecord<String, byte[]>> drain(String topic, int count, Duration timeout) {
        try (TopicFollower reader = readFromBeginning(topic)) {
            return reader.read(count, timeout);
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    static IllegalStateException failure(String message, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException(message + ": " + e, e);
    }
}
