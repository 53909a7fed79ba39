package dev.likeness.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
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

    private static void send(String user, String topic, String value) throws Exception {
        SecuredClients.send(broker.clientConfig(user), topic, value);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String user, String group, String topic) {
        return SecuredClients.readWithGroup(broker.clientConfig(user), group, topic);
    }
}
