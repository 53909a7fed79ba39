package dev.likeness.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests {@link TenantManifests} generates, applied by the secured broker as Strimzi would: each tenant's user
 * reads and writes its own topics with its own groups, cannot read or write the other tenant's (nor the mesh's), and
 * has its produce quota.
 */
@Tag("broker")
class TenantManifestsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long PRODUCER_BYTE_RATE = 262_144;
    private static final int FLOOD_RECORD_BYTES = 16_384;
    private static final Duration FLOOD = Duration.ofSeconds(15);
    private static final Duration FLOOD_WARM_UP = Duration.ofSeconds(4);
    private static final int QUIET_SENDS = 300;
    private static final int QUIET_RECORD_BYTES = 100;

    @TempDir
    static Path dataDir;

    private static BrokerProcess broker;

    @BeforeAll
    static void startWithTenants() throws Exception {
        Path manifests = dataDir.resolve("tenants.yaml");
        TenantManifests.main(new String[] {
            "tenant-a",
            "tenant-b",
            "--producer-byte-rate",
            String.valueOf(PRODUCER_BYTE_RATE),
            "--out",
            manifests.toString()
        });
        broker = LocalKafkaBroker.startSecured(
                Files.createDirectories(dataDir.resolve("broker")), 0, manifests, manifests);
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    @Test
    void aTenantReadsAndWritesItsOwnTopicsOnly() throws Exception {
        String ownImages = TenantManifests.prefix("tenant-a") + "images.v1";
        String otherImages = TenantManifests.prefix("tenant-b") + "images.v1";
        String otherMatches = TenantManifests.prefix("tenant-b") + "matches.v1";
        String userA = TenantManifests.userName("tenant-a");

        send(userA, ownImages, "a's request");
        assertThat(read(userA, TenantManifests.prefix("tenant-a") + "reader", ownImages))
                .extracting(record -> new String(record.value(), StandardCharsets.UTF_8))
                .contains("a's request");

        send(TenantManifests.userName("tenant-b"), otherImages, "b's request");
        assertThatThrownBy(() -> send(userA, otherImages, "forged by a"))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> read(userA, TenantManifests.prefix("tenant-a") + "reader", otherMatches))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> read(userA, TenantManifests.prefix("tenant-b") + "reader", ownImages))
                .isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void eachTenantHasItsProduceQuota() throws Exception {
        try (Admin admin = Admin.create(broker.adminConfig())) {
            var quotas = admin.describeClientQuotas(ClientQuotaFilter.containsOnly(
                            List.of(ClientQuotaFilterComponent.ofEntityType(ClientQuotaEntity.USER))))
                    .entities()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<String, Double> producerRates = new HashMap<>();
            quotas.forEach((entity, values) ->
                    producerRates.put(entity.entries().get(ClientQuotaEntity.USER), values.get("producer_byte_rate")));
            assertThat(producerRates)
                    .containsEntry(TenantManifests.userName("tenant-a"), (double) PRODUCER_BYTE_RATE)
                    .containsEntry(TenantManifests.userName("tenant-b"), (double) PRODUCER_BYTE_RATE);
        }
    }

    /**
     * Tenant A floods a topic of its own as fast as its producer can while tenant B sends small records one at a time:
     * the brokers hold A to its produce quota by throttling (the client reports throttle time), and B's send latency
     * is printed alone and under the flood (docs/reliability.md, "A flooding tenant"; no timing is asserted, the
     * machine is shared).
     */
    @Test
    void aFloodingTenantIsThrottledToItsQuota() throws Exception {
        // The quota is the user's, whatever the topic: these are topics the other test does not read.
        String floodTopic = TenantManifests.prefix("tenant-a") + "matches.v1";
        String quietTopic = TenantManifests.prefix("tenant-b") + "matches.v1";
        try (KafkaProducer<byte[], byte[]> quiet = producer("tenant-b", Map.of());
                KafkaProducer<byte[], byte[]> flooding = producer(
                        "tenant-a",
                        Map.of(
                                ProducerConfig.LINGER_MS_CONFIG, 5,
                                ProducerConfig.BATCH_SIZE_CONFIG, FLOOD_RECORD_BYTES * 4,
                                // A small buffer: at the end the unsent rest is dropped, not drained at the quota.
                                ProducerConfig.BUFFER_MEMORY_CONFIG, FLOOD_RECORD_BYTES * 32))) {
            long[] alone = quietLatencies(quiet, quietTopic);

            AtomicLong ackedBytes = new AtomicLong();
            AtomicBoolean floodOn = new AtomicBoolean(true);
            Thread flood = new Thread(
                    () -> {
                        byte[] value = new byte[FLOOD_RECORD_BYTES];
                        try {
                            while (floodOn.get()) {
                                flooding.send(new ProducerRecord<>(floodTopic, value), (metadata, failure) -> {
                                    if (failure == null) {
                                        ackedBytes.addAndGet(FLOOD_RECORD_BYTES);
                                    }
                                });
                            }
                        } catch (KafkaException closedWhileBlocked) {
                            // The producer was closed while send waited for buffer space: the flood is over.
                        }
                    },
                    "tenant-a-flood");
            flood.start();
            long started = System.nanoTime();
            Thread.sleep(FLOOD_WARM_UP.toMillis());
            long ackedAtWarmUp = ackedBytes.get();
            long warmedUp = System.nanoTime();
            long[] underFlood = quietLatencies(quiet, quietTopic);
            long remaining = FLOOD.toNanos() - (System.nanoTime() - started);
            if (remaining > 0) {
                TimeUnit.NANOSECONDS.sleep(remaining);
            }
            long steadyBytes = ackedBytes.get() - ackedAtWarmUp;
            double steadySeconds = (System.nanoTime() - warmedUp) / 1e9;
            double throttleMaxMs = metric(flooding, "produce-throttle-time-max");
            double throttleAvgMs = metric(flooding, "produce-throttle-time-avg");
            floodOn.set(false);
            flooding.close(Duration.ZERO);
            flood.join(TIMEOUT.toMillis());

            System.out.printf(
                    "Tenant A flooding with %d-byte records, quota %d B/s: %d bytes acknowledged in the first %d s,"
                            + " then %.0f B/s (%d bytes in %.1f s, %.2fx the quota); produce throttle time max %.0f ms,"
                            + " avg %.0f ms%n",
                    FLOOD_RECORD_BYTES,
                    PRODUCER_BYTE_RATE,
                    ackedAtWarmUp,
                    FLOOD_WARM_UP.toSeconds(),
                    steadyBytes / steadySeconds,
                    steadyBytes,
                    steadySeconds,
                    steadyBytes / steadySeconds / PRODUCER_BYTE_RATE,
                    throttleMaxMs,
                    throttleAvgMs);
            System.out.printf(
                    "Tenant B's %d sends (acks=all) alone: p50 %.1f ms, p99 %.1f ms; under A's flood: p50 %.1f ms,"
                            + " p99 %.1f ms%n",
                    QUIET_SENDS,
                    percentileMs(alone, 0.50),
                    percentileMs(alone, 0.99),
                    percentileMs(underFlood, 0.50),
                    percentileMs(underFlood, 0.99));
            // The brokers throttled the flooding tenant's producer: its quota is enforced, not only configured.
            assertThat(throttleMaxMs).isPositive();
            assertThat(metric(quiet, "produce-throttle-time-max")).isZero();
        }
    }

    private static long[] quietLatencies(KafkaProducer<byte[], byte[]> producer, String topic) throws Exception {
        long[] nanos = new long[QUIET_SENDS];
        byte[] value = new byte[QUIET_RECORD_BYTES];
        for (int i = 0; i < QUIET_SENDS; i++) {
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, value)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static double percentileMs(long[] nanos, double quantile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(quantile * sorted.length) - 1] / 1e6;
    }

    private static double metric(KafkaProducer<?, ?> producer, String name) {
        return producer.metrics().entrySet().stream()
                .filter(entry -> entry.getKey().group().equals("producer-metrics")
                        && entry.getKey().name().equals(name))
                .map(entry -> ((Number) entry.getValue().metricValue()).doubleValue())
                .map(value -> value.isNaN() ? 0 : value)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no producer metric " + name));
    }

    private static KafkaProducer<byte[], byte[]> producer(String tenant, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(broker.clientConfig(TenantManifests.userName(tenant)));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putAll(settings);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(String user, String topic, String value) throws Exception {
        SecuredClients.send(broker.clientConfig(user), topic, value);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String user, String group, String topic) {
        return SecuredClients.readWithGroup(broker.clientConfig(user), group, topic);
    }
}
