package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.ModelRef;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.learning.Adapter;
import dev.likeness.learning.adaptation.AdaptedModelExport;
import dev.likeness.learning.adaptation.LinearHead;
import dev.likeness.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Rolling out an adapted model: a gallery enrolled with the base model is never compared with the adapted
 * model's embeddings (MODEL_MISMATCH), until the identity is enrolled again with the adapted model; from then
 * on each model's requests are matched against that model's embeddings only. Real photos through the
 * in-process pipeline with the base model and with an exported adapted model (base + 512 -> 128 head).
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class AdaptedModelMatchingTest {

    static final String ADAPTED_ID = "faceplugin-fr-feature-adapted-test";

    @TempDir
    static Path folder;

    static List<Face> baseFaces;
    static List<Face> adaptedFaces;
    static ModelRef baseModel;
    static ModelRef adaptedModel;
    private static MatchingKafka kafka;
    private final String prefix = "adapted-test-" + UUID.randomUUID() + "-";

    @BeforeAll
    static void embedWithBothModels() throws Exception {
        kafka = new MatchingKafka().readingAnswers();
        byte[] photo = Files.readAllBytes(ModelsDirectory.resolve("samples/sample1.jpg"));
        FacePipelineConfig base = FacePipelineConfig.defaults(ModelsDirectory.locate());
        Path exported = AdaptedModelExport.write(
                base.embedding().networks().get(0).model().path(),
                LinearHead.initial(512, 128, 5),
                ADAPTED_ID,
                "faceplugin-fr-feature",
                folder.resolve(ADAPTED_ID + ".onnx"));
        try (FacePipeline pipeline = FacePipeline.open(base)) {
            baseFaces = MatchingKafka.faces(pipeline.analyse(photo));
            baseModel = ref(pipeline);
        }
        try (FacePipeline pipeline = FacePipeline.open(Adapter.withEmbedder(base, exported, ADAPTED_ID))) {
            adaptedFaces = MatchingKafka.faces(pipeline.analyse(photo));
            adaptedModel = ref(pipeline);
        }
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @Test
    void theAdaptedModelIsMatchedOnlyAgainstItsOwnEmbeddings() {
        String id = prefix + "woman";
        try {
            enrolWithBaseThenRollOut(id);
        } finally {
            // The app and its gallery are shared with the other test classes, which enrol the same photo.
            given().delete("/api/v1/identities/{id}", id).then().statusCode(204);
        }
    }

    private void enrolWithBaseThenRollOut(String id) {
        Purpose verify = Purpose.newBuilder()
                .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId(id))
                .build();
        Purpose enrol = Purpose.newBuilder()
                .setEnrol(Purpose.Enrol.newBuilder().setIdentityId(id))
                .build();
        MatchResult enrolledBase = kafka.ask(MatchingKafka.request(prefix + "e1", baseModel, enrol, baseFaces));

        MatchResult refused = kafka.ask(MatchingKafka.request(prefix + "v1", adaptedModel, verify, adaptedFaces));

        assertThat(enrolledBase.getEnrolment().getCreated()).isTrue();
        assertThat(adaptedModel.getId()).isNotEqualTo(baseModel.getId());
        assertThat(refused.getError().getCode()).isEqualTo("MODEL_MISMATCH");

        // Re-enrolment with the adapted model (what a roll-out does for every identity): both now answer.
        MatchResult enrolledAdapted =
                kafka.ask(MatchingKafka.request(prefix + "e2", adaptedModel, enrol, adaptedFaces));
        MatchResult adaptedVerify = kafka.ask(MatchingKafka.request(prefix + "v2", adaptedModel, verify, adaptedFaces));
        MatchResult baseVerify = kafka.ask(MatchingKafka.request(prefix + "v3", baseModel, verify, baseFaces));

        assertThat(enrolledAdapted.getEnrolment().getCreated()).isFalse();
        assertThat(adaptedVerify.getVerification().getSame()).isTrue();
        assertThat(adaptedVerify.getModel()).isEqualTo(adaptedModel);
        assertThat(adaptedVerify.getVerification().getDistance()).isLessThan(1e-4f);
        assertThat(baseVerify.getVerification().getSame()).isTrue();
        assertThat(baseVerify.getModel()).isEqualTo(baseModel);
    }

    private static ModelRef ref(FacePipeline pipeline) {
        return ModelRef.newBuilder()
                .setId(pipeline.embeddingModel().id())
                .setVersion(pipeline.embeddingModel().version())
                .build();
    }
}
