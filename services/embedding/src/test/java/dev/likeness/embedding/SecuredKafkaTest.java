package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import dev.likeness.follower.TopicFollower;
import dev.likeness.local.kafka.TenantManifests;
import dev.likeness.testing.KafkaTestClient;
import dev.likeness.testing.SecuredKafkaBroker;
import dev.likeness.testing.SecuredKafkaBrokerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The service against a secured broker (SASL_SSL, SCRAM-SHA-512, ACLs of deploy/k8s), configured by nothing
 * but the keys its environment sets in a cluster, logged in as its own least-privilege user; in exactly-once
 * mode, so its transactional id is checked against its ACLs too.
 */
@QuarkusTest
@TestProfile(SecuredKafkaTest.ExactlyOnce.class)
@WithTestResource(
        value = SecuredKafkaBrokerResource.class,
        initArgs = @ResourceArg(name = "user", value = "likeness-embedding"))
@Tag("broker")
@Tag("models")
class SecuredKafkaTest {

    public static class ExactlyOnce implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("likeness.delivery", "exactly-once");
        }
    }

    @Test
    void anImageBecomesItsFacesOverSaslSsl() throws Exception {
        String requestId = "secured-" + UUID.randomUUID();
        ImageSubmitted request = identify(requestId);
        // The test plays the mesh's other parts as the super user.
        try (KafkaTestClient kafka = SecuredKafkaBroker.client(SecuredKafkaBroker.ADMIN);
                TopicFollower faces = kafka.readFromEnd(ImagesToFacesTest.FACES)) {
            kafka.send(ImagesToFacesTest.IMAGES, requestId, request.toByteArray());
            List<ConsumerRecord<String, byte[]>> results = faces.read(1, Duration.ofMinutes(2));
            assertThat(results).hasSize(1);
            assertThat(results.get(0).key()).isEqualTo(requestId);
            FacesEmbedded embedded = FacesEmbedded.parseFrom(results.get(0).value());
            assertThat(embedded.getFacesCount()).isEqualTo(ImagesToFacesTest.FACES_PER_SAMPLE[0]);
            ImagesToFacesTest.assertFused(embedded.getFaces(0));
            assertThat(embedded.getOnTenantTopic()).isFalse();
        }
        // The result went out in a transaction, under an id of the service's own prefix.
        try (Admin admin = Admin.create(SecuredKafkaBroker.shared().adminConfig())) {
            assertThat(admin.listTransactions().all().get(30, TimeUnit.SECONDS))
                    .extracting(TransactionListing::transactionalId)
                    .anyMatch(id -> id.startsWith("likeness-embedding-"));
        }
    }

    /**
     * A tenant's own client writes its own images topic only, and the tenant of what it writes is the topic's: a
     * request claiming another tenant is refused, never embedded as that tenant's.
     */
    @Test
    void aTenantsClientWritesAsItsTenantOnly() throws Exception {
        String tenantA = SecuredKafkaBroker.TENANTS.get(0);
        String tenantB = SecuredKafkaBroker.TENANTS.get(1);
        String own = "tenant-own-" + UUID.randomUUID();
        String forged = "tenant-forged-" + UUID.randomUUID();
        try (KafkaTestClient admin = SecuredKafkaBroker.client(SecuredKafkaBroker.ADMIN);
                KafkaTestClient clientOfA = SecuredKafkaBroker.client(TenantManifests.userName(tenantA));
                TopicFollower faces = admin.readFromEnd(ImagesToFacesTest.FACES);
                TopicFollower deadLetters = admin.readFromEnd(ImagesToFacesTest.DEAD_LETTERS)) {
            // Kafka refuses A's principal the other tenant's topic and the mesh's own.
            for (String notA : List.of(TenantTopics.images(tenantB), ImagesToFacesTest.IMAGES)) {
                assertThatThrownBy(() -> clientOfA.send(notA, own, identify(own).toByteArray()))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            clientOfA.send(TenantTopics.images(tenantA), own, identify(own).toByteArray());
            clientOfA.send(
                    TenantTopics.images(tenantA),
                    forged,
                    identify(forged).toBuilder().setTenant(tenantB).build().toByteArray());

            List<ConsumerRecord<String, byte[]>> results = faces.read(1, Duration.ofMinutes(2));
            assertThat(results).extracting(ConsumerRecord::key).containsExactly(own);
            FacesEmbedded embedded = FacesEmbedded.parseFrom(results.get(0).value());
            assertThat(embedded.getTenant()).isEqualTo(tenantA);
            assertThat(embedded.getOnTenantTopic()).isTrue();

            List<ConsumerRecord<String, byte[]>> letters = deadLetters.read(1, Duration.ofMinutes(1));
            assertThat(letters).extracting(ConsumerRecord::key).containsExactly(forged);
            DeadLetter letter = DeadLetter.parseFrom(letters.get(0).value());
            assertThat(letter.getReasonCode()).isEqualTo("TENANT_MISMATCH");
            assertThat(letter.getSourceTopic()).isEqualTo(TenantTopics.images(tenantA));
            // Nothing more came of the forged request.
            assertThat(faces.read(1, Duration.ofSeconds(3))).isEmpty();
        }
    }

    private static ImageSubmitted identify(String requestId) throws IOException {
        return ImageSubmitted.newBuilder()
                .setRequestId(requestId)
                .setImage(ImageSource.newBuilder()
                        .setInline(ByteString.copyFrom(
                                Files.readAllBytes(ModelsDirectory.locate().resolve("samples/sample1.jpg")))))
                .setPurpose(Purpose.newBuilder().setIdentify(Purpose.Identify.getDefaultInstance()))
                .build();
    }
}
