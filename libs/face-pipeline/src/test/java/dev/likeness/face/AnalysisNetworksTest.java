package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.testing.Mirror;

/**
 * The six analysis networks on the 22 faces of face-api's sample photos (all of them women, aged about 20 to 40, in
 * ordinary, live photos) and on the photos' mirror images: well-formed results, batched as alone, and the answers a
 * person would agree with where the networks give them (docs/analysis.md has the figures).
 */
@Tag("models")
class AnalysisNetworksTest {

    private static final Set<Analysis> ALL = EnumSet.allOf(Analysis.class);
    private static final int PHOTOS = 6;

    static FacePipeline pipeline;
    static Path models;
    static List<byte[]> photos = new ArrayList<>();
    static List<FaceAnalysis> analysed;
    static List<FaceAnalysis> mirrored;

    @BeforeAll
    static void analyse() throws Exception {
        models = ModelsDirectory.locate();
        pipeline = FacePipeline.open(FacePipelineConfig.defaults(models).withAnalyses(models, ALL));
        List<PreparedImage> prepared = new ArrayList<>();
        List<PreparedImage> mirrors = new ArrayList<>();
        for (int s = 1; s <= PHOTOS; s++) {
            byte[] bytes = Files.readAllBytes(models.resolve("samples/sample" + s + ".jpg"));
            photos.add(bytes);
            prepared.add(pipeline.prepare(bytes, 0, 0, ALL));
            mirrors.add(
                    pipeline.prepare(Mirror.png(pipeline.decoder().decode(bytes).image()), 0, 0, ALL));
        }
        analysed = pipeline.analyseAll(prepared);
        mirrored = pipeline.analyseAll(mirrors);
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @Test
    void everyAskedAnalysisJudgesEveryFaceWithProbabilities() {
        int faces = 0;
        for (FaceAnalysis analysis : analysed) {
            for (AnalysedFace face : analysis.faces()) {
                faces++;
                assertThat(face.attributes())
                        .extracting(FaceAttribute::analysis)
                        .containsExactly("gear", "gear", "gear", "age", "gender", "emotion", "antispoof", "liveness");
                assertThat(face.attributes())
                        .extracting(FaceAttribute::attribute)
                        .containsExactly("age", "gender", "race", "age", "gender", "emotion", "liveness", "liveness");
                for (FaceAttribute attribute : face.attributes()) {
                    assertThat(attribute.model().id())
                            .isEqualTo(Analysis.named(attribute.analysis()).modelId());
                    assertThat(attribute.model().version()).hasSize(12);
                    double sum = 0;
                    for (float p : attribute.probabilities()) {
                        assertThat(p).isBetween(0f, 1f);
                        sum += p;
                    }
                    if (!attribute.classes().isEmpty()) {
                        assertThat(sum).as(attribute.toString()).isCloseTo(1, within(1e-4));
                        assertThat(attribute.score()).isEqualTo(attribute.probability(attribute.label()));
                    }
                }
                for (FaceAttribute age : face.attributes("age")) {
                    assertThat(age.value()).as("age in years").isBetween(5f, 80f);
                }
            }
        }
        assertThat(faces).isEqualTo(22);
    }

    @Test
    void analysesRunOnlyWhenAsked() throws Exception {
        List<FaceAnalysis> results = pipeline.analyseAll(List.of(
                pipeline.prepare(photos.get(0), 0, 0),
                pipeline.prepare(photos.get(0), 0, 0, EnumSet.of(Analysis.EMOTION))));
        assertThat(results.get(0).faces())
                .allSatisfy(face -> assertThat(face.attributes()).isEmpty());
        assertThat(results.get(1).faces())
                .allSatisfy(face -> assertThat(face.attributes())
                        .extracting(FaceAttribute::analysis)
                        .containsExactly("emotion"));
        try (FacePipeline plain = FacePipeline.open(FacePipelineConfig.defaults(models))) {
            assertThatThrownBy(() -> plain.prepare(photos.get(0), 0, 0, EnumSet.of(Analysis.GEAR)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("gear is not enabled");
        }
        assertThatThrownBy(() -> Analysis.named("mood"))
                .hasMessageContaining("unknown analysis 'mood'")
                .hasMessageContaining(Analysis.known());
    }

    /** Six photos in one batch give each face what the photo alone gives. */
    @Test
    void aBatchGivesWhatEachPhotoAloneGives() throws Exception {
        for (int s = 0; s < PHOTOS; s++) {
            FaceAnalysis alone = pipeline.analyseAll(List.of(pipeline.prepare(photos.get(s), 0, 0, ALL)))
                    .get(0);
            for (int f = 0; f < alone.faces().size(); f++) {
                List<FaceAttribute> expected = alone.faces().get(f).attributes();
                List<FaceAttribute> batched = analysed.get(s).faces().get(f).attributes();
                for (int a = 0; a < expected.size(); a++) {
                    assertThat(batched.get(a).probabilities())
                            .containsExactly(expected.get(a).probabilities(), within(1e-4f));
                    assertThat(batched.get(a).value()).isCloseTo(expected.get(a).value(), within(1e-3f));
                }
            }
        }
    }

    /**
     * Where the networks agree with a person: the gender network calls at least 20 of the 22 women female in the
     * photos and in their mirror images (measured: 21 and 22; gear manages 10, so it is not asserted), SSR-Net puts
     * every face between 18 and 45 years with its mirror image within 10 years (measured: 21.9 to 36.1, at most 7.4
     * apart), and the liveness network judges every face of these live photos live, mirrored or not.
     */
    @Test
    void answersAPersonWouldAgreeWith() {
        int female = 0, mirroredFemale = 0, faces = 0;
        for (int s = 0; s < PHOTOS; s++) {
            assertThat(mirrored.get(s).faces()).hasSameSizeAs(analysed.get(s).faces());
            for (AnalysedFace face : analysed.get(s).faces()) {
                AnalysedFace mirror = mirrorOf(face, analysed.get(s).width(), mirrored.get(s));
                faces++;
                female += label(face, Analysis.GENDER).equals("female") ? 1 : 0;
                mirroredFemale += label(mirror, Analysis.GENDER).equals("female") ? 1 : 0;
                float age = result(face, Analysis.AGE).value();
                assertThat(age).isBetween(18f, 45f);
                assertThat(result(mirror, Analysis.AGE).value()).isCloseTo(age, within(10f));
                assertThat(label(face, Analysis.LIVENESS)).isEqualTo("live");
                assertThat(label(mirror, Analysis.LIVENESS)).isEqualTo("live");
            }
        }
        assertThat(female).as("of %d women, called female", faces).isGreaterThanOrEqualTo(20);
        assertThat(mirroredFemale)
                .as("of %d mirrored women, called female", faces)
                .isGreaterThanOrEqualTo(20);
    }

    private static FaceAttribute result(AnalysedFace face, Analysis analysis) {
        return face.attributes().stream()
                .filter(attribute -> attribute.analysis().equals(analysis.id()))
                .findFirst()
                .orElseThrow();
    }

    private static String label(AnalysedFace face, Analysis analysis) {
        return result(face, analysis).label();
    }

    @Test
    void printsWhatTheNetworksSay() {
        for (int s = 0; s < PHOTOS; s++) {
            for (AnalysedFace face : analysed.get(s).faces()) {
                AnalysedFace other = mirrorOf(face, analysed.get(s).width(), mirrored.get(s));
                StringBuilder line = new StringBuilder(
                        "sample" + (s + 1) + " x=" + (int) face.box().x1());
                for (int a = 0; a < face.attributes().size(); a++) {
                    FaceAttribute attribute = face.attributes().get(a);
                    FaceAttribute mirror = other.attributes().get(a);
                    line.append(String.format(
                            " | %s/%s %s %.2f %.1f ~ %s %.2f %.1f",
                            attribute.analysis(),
                            attribute.attribute(),
                            attribute.label(),
                            attribute.score(),
                            attribute.value(),
                            mirror.label(),
                            mirror.score(),
                            mirror.value()));
                }
                System.out.println(line);
            }
        }
    }

    /** The face of the mirrored photo whose box centre is nearest the mirrored centre of {@code face}. */
    static AnalysedFace mirrorOf(AnalysedFace face, int width, FaceAnalysis mirrored) {
        float centre = width - (face.box().x1() + face.box().x2()) / 2;
        return mirrored.faces().stream()
                .min(Comparator.comparingDouble(
                        other -> Math.abs((other.box().x1() + other.box().x2()) / 2 - centre)))
                .orElseThrow();
    }
}
