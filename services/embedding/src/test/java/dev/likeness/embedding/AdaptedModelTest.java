package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.follower.TopicFollower;
import dev.likeness.learning.adaptation.AdaptedModelExport;
import dev.likeness.learning.adaptation.LinearHead;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An adapted model (base fr_feature + a 512 -> 128 projection head + L2 normalisation, exported as one ONNX
 * file as {@code likeness adapt} does) loaded by configuration only: the service's events carry its id and
 * the version derived from its file, and its embeddings are the head applied to the base model's.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(AdaptedModelTest.AdaptedModel.class)
class AdaptedModelTest {

    static final String MODEL_ID = "faceplugin-fr-feature-adapted-test";
    static final LinearHead HEAD = LinearHead.initial(512, 128, 42);

    /**
     * Exports the model before the service starts, and points the embedder settings at it: a test resource, so the
     * export runs only when the test does (a profile's overrides are read when tests are discovered, `make check`).
     */
    public static class AdaptedModel implements QuarkusTestResourceLifecycleManager {

        static Path exported() {
            Path file =
                    Path.of("target", "adapted-model-test", MODEL_ID + ".onnx").toAbsolutePath();
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return AdaptedModelExport.write(
                    ModelsDirectory.resolve("face/batch/fr_feature.onnx"),
                    HEAD,
                    MODEL_ID,
                    "faceplugin-fr-feature",
                    file);
        }

        @Override
        public Map<String, String> start() {
            return Map.of(
                    "likeness.embedding.embedder.path",
                    exported().toString(),
                    "likeness.embedding.embedder.id",
                    MODEL_ID,
                    "likeness.embedding.model",
                    MODEL_ID);
        }

        @Override
        public void stop() {}
    }

    @Test
    void eventsCarryTheAdaptedModelAndItsEmbeddings() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        byte[] photo = Files.readAllBytes(ModelsDirectory.resolve("samples/sample1.jpg"));
        String requestId = "adapted-" + UUID.randomUUID();
        FacesEmbedded event;
        try (TopicFollower faces = kafka.readFromEnd(ImagesToFacesTest.FACES)) {
            kafka.send(
                    ImagesToFacesTest.IMAGES,
                    requestId,
                    ImageSubmitted.newBuilder()
                            .setRequestId(requestId)
                            .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(photo)))
                            .setPurpose(Purpose.newBuilder().setIdentify(Purpose.Identify.getDefaultInstance()))
                            .build()
                            .toByteArray());
            List<ConsumerRecord<String, byte[]>> records = faces.read(1, Duration.ofMinutes(2));
            assertThat(records).hasSize(1);
            event = FacesEmbedded.parseFrom(records.get(0).value());
        }

        assertThat(event.getRequestId()).isEqualTo(requestId);
        assertThat(event.getEmbeddingModel().getId()).isEqualTo(MODEL_ID);
        try (FacePipeline base = FacePipeline.open(FacePipelineConfig.defaults(ModelsDirectory.locate()))) {
            assertThat(event.getEmbeddingModel().getVersion())
                    .hasSize(12)
                    .isNotEqualTo(base.embeddingModel().version());
            FaceAnalysis expected = base.analyse(photo);
            assertThat(event.getFacesCount()).isEqualTo(expected.faces().size()).isPositive();
            for (int i = 0; i < event.getFacesCount(); i++) {
                List<Float> embedding = event.getFaces(i).getEmbeddingList();
                float[] projected = HEAD.apply(expected.faces().get(i).embedding());
                assertThat(embedding).hasSize(128);
                for (int k = 0; k < projected.length; k++) {
                    assertThat(embedding.get(k)).isCloseTo(projected[k], within(1e-3f));
                }
            }
        }
    }
}
