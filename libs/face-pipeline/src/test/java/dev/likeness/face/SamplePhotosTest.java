package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.likeness.core.onnx.ModelsDirectory;

/** Detection on face-api's six sample group photos (3,3,3,4,5,4 faces, see ../shared/models.md). */
@Tag("models")
class SamplePhotosTest {

    static FacePipeline pipeline;
    static Path models;

    @BeforeAll
    static void open() {
        models = ModelsDirectory.locate();
        pipeline = FacePipeline.open(FacePipelineConfig.defaults(models));
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @ParameterizedTest
    @CsvSource({"sample1.jpg,3", "sample2.jpg,3", "sample3.jpg,3", "sample4.jpg,4", "sample5.jpg,5", "sample6.jpg,4"})
    void findsEveryFace(String photo, int expectedFaces) throws Exception {
        byte[] bytes = Files.readAllBytes(models.resolve("samples").resolve(photo));
        FaceAnalysis analysis = pipeline.analyse(bytes);
        List<AnalysedFace> faces = analysis.faces();
        assertThat(faces).hasSize(expectedFaces);
        Path drawn = Path.of("target", "faces-" + photo.replace(".jpg", ".png"));
        ImageIO.write(FaceOverlay.draw(pipeline.decoder().decode(bytes).image(), faces), "png", drawn.toFile());
        for (AnalysedFace face : faces) {
            DetectedFace box = face.box();
            assertThat(box.x1()).isGreaterThanOrEqualTo(0);
            assertThat(box.x2()).isLessThanOrEqualTo(analysis.width());
            assertThat(box.y2()).isLessThanOrEqualTo(analysis.height());
            assertThat(box.score()).isGreaterThanOrEqualTo(0.65f);
            // The box sits on a face: the eyes, nose and mouth the landmarker found lie inside it.
            for (int p = 0; p < 10; p += 2) {
                assertThat(face.landmarks5()[p]).isBetween(box.x1(), box.x2());
                assertThat(face.landmarks5()[p + 1]).isBetween(box.y1(), box.y2());
            }
            System.out.printf(
                    "%s box %.0f,%.0f-%.0f,%.0f score %.3f sharp %.3f yaw %.1f%n",
                    photo,
                    face.box().x1(),
                    face.box().y1(),
                    face.box().x2(),
                    face.box().y2(),
                    face.box().score(),
                    face.sharpness(),
                    face.yawDegrees());
        }
    }
}
