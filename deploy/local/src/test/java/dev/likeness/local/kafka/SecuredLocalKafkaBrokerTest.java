package dev.likeness.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured broker applies deploy/k8s's KafkaUsers and KafkaTopics: each service logs in with its own SCRAM
 * password over TLS and may do what its ACLs say and nothing else, also after a restart on the same data.
 */
@Tag("broker")
class SecuredLocalKafkaBrokerTest {

    private static final Path MANIFESTS = Path.of("..", "k8s", "base", "kafka");

    @TempDir
    static Path dataDir;

    private static BrokerProcess broker;

    /** Started, stopped and started again on the same directory: every test then runs on a restarted broker. */
    @BeforeAll
    static void startSecuredBrokerTwice() {
        BrokerProcess first = start(0);
        String password = first.security().password("likeness-embedding");
        first.stop();
        broker = start(first.port());
        assertThat(broker.security().password("likeness-embedding")).isEqualTo(password);
    }

    private static BrokerProcess start(int port) {
        return LocalKafkaBroker.startSecured(
                dataDir, port, MANIFESTS.resolve("users.yaml"), MANIFESTS.resolve("topics.yaml"));
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    @Test
    void theAclsAndTopicsAreThoseOfTheManifests() throws Exception {
        Set<AclBinding> expected = new HashSet<>();
        StrimziManifests.users(MANIFESTS.resolve("users.yaml")).forEach(user -> expected.addAll(user.acls()));
        try (Admin admin = Admin.create(broker.adminConfig())) {
            assertThat(new HashSet<>(
                            admin.describeAcls(AclBindingFilter.ANY).values().get()))
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(admin.listTopics().names().get())
                    .contains(
                            "likeness.images.v1",
                            "likeness.gallery.v1",
                            "likeness.style.results.v1",
                            "likeness.stylising.dlq.v1");
            ConfigResource gallery = new ConfigResource(ConfigResource.Type.TOPIC, "likeness.gallery.v1");
            Config config = admin.describeConfigs(List.of(gallery)).all().get().get(gallery);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("max.message.bytes").value()).isEqualTo("17825792");
        }
        assertThat(expected)
                .extracting(acl -> acl.entry().principal())
                .contains("User:likeness-embedding", "User:likeness-matching", "User:likeness-stylising");
    }

    @Test
    void aServiceDoesWhatItsAclsAllow() throws Exception {
        send(broker.clientConfig("likeness-embedding"), "likeness.faces.v1", "faces of request 1");
        send(broker.clientConfig("likeness-matching"), "likeness.gallery.v1", "an identity");
        assertThat(broker.clientConfig("likeness-matching")).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void aServiceCannotWriteATopicItDoesNotProduce() {
        assertThatThrownBy(
                        () -> send(broker.clientConfig("likeness-stylising"), "likeness.gallery.v1", "forged identity"))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void aServiceReadsOnlyWithItsOwnGroup() throws Exception {
        send(broker.adminConfig(), "likeness.images.v1", "an image");
        assertThat(readWithGroup("likeness-embedding", "likeness-embedding", "likeness.images.v1"))
                .isNotEmpty();
        assertThatThrownBy(() -> readWithGroup("likeness-embedding", "likeness-matching", "likeness.images.v1"))
                .isInstanceOf(GroupAuthorizationException.class);
        assertThatThrownBy(() -> readWithGroup("likeness-stylising", "likeness-stylising", "likeness.images.v1"))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void aWrongPasswordOrNoTlsIsRefused() {
        Map<String, Object> wrongPassword = new HashMap<>(broker.clientConfig("likeness-embedding"));
        wrongPassword.put("sasl.jaas.config", BrokerSecurity.scramJaas("likeness-embedding", "not-the-password"));
        assertThatThrownBy(() -> send(wrongPassword, "likeness.faces.v1", "x"))
                .hasCauseInstanceOf(SaslAuthenticationException.class);

        Map<String, Object> plaintext = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                3000);
        try (Admin admin = Admin.create(plaintext)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    private static void send(Map<String, Object> clientConfig, String topic, String value) throws Exception {
        SecuredClients.send(clientConfig, topic, value);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readWithGroup(String user, String group, String topic) {
        return SecuredClients.readWithGroup(broker.clientConfig(user), group, topic);
    }
}
