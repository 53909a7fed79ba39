package dev.likeness.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FaceAttribute;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.Analysis;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Face analyses through a real broker: run only for the request that asks, carried on each face with their model
 * ids, the same as the in-process pipeline gives; an unknown analysis is dead-lettered as INVALID_FIELD.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class FaceAnalysesTest {

    @Test
    void analysesOnlyWhenAskedAndRefusesUnknownOnes() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        Path models = ModelsDirectory.locate();
        byte[] photo = Files.readAllBytes(models.resolve("samples/sample1.jpg"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (TopicFollower faces = kafka.readFromEnd(ImagesToFacesTest.FACES);
                TopicFollower deadLetters = kafka.readFromEnd(ImagesToFacesTest.DEAD_LETTERS)) {
            kafka.send(
                    ImagesToFacesTest.IMAGES,
                    run + "-asked",
                    request(run + "-asked", photo, "gear", "Emotion", "liveness"));
            kafka.send(ImagesToFacesTest.IMAGES, run + "-plain", request(run + "-plain", photo));
            kafka.send(ImagesToFacesTest.IMAGES, run + "-unknown", request(run + "-unknown", photo, "age", "mood"));

            Map<String, FacesEmbedded> results = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : faces.read(2, Duration.ofMinutes(2))) {
                results.put(record.key(), FacesEmbedded.parseFrom(record.value()));
            }
            FacesEmbedded asked = results.get(run + "-asked");
            FacesEmbedded plain = results.get(run + "-plain");
            assertThat(plain.getFacesList())
                    .allSatisfy(face -> assertThat(face.getAttributesList()).isEmpty());

            List<AnalysedFace> expected;
            try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, FaceNetworks.FUSION)
                    .withAnalyses(models, EnumSet.allOf(Analysis.class)))) {
                expected = pipeline.analyseAll(List.of(pipeline.prepare(
                                photo, 0, 0, EnumSet.of(Analysis.GEAR, Analysis.EMOTION, Analysis.LIVENESS))))
                        .get(0)
                        .faces();
            }
            assertThat(asked.getFacesList()).hasSize(3).hasSameSizeAs(expected);
            for (int f = 0; f < expected.size(); f++) {
                Face face = asked.getFaces(f);
                assertThat(face.getEmbeddingList()).isEqualTo(plain.getFaces(f).getEmbeddingList());
                assertThat(face.getAttributesList())
                        .extracting(FaceAttribute::getAnalysis, FaceAttribute::getAttribute)
                        .containsExactly(
                                tuple("gear", "age"),
                                tuple("gear", "gender"),
                                tuple("gear", "race"),
                                tuple("emotion", "emotion"),
                                tuple("liveness", "liveness"));
                for (int a = 0; a < face.getAttributesCount(); a++) {
                    FaceAttribute sent = face.getAttributes(a);
                    dev.likeness.face.FaceAttribute inProcess =
                            expected.get(f).attributes().get(a);
                    assertThat(sent.getModel().getId())
                            .isEqualTo(inProcess.model().id());
                    assertThat(sent.getModel().getVersion())
                            .isEqualTo(inProcess.model().version());
                    assertThat(sent.getLabel()).isEqualTo(inProcess.label());
                    assertThat(sent.getClassesList()).isEqualTo(inProcess.classes());
                    float[] probabilities = inProcess.probabilities();
                    double sum = 0;
                    for (int c = 0; c < probabilities.length; c++) {
                        assertThat(sent.getProbabilities(c)).isCloseTo(probabilities[c], within(1e-4f));
                        sum += sent.getProbabilities(c);
                    }
                    assertThat(sum).isCloseTo(1, within(1e-4));
                    assertThat(sent.hasValue()).isEqualTo(sent.getAttribute().equals("age"));
                }
                assertThat(face.getAttributes(0).getModel().getId()).isEqualTo("human-gear");
            }

            List<ConsumerRecord<String, byte[]>> letters = deadLetters.read(1, Duration.ofMinutes(1));
            assertThat(letters).extracting(ConsumerRecord::key).containsExactly(run + "-unknown");
            DeadLetter letter = DeadLetter.parseFrom(letters.get(0).value());
            assertThat(letter.getReasonCode()).isEqualTo("INVALID_FIELD");
            assertThat(letter.getReason()).contains("unknown analysis 'mood'").contains(Analysis.known());
        }
    }

    private static byte[] request(String id, byte[] photo, String... analyses) {
        return ImageSubmitted.newBuilder()
                .setRequestId(id)
                .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(photo)))
                .setPurpose(Purpose.newBuilder().setDetectOnly(Purpose.DetectOnly.getDefaultInstance()))
                .setOptions(ImageSubmitted.Options.newBuilder().addAllAnalyses(List.of(analyses)))
                .build()
                .toByteArray();
    }
}
