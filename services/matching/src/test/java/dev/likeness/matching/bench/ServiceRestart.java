package dev.likeness.matching.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.kafka.Topics;
import dev.likeness.matching.SyntheticEmbeddings;
import dev.likeness.matching.gallery.IdentityUpdates;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.ServiceProcess;

/**
 * RestartBenchmark's {@code --service} mode: a restarted matching replica, the service process itself, from its
 * start until it is ready. The broker's gallery topic is laid out as the snapshot expects it: one partition whose
 * first N offsets the snapshot covers, then K new identities enrolled after it. The first N records are tombstones
 * of identities that never existed, not the N enrolments: a replica that restores the snapshot starts reading at
 * offset N and never reads them, and one that did not would end up with K identities instead of N + K, which the
 * check after the start catches. The snapshot file itself (2.3 GB at a million identities with its graph) is
 * linked, not copied, into the service's snapshot directory: the service writes its own next snapshot under
 * another name and renames it over the link, never into the original.
 */
final class ServiceRestart {

    private static final Pattern RESTORED =
            Pattern.compile("Restored the gallery snapshot of \\S+ taken at \\S+ in (\\d+) ms");
    private static final Pattern STARTED = Pattern.compile("started in (\\d+\\.\\d+)s");

    private ServiceRestart() {}

    static void run(int size, int catchUp, Path snapshots, String heap) throws IOException {
        Path snapshot = snapshots.resolve(Topics.GALLERY + ".snapshot");
        if (!Files.exists(snapshot)) {
            throw new IllegalStateException("no snapshot at " + snapshot + ": run `make bench-restart"
                    + " BENCH_RESTART_ARGS=\"--sizes " + size + " --graph-up-to " + size + "\"` first");
        }
        Path work = Files.createTempDirectory(snapshots.toAbsolutePath().getParent(), "service-restart-");
        Path serviceSnapshots = Files.createDirectories(work.resolve("snapshots"));
        Files.createLink(serviceSnapshots.resolve(snapshot.getFileName()), snapshot.toAbsolutePath());

        KafkaBroker broker = KafkaBroker.shared();
        long published = layOutGalleryTopic(broker.bootstrapServers(), size, catchUp);

        // exec:exec runs in the module's directory; a plain java command in the repository's root.
        Path jar = Files.exists(ServiceProcess.jarOf(Path.of(".")))
                ? ServiceProcess.jarOf(Path.of("."))
                : ServiceProcess.jarOf(Path.of("services", "matching"));
        Path log = work.resolve("matching.log");
        long start = System.nanoTime();
        try (ServiceProcess matching = ServiceProcess.builder("matching", jar)
                .jvmOption("-Xmx" + heap)
                .env("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers())
                .env("LIKENESS_MATCHING_GALLERY_SNAPSHOT_DIRECTORY", serviceSnapshots.toString())
                // The snapshot is a fixture written by an earlier run, maybe more than the default 12 hours ago.
                .env("LIKENESS_MATCHING_GALLERY_SNAPSHOT_MAX_AGE", "30d")
                .logFile(log)
                .readyTimeout(Duration.ofMinutes(10))
                .start()) {
            double readySeconds = (System.nanoTime() - start) / 1e9;
            String health = matching.get("/q/health/ready");
            JsonNode gallery = new ObjectMapper().readTree(health);
            long identities = number(gallery, "identities");
            long applied = number(gallery, "recordsApplied");
            if (identities != size + catchUp || applied != catchUp) {
                throw new IllegalStateException("the replica holds " + identities + " identities after applying "
                        + applied + " records, not " + (size + catchUp) + " after " + catchUp + ": " + health);
            }
            String logText = Files.readString(log);
            System.out.println("| identities in the snapshot | records to catch up | Quarkus started, s | snapshot"
                    + " restored, s | ready, s (from the process's start) | identities when ready |");
            System.out.println("|---|---|---|---|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| %,d | %,d | %s | %s | %.1f | %,d |%n",
                    size,
                    published - size,
                    last(STARTED, logText).orElse("?"),
                    last(RESTORED, logText)
                            .map(ms -> String.format(Locale.ROOT, "%.1f", Long.parseLong(ms) / 1e3))
                            .orElse("?"),
                    readySeconds,
                    identities);
            System.out.println("Service log: " + log.toAbsolutePath());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(serviceSnapshots.resolve(snapshot.getFileName()));
        }
    }

    /** Creates the gallery topic (one partition, compacted) and fills it; returns its end offset. */
    private static long layOutGalleryTopic(String bootstrap, int size, int catchUp) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.GALLERY, 1, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("could not create " + Topics.GALLERY + ": " + e.getMessage(), e);
        }
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1 << 20));
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        SyntheticEmbeddings embeddings = new SyntheticEmbeddings(catchUp, RestartBenchmark.DIMENSION, 32, 0.7);
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < size; i++) {
                producer.send(new ProducerRecord<>(Topics.GALLERY, 0, "never-enrolled-" + i, null));
            }
            Future<RecordMetadata> last = null;
            for (int i = 0; i < catchUp; i++) {
                String id = "enrolled-after-the-snapshot-" + i;
                byte[] identity = IdentityUpdates.enrol(
                                null,
                                id,
                                "Person " + id,
                                RestartBenchmark.MODEL,
                                embeddings.person(),
                                "request-" + id,
                                now,
                                5)
                        .toByteArray();
                last = producer.send(new ProducerRecord<>(Topics.GALLERY, 0, id, identity));
            }
            producer.flush();
            return last == null ? size : last.get().offset() + 1;
        } catch (Exception e) {
            throw new IllegalStateException("could not fill " + Topics.GALLERY + ": " + e.getMessage(), e);
        }
    }

    /** A number the readiness check's data carries (the gallery check's). */
    private static long number(JsonNode health, String field) {
        JsonNode value = health.findValue(field);
        if (value == null || !value.canConvertToLong()) {
            throw new IllegalStateException("no " + field + " in " + health);
        }
        return value.asLong();
    }

    /** The first group of the pattern's last match: the service's own start, not an earlier one's. */
    private static Optional<String> last(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        String found = null;
        while (matcher.find()) {
            found = matcher.group(1);
        }
        return Optional.ofNullable(found);
    }
}
