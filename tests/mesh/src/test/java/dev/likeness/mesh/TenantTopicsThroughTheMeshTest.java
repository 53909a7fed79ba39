package dev.likeness.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.likeness.core.events.Requests;
import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.RecognisedFace;
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaTestClient;

/**
 * A tenant's own Kafka topics through the real embedding and matching services (docs/matching.md, "Tenants"): what
 * tenant A writes on likeness.tenant.A.images.v1 is A's, whatever it claims, and is answered on A's results topic
 * only; a request there claiming tenant B is refused and enrols no one in B's gallery. (That A's principal cannot
 * write B's topics is the broker's ACLs: the secured tests of embedding and matching.)
 */
@Tag("broker")
@Tag("models")
class TenantTopicsThroughTheMeshTest {

    private static final String A = "mesh-a";
    private static final String B = "mesh-b";

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aTenantsRequestsAreItsOwnAndAnsweredOnItsOwnTopic() throws Exception {
        Path samples = ModelsDirectory.locate().resolve("samples");
        byte[] woman = Files.readAllBytes(samples.resolve("sample1.jpg"));
        byte[] others = Files.readAllBytes(samples.resolve("sample2.jpg"));
        try (Mesh mesh = Mesh.withTopics("tenant-topics")) {
            try (KafkaTestClient kafka = mesh.client()) {
                // The tenant's KafkaTopics (tenant-manifests.sh), there before the services start.
                kafka.createTopics(
                        new NewTopic(TenantTopics.images(A), Mesh.PARTITIONS, (short) 1),
                        new NewTopic(TenantTopics.matches(A), Mesh.PARTITIONS, (short) 1));
            }
            mesh.startServices("at-least-once", "1g", "embedding", "matching");
            try (KafkaTestClient kafka = mesh.client();
                    TopicFollower answersOfA = kafka.readFromBeginning(TenantTopics.matches(A));
                    TopicFollower sharedAnswers = kafka.readFromBeginning(Mesh.MATCHES);
                    TopicFollower deadLetters = kafka.readFromBeginning(Mesh.EMBEDDING_DLQ)) {
                Map<String, MatchResult> ofA = new HashMap<>();
                Map<String, MatchResult> shared = new HashMap<>();
                mesh.publish(List.of(
                        request(TenantTopics.images(A), "enrol-a", woman, enrol(), ""),
                        request(TenantTopics.images(A), "forged-b", others, enrol(), B)));
                MatchResult enrolled = SubjectThroughTheMeshTest.await(answersOfA, "enrol-a", ofA);
                assertThat(enrolled.getTenant()).isEqualTo(A);
                assertThat(enrolled.getEnrolment().getCreated()).isTrue();
                List<ConsumerRecord<String, byte[]>> letters = deadLetters.read(1, Duration.ofMinutes(1));
                assertThat(letters).extracting(ConsumerRecord::key).containsExactly("forged-b");
                assertThat(DeadLetter.parseFrom(letters.get(0).value()).getReasonCode())
                        .isEqualTo("TENANT_MISMATCH");

                mesh.publish(List.of(
                        request(TenantTopics.images(A), "identify-a", woman, identify(), ""),
                        // The mesh's own topic, as the REST API writes it for tenant B: B's gallery has no one.
                        request(Mesh.IMAGES, "identify-b", woman, identify(), B)));
                assertThat(subject(SubjectThroughTheMeshTest.await(answersOfA, "identify-a", ofA))
                                .getCandidates(0)
                                .getIdentityId())
                        .isEqualTo("ada");
                MatchResult ofB = SubjectThroughTheMeshTest.await(sharedAnswers, "identify-b", shared);
                assertThat(ofB.getTenant()).isEqualTo(B);
                assertThat(subject(ofB).getUnknown()).isTrue();
                assertThat(subject(ofB).getCandidatesList()).isEmpty();
                // A's answers went to A's topic only.
                assertThat(shared).doesNotContainKeys("enrol-a", "identify-a", "forged-b");
                assertThat(ofA).containsOnlyKeys("enrol-a", "identify-a");
            }
        }
    }

    private static RecognisedFace subject(MatchResult result) {
        return result.getRecognition().getFacesList().stream()
                .filter(RecognisedFace::getSubject)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no subject in " + result));
    }

    private static Purpose enrol() {
        return Purpose.newBuilder()
                .setEnrol(Purpose.Enrol.newBuilder().setIdentityId("ada").setDisplayName("Ada"))
                .build();
    }

    private static Purpose identify() {
        return Purpose.newBuilder()
                .setIdentify(Purpose.Identify.newBuilder().setTopK(1))
                .build();
    }

    private static ProducerRecord<String, byte[]> request(
            String topic, String id, byte[] jpeg, Purpose purpose, String tenant) {
        ImageSubmitted request =
                Requests.imageSubmitted(id, Requests.inlineImage(jpeg, "image/jpeg"), purpose).toBuilder()
                        .setTenant(tenant)
                        .build();
        return new ProducerRecord<>(topic, id, request.toByteArray());
    }
}
