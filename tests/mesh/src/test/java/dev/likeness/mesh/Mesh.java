package dev.likeness.mesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.follower.TopicFollower;
import dev.likeness.local.kafka.BrokerProcess;
import dev.likeness.local.kafka.LocalKafkaBroker;
import dev.likeness.testing.KafkaTestClient;
import dev.likeness.testing.ServiceProcess;

/**
 * A broker of its own (data under target/, so it can be restarted with its data) and the embedding, matching and
 * stylising services as OS processes from their built jars, configured only through environment and JVM options.
 */
final class Mesh implements AutoCloseable {

    static final String IMAGES = Topics.IMAGES;
    static final String FACES = Topics.FACES;
    static final String MATCHES = Topics.MATCHES;
    static final String GALLERY = Topics.GALLERY;
    static final String EMBEDDING_DLQ = Topics.deadLetters("embedding");
    static final String MATCHING_DLQ = Topics.deadLetters("matching");
    static final String STYLE_REQUESTS = Topics.STYLE_REQUESTS;
    static final String STYLE_RESULTS = Topics.STYLE_RESULTS;
    static final String STYLISING_DLQ = Topics.deadLetters("stylising");
    static final int PARTITIONS = 3;
    /** The read-process-write input channel of each service. */
    private static final Map<String, String> INPUTS =
            Map.of("embedding", "images", "matching", "faces", "stylising", "style-requests");

    /** The topics created before the services start (besides the compacted gallery). */
    private static final List<String> QUEUES =
            List.of(IMAGES, FACES, MATCHES, EMBEDDING_DLQ, MATCHING_DLQ, STYLE_REQUESTS, STYLE_RESULTS, STYLISING_DLQ);

    private static final Set<String> COPIED = new HashSet<>();

    /** The insight corpus root of stylising and embedding, shared by every mesh of the test JVM (fetch.sh fetches into it once). */
    static final Path CORPUS_ROOT = Path.of("target", "corpus").toAbsolutePath();

    private final Path dataDir;
    private BrokerProcess broker;
    private final List<ServiceProcess> services = new ArrayList<>();

    private Mesh(Path dataDir) {
        this.dataDir = dataDir;
        this.broker = LocalKafkaBroker.start(dataDir, 0);
    }

