package dev.likeness.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.likeness.core.events.Requests;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Point;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.follower.TopicFollower;
import dev.likeness.testing.KafkaTestClient;
import dev.likeness.testing.ServiceProcess;
import dev.likeness.testing.SubjectPhoto;

/**
 * The subject rule through the real embedding and matching services: a photo whose highest-scored face is a
 * bystander in a corner enrols and verifies the person in the middle (SubjectPhoto, built from the sample
 * photos: the woman of sample1.jpg, who is also in sample3.jpg, and a man of sample3.jpg).
 */
@Tag("broker")
@Tag("models")
class SubjectThroughTheMeshTest {

    private static final String WOMAN = "subject-woman";

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theSubjectIsEnrolledAndVerifiedNotTheHigherScoredBystander() throws Exception {
        Path models = ModelsDirectory.locate();
        byte[] sample1 = Files.readAllBytes(models.resolve("samples/sample1.jpg"));
        byte[] sample3 = Files.readAllBytes(models.resolve("samples/sample3.jpg"));
        byte[] photo;
        int womanInSample3;
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, FaceNetworks.DEFAULT))) {
            FaceAnalysis first = pipeline.analyse(sample1), third = pipeline.analyse(sample3);
            // The woman: the closest pair of faces across the two photos (the samples' only same-person pair).
            int[] pair = closestPair(first, third);
            womanInSample3 = pair[1];
            AnalysedFace bystander = third.faces().get(womanInSample3 == 0 ? 1 : 0);
            photo = SubjectPhoto.compose(
                    pipeline.decoder().decode(sample1).image(),
                    corners(first.faces().get(pair[0])),
                    pipeline.decoder().decode(sample3).image(),
                    corners(bystander));
            FaceAnalysis composed = pipeline.analyse(photo);
            assertThat(composed.faces()).as("faces of the composed photo").hasSize(2);
            assertThat(composed.subjectIndex())
                    .as("the subject is not the highest-scored face")
                    .isEqualTo(1);
            assertThat(third.subjectIndex())
                    .as("sample3's own subject is not the woman")
                    .isNotEqualTo(womanInSample3);
        }
        try (Mesh mesh = Mesh.withTopics("subject")) {
            ServiceProcess[] services = mesh.startServices("at-least-once", "1g", "embedding", "matching");
            assertThat(services).hasSize(2);
            try (KafkaTestClient kafka = mesh.client();
                    TopicFollower faces = kafka.readFromBeginning(Mesh.FACES);
                    TopicFollower matches = kafka.readFromBeginning(Mesh.MATCHES)) {
                Map<String, MatchResult> answers = new HashMap<>();
                mesh.publish(List.of(request("enrol", photo, enrol(null))));
                MatchResult enrolled = await(matches, "enrol", answers);
                assertThat(enrolled.getEnrolment().getFaceIndex())
                        .as("enrolled face")
                        .isEqualTo(1);
                FacesEmbedded embedded = FacesEmbedded.parseFrom(
                        faces.read(1, Duration.ofMinutes(1)).get(0).value());
                assertThat(embedded.getSubjectFace()).isEqualTo(1);
                assertThat(embedded.getFaces(0).getDetectorScore())
                        .isGreaterThan(embedded.getFaces(1).getDetectorScore());

                FaceChoice womanIndex =
                        FaceChoice.newBuilder().setIndex(womanInSample3).build();
                mesh.publish(List.of(
                        request("verify-photo", photo, verifyIdentity(null)),
                        request("verify-sample3-subject", sample3, verifyIdentity(null)),
                        request("verify-sample3-named", sample3, verifyIdentity(womanIndex)),
                        request("verify-pair", photo, verifyPair(sample3, womanIndex)),
                        request("verify-missing-face", photo, verifyIdentity(Requests.faceChoice(7, null))),
                        request(
                                "verify-point-outside",
                                photo,
                                verifyIdentity(FaceChoice.newBuilder()
                                        .setPoint(Point.newBuilder().setX(5).setY(890))
                                        .build()))));
                assertThat(await(matches, "verify-photo", answers)
                                .getVerification()
                                .getSame())
                        .isTrue();
                assertThat(await(matches, "verify-sample3-subject", answers)
                                .getVerification()
                                .getSame())
                        .as("sample3's subject is another person")
                        .isFalse();
                assertThat(await(matches, "verify-sample3-named", answers)
                                .getVerification()
                                .getSame())
                        .isTrue();
                MatchResult pair = await(matches, "verify-pair", answers);
                assertThat(pair.getVerification().getSame()).isTrue();
                assertThat(pair.getVerification().getFaceIndex()).isEqualTo(1);
                assertThat(pair.getVerification().getSecondImageFaceIndex()).isEqualTo(womanInSample3);
                for (String missing : List.of("verify-missing-face", "verify-point-outside")) {
                    assertThat(await(matches, missing, answers).getError().getCode())
                            .as(missing)
                            .isEqualTo("NO_SUCH_FACE");
                }
            }
        }
    }

    private static int[] closestPair(FaceAnalysis a, FaceAnalysis b) {
        int[] best = null;
        double nearest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < a.faces().size(); i++) {
            for (int j = 0; j < b.faces().size(); j++) {
                float[] x = a.faces().get(i).embedding(), y = b.faces().get(j).embedding();
                double d = 0;
                for (int k = 0; k < x.length; k++) {
                    d += (x[k] - y[k]) * (x[k] - y[k]);
                }
                if (d < nearest) {
                    nearest = d;
                    best = new int[] {i, j};
                }
            }
        }
        return best;
    }

    private static float[] corners(AnalysedFace face) {
        return new float[] {
            face.box().x1(), face.box().y1(), face.box().x2(), face.box().y2()
        };
    }

    private static Purpose enrol(FaceChoice face) {
        Purpose.Enrol.Builder enrol = Purpose.Enrol.newBuilder().setIdentityId(WOMAN);
        if (face != null) {
            enrol.setFace(face);
        }
        return Purpose.newBuilder().setEnrol(enrol).build();
    }

    private static Purpose verifyIdentity(FaceChoice face) {
        Purpose.Verify.Builder verify = Purpose.Verify.newBuilder().setClaimedIdentityId(WOMAN);
        if (face != null) {
            verify.setFace(face);
        }
        return Purpose.newBuilder().setVerify(verify).build();
    }

    private static Purpose verifyPair(byte[] second, FaceChoice secondFace) {
        return Purpose.newBuilder()
                .setVerify(Purpose.Verify.newBuilder()
                        .setSecondImage(Requests.inlineImage(second, "image/jpeg"))
                        .setSecondImageFace(secondFace))
                .build();
    }

    private static ProducerRecord<String, byte[]> request(String id, byte[] jpeg, Purpose purpose) {
        ImageSubmitted request = Requests.imageSubmitted(id, Requests.inlineImage(jpeg, "image/jpeg"), purpose);
        return new ProducerRecord<>(Mesh.IMAGES, id, request.toByteArray());
    }

    /** Reads answers into {@code answers} until the one to {@code id} came (2 min at most). */
    static MatchResult await(TopicFollower matches, String id, Map<String, MatchResult> answers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!answers.containsKey(id) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : matches.read(1, Duration.ofSeconds(2))) {
                answers.put(record.key(), MatchResult.parseFrom(record.value()));
            }
        }
        assertThat(answers).as("answer to " + id).containsKey(id);
        return answers.get(id);
    }
}
