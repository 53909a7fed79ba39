package dev.likeness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.onnx.ModelsDirectory;

/** {@code likeness atlas}, {@code maps} and {@code explain} on the sample photos. */
@Tag("models")
class InsightCommandsTest {

    @TempDir
    Path work;

    @Test
    void atlasWritesTheIndexAndAGridPerLayer() {
        Path out = work.resolve("atlas");
        CliRun run = CliRun.likeness(
                "atlas",
                ModelsDirectory.resolve("samples").toString(),
                "--layers",
                "conv1_relu,res2c",
                "--long-side",
                "128",
                "--cell",
                "16",
                "--figure",
                "4",
                "--out",
                out.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(out.resolve("figure.png")).exists();
        assertThat(run.out).contains("atlas of resnet50 over 6 photos, layers conv1_relu, res2c");
        assertThat(out.resolve("index.json")).content().contains("\"layer\" : \"res2c\"");
        assertThat(out.resolve("conv1_relu.png")).exists();
        assertThat(out.resolve("res2c.png")).exists();
    }

    @Test
    void atlasReadsSubfoldersAndNamesPhotosByTheirPathInTheCorpus() throws Exception {
        // The default corpus has one subfolder per Debian package; two photos may share a file name.
        Path corpus = work.resolve("corpus");
        for (String subfolder : new String[] {"one", "two/deeper"}) {
            Files.createDirectories(corpus.resolve(subfolder));
            Files.copy(ModelsDirectory.resolve("samples/sample1.jpg"), corpus.resolve(subfolder + "/sample1.jpg"));
        }
        Path out = work.resolve("atlas");
        CliRun run = CliRun.likeness(
                "atlas", corpus.toString(), "--layers", "conv1_relu", "--long-side", "96", "--out", out.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out).contains("over 2 photos");
        assertThat(new ObjectMapper()
                        .readTree(out.resolve("index.json").toFile())
                        .get("images"))
                .extracting(JsonNode::asText)
                .containsExactly("one/sample1.jpg", "two/deeper/sample1.jpg");
    }

    @Test
    void atlasResumesFromItsCheckpointRunningOnlyNewPhotos() throws Exception {
        Path corpus = Files.createDirectories(work.resolve("growing"));
        for (int sample = 1; sample <= 3; sample++) {
            Files.copy(ModelsDirectory.resolve("samples/sample" + sample + ".jpg"), corpus.resolve(sample + ".jpg"));
        }
        Path out = work.resolve("atlas");
        String[] atlas = {
            "atlas", corpus.toString(), "--layers", "conv1_relu", "--long-side", "96", "--out", out.toString()
        };
        CliRun first = CliRun.likeness(atlas);
        assertThat(first.exitCode).as(first.err).isZero();
        assertThat(first.out).contains("over 3 photos").doesNotContain("resumed");
        assertThat(out.resolve("atlas.checkpoint")).exists();

        Files.copy(ModelsDirectory.resolve("samples/sample4.jpg"), corpus.resolve("4.jpg"));
        String[] resume =
                Stream.concat(Arrays.stream(atlas), Stream.of("--resume")).toArray(String[]::new);
        CliRun second = CliRun.likeness(resume);
        assertThat(second.exitCode).as(second.err).isZero();
        assertThat(second.out).contains("resumed from", ": 3 photos, 1 to run", "over 4 photos");
        assertThat(new ObjectMapper()
                        .readTree(out.resolve("index.json").toFile())
                        .get("images"))
                .extracting(JsonNode::asText)
                .containsExactly("1.jpg", "2.jpg", "3.jpg", "4.jpg");

        String[] otherSize = resume.clone();
        otherSize[5] = "128";
        CliRun refused = CliRun.likeness(otherSize);
        assertThat(refused.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err).contains("at 96 px, not of resnet50 at 128 px");
    }

    @Test
    void atlasRefusesAnUnknownLayerAndAnEmptyFolder() throws Exception {
        CliRun unknown = CliRun.likeness(
                "atlas", ModelsDirectory.resolve("samples").toString(), "--layers", "res9z", "--out", work.toString());
        assertThat(unknown.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err).contains("ResNet-50 has no layer 'res9z'", "res5c");

        Path empty = Files.createDirectories(work.resolve("empty"));
        CliRun none = CliRun.likeness("atlas", empty.toString());
        assertThat(none.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err).contains("no photos");
    }

    @Test
    void atlasOfAFaceNetworkRunsTheAlignedFacesOfThePhotos() throws Exception {
        Path out = work.resolve("faces-atlas");
        CliRun run = CliRun.likeness(
                "atlas",
                ModelsDirectory.resolve("samples").toString(),
                "--network",
                "dlib-face-resnet-v1",
                "--layers",
                "stem,block1",
                "--cell",
                "16",
                "--out",
                out.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        JsonNode index = new ObjectMapper().readTree(out.resolve("index.json").toFile());
        assertThat(index.get("network").asText()).isEqualTo("dlib-face-resnet-v1");
        assertThat(index.get("longSide").asInt()).isEqualTo(150);
        int faces = index.get("images").size();
        assertThat(faces).isGreaterThan(6);
        assertThat(run.out).contains("atlas of dlib-face-resnet-v1 over " + faces + " faces, layers stem, block1");
        assertThat(index.get("images").get(0).asText()).isEqualTo("sample1_face0.png");
        assertThat(out.resolve("faces/sample1_face0.png")).exists();
        assertThat(out.resolve("block1.png")).exists();

        CliRun resnetLayer = CliRun.likeness(
                "atlas",
                ModelsDirectory.resolve("samples").toString(),
                "--network",
                "faceplugin-fr-feature",
                "--layers",
                "res2c",
                "--out",
                work.resolve("refused").toString());
        assertThat(resnetLayer.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(resnetLayer.err).contains("faceplugin-fr-feature has no layer 'res2c'", "stem, block1");

        CliRun fusion = CliRun.likeness(
                "atlas", ModelsDirectory.resolve("samples").toString(), "--network", "likeness-fusion-v1");
        assertThat(fusion.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(fusion.err).contains("--network is resnet50, faceplugin-fr-feature or dlib-face-resnet-v1");

        // The faces run at the network's input size, so a size asked for is refused, not ignored (as with --mesh).
        CliRun longSide = CliRun.likeness(
                "atlas",
                ModelsDirectory.resolve("samples").toString(),
                "--network",
                "dlib-face-resnet-v1",
                "--long-side",
                "300",
                "--out",
                work.resolve("refused").toString());
        assertThat(longSide.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(longSide.err).contains("--long-side is resnet50's only");
    }

    @Test
    void mapsWritesOneRowPerLayer() {
        Path out = work.resolve("maps");
        CliRun run = CliRun.likeness(
                "maps",
                ModelsDirectory.resolve("samples/sample2.jpg").toString(),
                "--layers",
                "conv1_relu,res3d",
                "--channels",
                "3",
                "--long-side",
                "160",
                "--out",
                out.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out).contains("res3d channel ");
        assertThat(out.resolve("conv1_relu.png")).exists();
        assertThat(out.resolve("res3d.png")).exists();
    }

    @Test
    void explainWritesTheFusionsSaliencyMapsAndTheDistance() {
        Path out = work.resolve("explain");
        CliRun run = CliRun.likeness(
                "explain",
                ModelsDirectory.resolve("samples/sample1.jpg").toString(),
                ModelsDirectory.resolve("samples/sample2.jpg").toString(),
                "--out",
                out.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out).contains("likeness-fusion-v1: d = ", "saliency.png");
        assertThat(out.resolve("saliency.png")).exists();
        assertThat(out.resolve("explain.json"))
                .content()
                .contains("\"distance\"", "\"dlib-face-resnet-v1\"", "\"faceplugin-fr-feature\"", "\"weight\": 0.8");
    }

    @Test
    void explainTakesEitherRecognitionNetworkAloneButNoUnknownEmbedding() {
        CliRun frFeature = CliRun.likeness(
                "explain",
                ModelsDirectory.resolve("samples/sample1.jpg").toString(),
                ModelsDirectory.resolve("samples/sample2.jpg").toString(),
                "--embedding",
                "faceplugin-fr-feature",
                "--out",
                work.resolve("fr").toString());
        assertThat(frFeature.exitCode).as(frFeature.err).isZero();
        assertThat(frFeature.out).contains("faceplugin-fr-feature: d = ");

        CliRun unknown = CliRun.likeness(
                "explain",
                ModelsDirectory.resolve("samples/sample1.jpg").toString(),
                ModelsDirectory.resolve("samples/sample2.jpg").toString(),
                "--embedding",
                "likeness-fusion-v2",
                "--out",
                work.toString());
        assertThat(unknown.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err).contains("unknown embedding model likeness-fusion-v2");
    }

    @Test
    void explainNamesThePhotoWithoutAFaceOrThatCannotBeRead() throws Exception {
        BufferedImage grey = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        grey.getGraphics().fillRect(0, 0, 200, 200);
        Path noFace = work.resolve("grey.png");
        ImageIO.write(grey, "png", noFace.toFile());
        Path notAPhoto = Files.writeString(work.resolve("notes.jpg"), "not a photo");
        String sample1 = ModelsDirectory.resolve("samples/sample1.jpg").toString();

        CliRun faceless = CliRun.likeness("explain", sample1, noFace.toString(), "--out", work.toString());
        assertThat(faceless.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(faceless.err).contains("no face found in " + noFace);

        CliRun unreadable = CliRun.likeness(
                "explain",
                notAPhoto.toString(),
                sample1,
                "--embedding",
                "dlib-face-resnet-v1",
                "--out",
                work.toString());
        assertThat(unreadable.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(unreadable.err).contains("cannot read " + notAPhoto + ": ");
    }
}
