package dev.likeness.stylising;

import static dev.likeness.stylising.StyleRequestsTest.REQUESTS;
import static dev.likeness.stylising.StyleRequestsTest.RESULTS;
import static dev.likeness.stylising.StyleRequestsTest.WAIT;
import static dev.likeness.stylising.StyleRequestsTest.decode;
import static dev.likeness.stylising.StyleRequestsTest.distance;
import static dev.likeness.stylising.StyleRequestsTest.readKey;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.OptimisationSettings;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.events.v1.WeightedStyle;
import dev.likeness.follower.TopicFollower;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Raster;
import dev.likeness.stylising.engine.TestPictures;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The pictures of docs/stylising.md, painted by the service through the broker with its default settings:
 * content | style | result, one row per pair. In the test suite they are painted small and short and written
 * to target/doc-pictures; the documentation's are regenerated with
 * <pre>
 * ./mvnw -B -ntp -pl services/stylising test -Dtest=DocPicturesTest -Dlikeness.docs.write=true
 * </pre>
 * which paints at 256 px with the default iteration count into docs/images/stylising-examples.png and
 * stylising-gram-vs-swag.png (the Gram one through the engine, since the service runs one loss graph). Style
 * photos: Munch's The Scream and the other test photos of Debian's darknet package, which the onnx-tools tests
 * fetch into models/.cache/darknet/.
 */
