package dev.likeness.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.cli.ExitCodes;
import dev.likeness.cli.Likeness;
import dev.likeness.core.onnx.ModelsDirectory;

/**
 * {@code likeness atlas/maps/explain --mesh} against the stylising and embedding services (docs/insight.md): the
 * request goes out, the service answers, and the CLI prints the result or the dead letter's reason. Small inputs:
 * conv1_relu over the small tier of the default corpus at 64 px, one layer's maps at 96 px, the service's own
 * embedding (the fusion) on two sample photos.
 */
@Tag("broker")
@Tag("models")
class InsightThroughTheMeshTest {

    private static final Path SAMPLES = ModelsDirectory.resolve("samples");
    private static Mesh mesh;

    /** One run of the CLI in-process: exit code and what it printed. */
    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void startServices() throws Exception {
        Process fetch = new ProcessBuilder(
                        "bash",
                        "../../deploy/corpus/fetch.sh",
                        "small",
                        Mesh.CORPUS_ROOT.resolve("small").toString())
                .inheritIO()
                .start();
        assertThat(fetch.waitFor()).as("fetch.sh small").isZero();
        mesh = Mesh.withTopics("insight");
        mesh.startServices("at-least-once", "1g", "stylising", "embedding");
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    private static Run likeness(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--bootstrap-servers";
        all[args.length + 1] = mesh.bootstrapServers();
        int code = Likeness.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void atlasThroughTheMeshPrintsTheFolderAndFilesTheServiceWrote() throws Exception {
        Run run = likeness(
                "atlas",
                "small",
                "--mesh",
                "--name",
                "cli-small",
                "--layers",
                "conv1_relu",
                "--long-side",
                "64",
                "--timeout",
                "180");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        JsonNode result = new ObjectMapper().readTree(run.out());
        Path folder = Path.of(result.path("folder").asText());
        assertThat(folder).isEqualTo(mesh.insightResults().resolve("atlases/cli-small"));
        assertThat(result.path("files")).extracting(JsonNode::asText).contains("index.json", "conv1_relu.png");
        for (JsonNode file : result.path("files")) {
            assertThat(folder.resolve(file.asText())).isRegularFile();
        }
        assertThat(run.err()).contains("published insight request");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void anUnknownLayerComesBackAsTheStylisingServicesDeadLetter() {
        Run run = likeness("atlas", "small", "--mesh", "--layers", "conv9", "--timeout", "180");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR_RESULT);
        assertThat(run.err())
                .contains("stylising dead-lettered insight request")
                .contains("UNKNOWN_LAYER")
                .contains("conv1_relu");
        assertThat(run.out()).isEmpty();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void mapsThroughTheMeshWriteOnePictureALayerOfTheSizeAskedFor() throws Exception {
        Run run = likeness(
                "maps",
                SAMPLES.resolve("sample1.jpg").toString(),
                "--mesh",
                "--layers",
                "res3d",
                "--channels",
                "3",
                "--long-side",
                "96",
                "--timeout",
                "180");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        JsonNode result = new ObjectMapper().readTree(run.out());
        assertThat(result.path("files")).extracting(JsonNode::asText).containsExactly("res3d.png");
        Path folder = Path.of(result.path("folder").asText());
        assertThat(folder.startsWith(mesh.insightResults().resolve("maps"))).isTrue();
        BufferedImage maps = ImageIO.read(folder.resolve("res3d.png").toFile());
        // The photo and its three strongest channels side by side, the longer side 96 px.
        assertThat(Math.max(maps.getWidth() / 4, maps.getHeight())).isEqualTo(96);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void explainThroughTheMeshGivesTheDistanceAndTheSaliencyPicture() throws Exception {
        Run run = likeness(
                "explain",
                SAMPLES.resolve("sample1.jpg").toString(),
                SAMPLES.resolve("sample6.jpg").toString(),
                "--mesh",
                "--timeout",
                "180");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        JsonNode result = new ObjectMapper().readTree(run.out());
        // The service's own embedding, the fusion: the in-process explain of the same pair gives d = 0.632
        // (docs/insight.md).
        assertThat(result.path("embedding").asText()).isEqualTo("likeness-fusion-v1");
        assertThat(result.path("distance").asDouble()).isBetween(0.62, 0.645);
        Path folder = Path.of(result.path("folder").asText());
        assertThat(folder.startsWith(mesh.insightResults().resolve("explain"))).isTrue();
        assertThat(folder.resolve("saliency.png")).isRegularFile();
        assertThat(Files.size(folder.resolve("saliency.png"))).isPositive();
    }
}
