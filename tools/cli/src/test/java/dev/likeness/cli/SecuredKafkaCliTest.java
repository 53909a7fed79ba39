package dev.likeness.cli;

import static dev.likeness.cli.CliRun.likeness;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.follower.TopicFollower;
import dev.likeness.local.kafka.BrokerProcess;
import dev.likeness.local.kafka.TenantManifests;
import dev.likeness.testing.KafkaTestClient;
import dev.likeness.testing.SecuredKafkaBroker;

/** The CLI against the secured broker (SASL_SSL, SCRAM-SHA-512, ACLs), logged in as the KafkaUser likeness-cli. */
@Tag("broker")
@Tag("models")
class SecuredKafkaCliTest {

    private static final Path PHOTO = ModelsDirectory.resolve("samples/sample1.jpg");
    private static final String USER = "likeness-cli";

    @TempDir
    Path dir;

    @Test
    void publishesWithCredentialsAndAPemTruststore() throws Exception {
        BrokerProcess broker = SecuredKafkaBroker.shared();
        Path passwordFile =
                Files.writeString(dir.resolve("password"), broker.security().password(USER) + "\n");
        try (KafkaTestClient admin = SecuredKafkaBroker.client(SecuredKafkaBroker.ADMIN);
                TopicFollower images = admin.readFromEnd(Topics.IMAGES)) {
            CliRun run = likeness(
                    "publish",
                    PHOTO.toString(),
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--sasl-username",
                    USER,
                    "--sasl-password-file",
                    passwordFile.toString(),
                    "--truststore",
                    broker.security().caCertificate().toString());

            assertThat(run.exitCode).as(run.err).isZero();
            List<ConsumerRecord<String, byte[]>> records = images.read(1, Duration.ofSeconds(30));
            assertThat(records).extracting(ConsumerRecord::key).containsExactly(run.out.strip());
        }
    }

    @Test
    void readsWithAPkcs12TruststoreWhosePasswordIsInTheCommandConfig() throws Exception {
        BrokerProcess broker = SecuredKafkaBroker.shared();
        Path passwordFile =
                Files.writeString(dir.resolve("password"), broker.security().password(USER));
        Path commandConfig = Files.writeString(
                dir.resolve("client.properties"),
                "ssl.truststore.password=" + broker.security().truststorePassword() + "\n");
        // A record of this test's own, and how many the topic holds with it: the watch must print them all.
        String requestId = "pkcs12-watch-" + UUID.randomUUID();
        int onTopic;
        try (KafkaTestClient admin = SecuredKafkaBroker.client(SecuredKafkaBroker.ADMIN)) {
            admin.send(CloudEventRecords.of(
                    Topics.MATCHES,
                    requestId,
                    MatchResult.newBuilder().setRequestId(requestId).build()));
            try (TopicFollower matches = admin.readFromBeginning(Topics.MATCHES)) {
                onTopic = matches.readToEnd(Duration.ofSeconds(30)).size();
            }
        }

        CliRun run = likeness(
                "watch",
                Topics.MATCHES,
                "--from-beginning",
                "--max",
                String.valueOf(onTopic),
                "--timeout",
                "60",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--command-config",
                commandConfig.toString(),
                "--sasl-username",
                USER,
                "--sasl-password-file",
                passwordFile.toString(),
                "--truststore",
                broker.security().truststore().toString());

        // Logged in and allowed to read: every record printed, this test's among them, before the timeout.
        assertThat(run.exitCode).as(run.err).isEqualTo(ExitCodes.OK);
        assertThat(run.out).contains(requestId);
    }

    @Test
    void aWrongPasswordIsAClearKafkaError() throws Exception {
        BrokerProcess broker = SecuredKafkaBroker.shared();
        Path passwordFile = Files.writeString(dir.resolve("password"), "not-the-password");

        CliRun run = likeness(
                "publish",
                PHOTO.toString(),
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--sasl-username",
                USER,
                "--sasl-password-file",
                passwordFile.toString(),
                "--truststore",
                broker.security().caCertificate().toString());

        assertThat(run.exitCode).isEqualTo(ExitCodes.KAFKA_UNAVAILABLE);
        assertThat(run.err)
                .contains("Kafka at " + broker.bootstrapServers() + " refused the login of user " + USER)
                .doesNotContain("\tat ");
    }

    @Test
    void aUserWithoutAPasswordIsAUsageError() {
        CliRun run = likeness("publish", PHOTO.toString(), "--sasl-username", USER);

        assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains("LIKENESS_KAFKA_PASSWORD").doesNotContain("\tat ");
    }

    @Test
    void aTenantsUserPublishesToItsOwnTopicAndIsRefusedTheMeshs() throws Exception {
        BrokerProcess broker = SecuredKafkaBroker.shared();
        String tenant = SecuredKafkaBroker.TENANTS.get(0);
        String user = TenantManifests.userName(tenant);
        Path passwordFile = Files.writeString(
                dir.resolve("tenant-password"), broker.security().password(user));
        List<String> login = List.of(
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--sasl-username",
                user,
                "--sasl-password-file",
                passwordFile.toString(),
                "--truststore",
                broker.security().caCertificate().toString(),
                "--tenant",
                tenant);
        try (KafkaTestClient admin = SecuredKafkaBroker.client(SecuredKafkaBroker.ADMIN);
                TopicFollower own = admin.readFromEnd(TenantTopics.images(tenant))) {
            CliRun published = likeness(concat(List.of("publish", PHOTO.toString(), "--tenant-topics"), login));

            assertThat(published.exitCode).as(published.err).isZero();
            List<ConsumerRecord<String, byte[]>> records = own.read(1, Duration.ofSeconds(30));
            assertThat(records).extracting(ConsumerRecord::key).containsExactly(published.out.strip());
            assertThat(ImageSubmitted.parseFrom(records.get(0).value()).getTenant())
                    .isEqualTo(tenant);
        }
        // The mesh's shared images topic is not the tenant's: its user may not even see it.
        CliRun refused = likeness(concat(List.of("publish", PHOTO.toString()), login));
        assertThat(refused.exitCode).as(refused.err).isEqualTo(ExitCodes.KAFKA_UNAVAILABLE);
        assertThat(refused.err).contains(Topics.IMAGES);
    }

    private static String[] concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toArray(String[]::new);
    }
}