@Tag("broker")
@Tag("models")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class DocPicturesTest {

    @Inject
    Gatys gatys;

    @Inject
    StylisingConfig config;

    static final boolean WRITE_DOCS = Boolean.getBoolean("likeness.docs.write");
    static final int SIDE = WRITE_DOCS ? 256 : 96;
    /** 0 = the service's default. */
    static final int ITERATIONS = WRITE_DOCS ? 0 : 40;
    /** Full-size pictures take minutes each on 2 cores, and the service paints one per core at a time. */
    static final Duration RESULT_WAIT = WRITE_DOCS ? Duration.ofMinutes(30) : WAIT;

    /**
     * The painted picture's summed Gram distance to the style, as a share of the content's: measured 0.41
     * (faces, Scream), 0.33 (dog, pattern) and 0.73 (dog, Scream with the content's colours) at 96 px.
     */
    static final double GRAM_RATIO = 0.85;

    record Pair(String name, byte[] content, byte[] style, boolean preserveColour) {}

    @Test
    void paintsTheDocumentationPairs() throws Exception {
        Path models = ModelsDirectory.locate();
        byte[] scream = darknet(models, "scream.jpg");
        byte[] pattern = TestPictures.stylePattern(256, 256).png();
        List<Pair> pairs = List.of(
                new Pair("faces-scream", Files.readAllBytes(models.resolve("samples/sample1.jpg")), scream, false),
                new Pair("dog-pattern", darknet(models, "dog.jpg"), pattern, false),
                new Pair("dog-scream-colour", darknet(models, "dog.jpg"), scream, true));

        KafkaTestClient kafka = KafkaBroker.shared().client();
        List<Raster[]> rows = new ArrayList<>();
        try (TopicFollower results = kafka.readFromEnd(RESULTS)) {
            for (Pair pair : pairs) {
                OptimisationSettings.Builder settings =
                        OptimisationSettings.newBuilder().setPreserveColour(pair.preserveColour());
                if (ITERATIONS > 0) {
                    settings.setIterations(ITERATIONS);
                }
                kafka.send(
                        REQUESTS,
                        "doc-" + pair.name(),
                        StyleRequested.newBuilder()
                                .setRequestId("doc-" + pair.name())
                                .setContent(ImageSource.newBuilder().setInline(ByteString.copyFrom(pair.content())))
                                .addStyles(WeightedStyle.newBuilder()
                                        .setImage(
                                                ImageSource.newBuilder().setInline(ByteString.copyFrom(pair.style()))))
                                .setOutputMaxSide(SIDE)
                                .setOptimisation(settings)
                                .build()
                                .toByteArray());
            }
            for (Pair pair : pairs) {
                ImageStylised result = ImageStylised.parseFrom(readKey(results, "doc-" + pair.name(), 1, RESULT_WAIT)
                        .get(0)
                        .value());
                assertThat(result.hasError()).as(result.getError().getMessage()).isFalse();
                // Large pictures come back as a file: URI (the test profile's inline limit is 100 kB).
                Raster painted = decode(
                        result.getImage().hasInline()
                                ? result.getImage().getInline().toByteArray()
                                : Files.readAllBytes(
                                        Path.of(URI.create(result.getImage().getUri()))));
                BufferedImage contentImage =
                        new ImageDecoder().decode(pair.content()).image();
                Raster content = Raster.of(contentImage, painted.width(), painted.height());
                BufferedImage styleImage = ImageIO.read(new java.io.ByteArrayInputStream(pair.style()));
                Raster style = Raster.of(
                        styleImage,
                        styleImage.getWidth() * painted.height() / styleImage.getHeight(),
                        painted.height());
                double difference = 0;
                for (int i = 0; i < content.data().length; i++) {
                    difference += Math.abs(content.data()[i] - painted.data()[i]);
                }
                System.out.printf(
                        "doc picture %s: %dx%d, %d iterations, J %.4g, mean |result - content| %.1f%n",
                        pair.name(),
                        painted.width(),
                        painted.height(),
                        result.getIterations(),
                        result.getFinalCost(),
                        difference / content.data().length);
                assertThat(difference / content.data().length).as(pair.name()).isGreaterThan(5);
                // Stylised, not just changed: the Gram matrices moved from the content's towards the style's,
                // summed over the layers (a colour-preserving picture keeps conv1's colour Gram near the content's).
                Map<String, FloatTensor> styleGrams = gatys.blendedGrams(List.of(style), new float[] {1});
                Map<String, FloatTensor> contentGrams = gatys.blendedGrams(List.of(content), new float[] {1});
                Map<String, FloatTensor> paintedGrams = gatys.blendedGrams(List.of(painted), new float[] {1});
                double paintedToStyle = 0, contentToStyle = 0;
                for (String layer : styleGrams.keySet()) {
                    paintedToStyle += distance(paintedGrams.get(layer), styleGrams.get(layer));
                    contentToStyle += distance(contentGrams.get(layer), styleGrams.get(layer));
                }
                System.out.printf(
                        "  Gram distance to the style %.4g, the content's %.4g (ratio %.2f)%n",
                        paintedToStyle, contentToStyle, paintedToStyle / contentToStyle);
                assertThat(paintedToStyle).as(pair.name()).isLessThan(GRAM_RATIO * contentToStyle);
                rows.add(new Raster[] {content, style, painted});
            }
        }
        Path file = WRITE_DOCS
                ? Path.of("../../docs/images/stylising-examples.png")
                : Path.of("target/doc-pictures/stylising-examples.png");
        writeSheet(rows, file);
    }

    /**
     * The same pairs painted with the plain Gram loss graph (beta 1) and with the default SWAG graph (the
     * service's default beta), by the service's engine with the same settings otherwise:
     * content | style | Gram | SWAG, into stylising-gram-vs-swag.png.
     */
    @Test
    void comparesThePlainGramLossWithSwag() throws Exception {
        Path models = ModelsDirectory.locate();
        Raster scream = photo(darknet(models, "scream.jpg"));
        Raster pattern = TestPictures.stylePattern(SIDE, SIDE);
        StylisingConfig.Defaults d = config.defaults();
        int iterations = ITERATIONS > 0 ? ITERATIONS : d.iterations();
        InferenceOptions options = InferenceOptions.builder().warmUpRuns(0).build();
        List<Raster[]> rows = new ArrayList<>();
        try (Gatys gram = new Gatys(
                OnnxModel.open(models.resolve("style/resnet50_style_targets.onnx"), options),
                OnnxModel.open(models.resolve("style/resnet50_style_grad.onnx"), options))) {
            for (Raster[] pair : List.of(
                    new Raster[] {photo(Files.readAllBytes(models.resolve("samples/sample1.jpg"))), scream},
                    new Raster[] {photo(darknet(models, "dog.jpg")), pattern})) {
                Raster content = pair[0];
                Raster style = pair[1];
                List<Raster> painted = new ArrayList<>();
                for (Gatys engine : List.of(gram, gatys)) {
                    double beta = engine == gram ? 1 : d.beta();
                    Gatys.Settings settings = new Gatys.Settings(
                            d.alpha(),
                            beta,
                            d.gammaTv(),
                            Map.of(),
                            iterations,
                            Gatys.Method.LBFGS,
                            d.lbfgsLearningRate(),
                            Gatys.Init.CONTENT,
                            0,
                            false,
                            1,
                            iterations);
                    Gatys.Result result = engine.run(
                            content,
                            List.of(style),
                            new float[] {1},
                            settings,
                            (iteration, total, evaluation, current, elapsed) -> {},
                            () -> false);
                    System.out.printf(
                            "%s, %s: beta J_style %.4g -> %.4g%n",
                            engine == gram ? "Gram" : "SWAG",
                            engine.gradientModel().path().getFileName(),
                            result.first().styleCost(),
                            result.last().styleCost());
                    assertThat(result.last().styleCost())
                            .isLessThan(0.5 * result.first().styleCost());
                    painted.add(result.image());
                }
                rows.add(new Raster[] {
                    content,
                    style.resized(style.width() * content.height() / style.height(), content.height()),
                    painted.get(0),
                    painted.get(1)
                });
            }
        }
        writeSheet(
                rows,
                WRITE_DOCS
                        ? Path.of("../../docs/images/stylising-gram-vs-swag.png")
                        : Path.of("target/doc-pictures/stylising-gram-vs-swag.png"));
    }

    /** A photo with its longest side SIDE. */
    private static Raster photo(byte[] bytes) throws Exception {
        BufferedImage image = new ImageDecoder().decode(bytes).image();
        int longest = Math.max(image.getWidth(), image.getHeight());
        return Raster.of(
                image,
                Math.round((float) image.getWidth() * SIDE / longest),
                Math.round((float) image.getHeight() * SIDE / longest));
    }

    private static byte[] darknet(Path models, String name) throws Exception {
        Path photo = models.resolve(".cache/darknet").resolve(name);
        assertThat(photo)
                .as("the darknet test photos (fetched by the onnx-tools tests, `./mvnw -pl libs/onnx-tools test`)")
                .isRegularFile();
        return Files.readAllBytes(photo);
    }

    /** One row per pair: content | style | result, on white, 4 px apart. */
    static void writeSheet(List<Raster[]> rows, Path file) throws Exception {
        int gap = 4;
        int width = 0;
        int height = 0;
        for (Raster[] row : rows) {
            int rowWidth = 0;
            for (Raster picture : row) {
                rowWidth += picture.width() + gap;
            }
            width = Math.max(width, rowWidth - gap);
            height += row[0].height() + gap;
        }
        BufferedImage sheet = new BufferedImage(width, height - gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        int y = 0;
        for (Raster[] row : rows) {
            int x = 0;
            for (Raster picture : row) {
                g.drawImage(picture.toImage(), x, y, null);
                x += picture.width() + gap;
            }
            y += row[0].height() + gap;
        }
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(sheet, "png", file.toFile());
    }
}