    /** A fresh broker with the mesh's topics, created before any service so requests can queue up first. */
    static Mesh withTopics(String name) throws Exception {
        Path dir = Path.of("target", "mesh", name + "-" + System.currentTimeMillis())
                .toAbsolutePath();
        Files.createDirectories(dir);
        Mesh mesh = new Mesh(dir);
        try (KafkaTestClient kafka = mesh.client()) {
            List<NewTopic> topics = new ArrayList<>();
            for (String topic : QUEUES) {
                topics.add(new NewTopic(topic, PARTITIONS, (short) 1));
            }
            topics.add(new NewTopic(GALLERY, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact")));
            kafka.createTopics(topics.toArray(NewTopic[]::new));
        }
        return mesh;
    }

    /**
     * Sends every record and waits until the broker has each one; a send that fails (a partition whose leader
     * is still being elected just after the topic was created) is sent again.
     */
    void publish(List<ProducerRecord<String, byte[]>> records) throws Exception {
        publish(records, Map.of());
    }

    /** {@link #publish(List)} with producer settings of the caller's (compression, for one). */
    void publish(List<ProducerRecord<String, byte[]>> records, Map<String, Object> producerSettings) throws Exception {
        Map<String, Object> config = new HashMap<>(producerSettings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        // One request in flight: with five, a first batch retried right after topic creation came back "out of
        // sequence" behind later ones and was refused until its delivery timeout (2 min per test).
        config.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        List<ProducerRecord<String, byte[]>> pending = records;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > 5) {
                throw new IllegalStateException(pending.size() + " records could not be published");
            }
            // A new producer per attempt: an idempotent producer whose sends failed may keep failing.
            try (KafkaTestClient kafka = new KafkaTestClient(config)) {
                KafkaProducer<String, byte[]> producer = kafka.producer();
                List<Future<RecordMetadata>> sends = new ArrayList<>(pending.size());
                pending.forEach(record -> sends.add(producer.send(record)));
                List<ProducerRecord<String, byte[]>> failed = new ArrayList<>();
                for (int i = 0; i < sends.size(); i++) {
                    try {
                        sends.get(i).get(1, TimeUnit.MINUTES);
                    } catch (ExecutionException | TimeoutException e) {
                        failed.add(pending.get(i));
                    }
                }
                pending = failed.isEmpty() ? failed : notYetWritten(failed);
            }
        }
    }

    /**
     * The records of a failed attempt that the topics do not hold. A send can fail at the client after the broker
     * appended it (a lost acknowledgement, then an idempotent producer's retry refused as out of sequence): sending
     * those again would put a request on the topic twice, and the services rightly answer each copy.
     */
    private List<ProducerRecord<String, byte[]>> notYetWritten(List<ProducerRecord<String, byte[]>> failed) {
        Map<String, List<byte[]>> written = new HashMap<>();
        try (KafkaTestClient kafka = client()) {
            for (String topic :
                    failed.stream().map(ProducerRecord::topic).distinct().toList()) {
                try (TopicFollower reader = kafka.readFromBeginning(topic)) {
                    boolean read = reader.readToEnd(
                            Duration.ofMinutes(1),
                            record -> written.computeIfAbsent(topic + "/" + record.key(), k -> new ArrayList<>())
                                    .add(record.value()));
                    if (!read) {
                        throw new IllegalStateException("Cannot read " + topic + " to its end to resend what failed");
                    }
                }
            }
        }
        return failed.stream()
                .filter(record -> written.getOrDefault(record.topic() + "/" + record.key(), List.of()).stream()
                        .noneMatch(value -> Arrays.equals(value, record.value())))
                .toList();
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    KafkaTestClient client() {
        return new KafkaTestClient(bootstrapServers());
    }

    /** Starts the given services side by side (each waits for its own readiness), in the order given. */
    ServiceProcess[] startServices(String delivery, String heap, String... modules) {
        List<CompletableFuture<ServiceProcess>> starts = new ArrayList<>();
        for (String module : modules) {
            starts.add(CompletableFuture.supplyAsync(() -> service(module, delivery, heap)));
        }
        return starts.stream().map(CompletableFuture::join).toArray(ServiceProcess[]::new);
    }

    ServiceProcess service(String module, String delivery, String heap) {
        ServiceProcess service = ServiceProcess.builder(
                        module, application(module).resolve("quarkus-run.jar"))
                .jvmOption("-Xmx" + heap)
                // A heap overflow must end the process loudly, never leave it limping.
                .jvmOption("-XX:+ExitOnOutOfMemoryError")
                .jvmOption("-Dlikeness.models.dir=" + ModelsDirectory.locate())
                // A SIGKILLed consumer never leaves its group: its partitions move once its session expires.
                // 10 s instead of Kafka's 45 s keeps the test short; the guarantees do not depend on it.
                .jvmOption("-Dmp.messaging.incoming." + INPUTS.get(module) + ".session.timeout.ms=10000")
                .env("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers())
                .env("LIKENESS_DELIVERY", delivery)
                // Stable across restarts: a restarted service fences and aborts the transaction its predecessor left
                // open.
                .env("HOSTNAME", "mesh-test")
                // Matching's gallery snapshots live with the broker's data: a restart finds both, a new mesh neither.
                .env(
                        "LIKENESS_MATCHING_GALLERY_SNAPSHOT_DIRECTORY",
                        dataDir.resolve("gallery-snapshots").toString())
                // Insight results in one folder both services write to, as on a shared volume (docs/deploy.md).
                .env("LIKENESS_STYLISING_INSIGHT_RESULTS_DIR", insightResults().toString())
                .env("LIKENESS_EMBEDDING_INSIGHT_RESULTS_DIR", insightResults().toString())
                .env("LIKENESS_STYLISING_INSIGHT_CORPUS_ROOT", CORPUS_ROOT.toString())
                .env("LIKENESS_EMBEDDING_INSIGHT_CORPUS_ROOT", CORPUS_ROOT.toString())
                .logFile(dataDir.resolve(module + ".log"))
                .start();
        services.add(service);
        return service;
    }

    /**
     * A copy of the module's packaged application, made once per test JVM: a rebuild of the module while the
     * tests run (an IDE, another build) must not pull jars from under a running service.
     */
    private static synchronized Path application(String module) {
        Path copy = Path.of("target", "apps", module).toAbsolutePath();
        if (COPIED.add(module)) {
            Path servicesDir = Path.of(System.getProperty("likeness.services.dir", "../../services"));
            Path app = ServiceProcess.jarOf(servicesDir.resolve(module)).getParent();
            try {
                deleteRecursively(copy);
                try (Stream<Path> files = Files.walk(app)) {
                    for (Path path : files.toList()) {
                        Path target = copy.resolve(app.relativize(path).toString());
                        if (Files.isDirectory(path)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(path, target);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot copy " + app + " (package the " + module + " module first)", e);
            }
        }
        return copy;
    }

    /** Where the services write insight results: with the broker's data. */
    Path insightResults() {
        return dataDir.resolve("insight");
    }

    /** Stops the broker cleanly and starts it again on the same port with the same data. */
    void restartBroker() {
        int port = broker.port();
        broker.stop();
        broker = LocalKafkaBroker.start(dataDir, port);
    }

    /** Stops everything and drops the broker's log segments; the service and broker logs stay for reading. */
    @Override
    public void close() {
        services.forEach(ServiceProcess::stop);
        broker.stop();
        deleteRecursively(dataDir.resolve("kafka-logs"));
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }
}
