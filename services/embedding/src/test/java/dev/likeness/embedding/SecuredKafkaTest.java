package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import dev.likeness.follower.TopicFollower;
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
        ImageSubmitted request = ImageSubmitted.newBuilder()
                .setRequestId(requestId)
                .setImage(ImageSource.newBuilder()
                        .setInline(ByteString.copyFrom(
                                Files.readAllBytes(ModelsDirectory.locate().resolve("samples/sample1.jpg")))))
                .setPurpose(Purpose.newBuilder().setIdentify(Purpose.Identify.getDefaultInstance()))
                .build();
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
        }
        // The result went out in a transaction, under an id of the service's own prefix.
        try (Admin admin = Admin.create(SecuredKafkaBroker.shared().adminConfig())) {
            assertThat(admin.listTransactions().all().get(30, TimeUnit.SECONDS))
                    .extracting(TransactionListing::transactionalId)
                    .anyMatch(id -> id.startsWith("likeness-embedding-"));
        }
    }
}
