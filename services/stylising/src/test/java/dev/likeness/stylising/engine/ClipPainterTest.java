package dev.likeness.stylising.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.core.onnx.OnnxModel;

/**
 * Clips in the engine: the GIF codec round trip and its errors, animated WebP frames and their composition, and the flicker of the volume method against
 * painting each frame on its own, on a real clip (a pan and zoom over sample1.jpg) with the service's default
 * SWAG ResNet-50 graphs.
 */
@Tag("models")
class ClipPainterTest {

    static final int FRAMES = 8;
    static final int WIDTH = 96;
    static final int HEIGHT = 64;
    static final int ITERATIONS = Integer.getInteger("likeness.clip.iterations", 20);
    static final double TEMPORAL_WEIGHT = Double.parseDouble(System.getProperty("likeness.clip.delta", "0.01"));

    private static Gatys gatys;

    @BeforeAll
    static void open() {
        Path models = ModelsDirectory.locate();
        InferenceOptions options = InferenceOptions.builder().warmUpRuns(0).build();
        gatys = new Gatys(
                OnnxModel.open(models.resolve("style/resnet50_swag_style_targets.onnx"), options),
                OnnxModel.open(models.resolve("style/resnet50_swag_style_grad.onnx"), options));
    }

    @AfterAll
    static void close() {
        gatys.close();
    }

    @Test
    void aGifRoundTripKeepsFramesAndTiming() throws Exception {
        List<BufferedImage> frames = TestClips.panOverSample(FRAMES, WIDTH, HEIGHT);
        byte[] gif = TestClips.panOverSampleGif(FRAMES, WIDTH, HEIGHT);

        Clips.Clip clip = Clips.readGif(gif, 100, 1_000_000);

        assertThat(Clips.isGif(gif)).isTrue();
        assertThat(clip.frames()).hasSize(FRAMES);
        assertThat(clip.delayMs()).isEqualTo(100);
        for (int t = 0; t < FRAMES; t++) {
            Raster original = Raster.of(frames.get(t), WIDTH, HEIGHT);
            Raster decoded = Raster.of(clip.frames().get(t), WIDTH, HEIGHT);
            // A 256-colour palette per frame: a few grey levels off on average, no frame swapped.
            assertThat(meanAbsoluteDifference(original, decoded)).isLessThan(6);
        }
    }

    @Test
    void aTruncatedGifOrOneWithTooManyFramesIsRefusedClearly() throws Exception {
        byte[] gif = TestClips.panOverSampleGif(FRAMES, WIDTH, HEIGHT);
        byte[] truncated = Arrays.copyOf(gif, gif.length * 2 / 3);

        assertThatThrownBy(() -> Clips.readGif(truncated, 100, 1_000_000))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining("truncated")
                .extracting(error -> ((ImageRejectedException) error).reason())
                .isEqualTo(ImageRejectedException.Reason.UNDECODABLE);
        assertThatThrownBy(() -> Clips.readGif(gif, FRAMES - 1, 1_000_000))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining("the clip has " + FRAMES + " frames; at most " + (FRAMES - 1));
        assertThatThrownBy(() -> Clips.readGif(gif, 100, WIDTH * HEIGHT - 1))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining(WIDTH + "x" + HEIGHT);
    }

    @Test
    void anAnimatedWebpIsReadFrameByFrameAndComposedAtItsOffsets() throws Exception {
        List<BufferedImage> frames = TestClips.panOverSample(FRAMES, WIDTH, HEIGHT);
        byte[] webp = TestWebp.animated(frames, 80);

        Clips.Clip clip = Clips.read(webp, 100, 1_000_000);

        assertThat(Clips.isAnimatedWebp(webp)).isTrue();
        assertThat(Clips.isClip(webp)).isTrue();
        assertThat(Clips.shape(webp).frames()).isEqualTo(FRAMES);
        assertThat(clip.frames()).hasSize(FRAMES);
        assertThat(clip.delayMs()).isEqualTo(80);
        for (int t = 0; t < FRAMES; t++) {
            // Lossless: every frame exactly as written.
            assertThat(meanAbsoluteDifference(
                            Raster.of(frames.get(t), WIDTH, HEIGHT),
                            Raster.of(clip.frames().get(t), WIDTH, HEIGHT)))
                    .isZero();
        }

        // A second frame that covers only a 32x16 rectangle at (20, 10): the first frame shows around it.
        BufferedImage patch = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                patch.setRGB(x, y, 0x204080 + x * 4);
            }
        }
        byte[] partial = TestWebp.animated(
                WIDTH,
                HEIGHT,
                List.of(new TestWebp.Frame(frames.get(0), 0, 0, 100), new TestWebp.Frame(patch, 20, 10, 100)));
        BufferedImage second = Clips.read(partial, 100, 1_000_000).frames().get(1);
        assertThat(second.getWidth()).isEqualTo(WIDTH);
        assertThat(second.getRGB(20 + 5, 10 + 3) & 0xFFFFFF).isEqualTo(patch.getRGB(5, 3) & 0xFFFFFF);
        assertThat(second.getRGB(60, 40) & 0xFFFFFF).isEqualTo(frames.get(0).getRGB(60, 40) & 0xFFFFFF);
        assertThat(second.getRGB(19, 10) & 0xFFFFFF).isEqualTo(frames.get(0).getRGB(19, 10) & 0xFFFFFF);

        byte[] truncated = Arrays.copyOf(webp, webp.length / 2);
        assertThatThrownBy(() -> Clips.read(truncated, 100, 1_000_000))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining("the WebP is truncated")
                .extracting(error -> ((ImageRejectedException) error).reason())
                .isEqualTo(ImageRejectedException.Reason.UNDECODABLE);
        assertThatThrownBy(() -> Clips.read(webp, FRAMES - 1, 1_000_000))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining("the clip has " + FRAMES + " frames; at most " + (FRAMES - 1));
    }

    /**
     * Flicker = mean |consecutive painted frame difference| minus that of the content frames. The volume
     * method must cut the per-frame method's by at least 30 %, while both still paint the style.
     */
    @Test
    void theVolumeMethodFlickersLessThanPaintingEachFrame() throws Exception {
        List<Raster> content = new ArrayList<>();
        for (BufferedImage frame : TestClips.panOverSample(FRAMES, WIDTH, HEIGHT)) {
            content.add(Raster.of(frame, WIDTH, HEIGHT));
        }
        Raster style = Raster.of(
                ImageIO.read(Files.newInputStream(ModelsDirectory.locate().resolve(".cache/darknet/scream.jpg"))),
                WIDTH,
                WIDTH * 2 / 3);
        Gatys.Settings settings = settings();

        ClipPainter painter = new ClipPainter(gatys);
        List<Double> costs = new ArrayList<>();
        ClipPainter.Result volume = painter.run(
                content,
                List.of(style),
                new float[] {1},
                settings,
                TEMPORAL_WEIGHT,
                ClipPainter.Method.VOLUME,
                (frame, frames, iteration, total, evaluation, current, elapsed) -> costs.add(evaluation.cost()),
                () -> false);
        ClipPainter.Result perFrame = painter.run(
                content,
                List.of(style),
                new float[] {1},
                settings,
                TEMPORAL_WEIGHT,
                ClipPainter.Method.PER_FRAME,
                (frame, frames, iteration, total, evaluation, current, elapsed) -> {},
                () -> false);

        double contentDifference = ClipPainter.meanFrameDifference(content);
        double volumeFlicker = ClipPainter.meanFrameDifference(volume.frames()) - contentDifference;
        double perFrameFlicker = ClipPainter.meanFrameDifference(perFrame.frames()) - contentDifference;
        System.out.printf(
                "clip %d frames %dx%d, %d iterations, delta %s: content difference %.2f, flicker per frame %.2f,"
                        + " volume %.2f (%.0f %% lower)%n",
                FRAMES,
                WIDTH,
                HEIGHT,
                ITERATIONS,
                TEMPORAL_WEIGHT,
                contentDifference,
                perFrameFlicker,
                volumeFlicker,
                100 * (1 - volumeFlicker / perFrameFlicker));
        System.out.printf(
                "mean |painted change - content change|: per frame %.2f, volume %.2f%n",
                changeBeyondContent(perFrame.frames(), content), changeBeyondContent(volume.frames(), content));
        writeFigures(content, perFrame.frames(), volume.frames());
        assertThat(volume.frames()).hasSize(FRAMES);
        assertThat(volume.iterations()).isEqualTo(FRAMES * ITERATIONS);
        assertThat(costs).hasSize(FRAMES * (ITERATIONS / settings.progressEvery()));
        assertThat(perFrameFlicker).isPositive();
        assertThat(volumeFlicker).isLessThan(0.7 * perFrameFlicker);
        Map<String, FloatTensor> styleGrams = gatys.blendedGrams(List.of(style), new float[] {1});
        for (int t = 0; t < FRAMES; t++) {
            double painted = gramDistance(volume.frames().get(t), styleGrams);
            double original = gramDistance(content.get(t), styleGrams);
            assertThat(painted).as("frame %d's Gram distance to the style", t).isLessThan(0.85 * original);
        }
    }

    /**
     * The frame strip and the frame-difference chart of docs/stylising.md: into docs/images with
     * {@code -Dlikeness.docs.write=true}, else into target/doc-pictures.
     */
    private static void writeFigures(List<Raster> content, List<Raster> perFrame, List<Raster> volume)
            throws Exception {
        Path folder = Boolean.getBoolean("likeness.docs.write")
                ? Path.of("../../docs/images")
                : Files.createDirectories(Path.of("target/doc-pictures"));
        List<String> labels = List.of("content", "per frame", "volume");
        ImageIO.write(
                ClipFigures.strip(labels, List.of(content, perFrame, volume)),
                "png",
                folder.resolve("stylising-clip-frames.png").toFile());
        ImageIO.write(
                ClipFigures.differences(labels, List.of(content, perFrame, volume)),
                "png",
                folder.resolve("stylising-clip-flicker.png").toFile());
    }

    private static Gatys.Settings settings() {
        return new Gatys.Settings(
                1,
                5,
                1e-5,
                Map.of(),
                ITERATIONS,
                Gatys.Method.LBFGS,
                1,
                Gatys.Init.CONTENT,
                0,
                false,
                1,
                ITERATIONS / 2);
    }

    private static double gramDistance(Raster image, Map<String, FloatTensor> styleGrams) {
        double sum = 0;
        for (var entry : gatys.targetsOf(image).entrySet()) {
            if (!entry.getKey().startsWith(Gatys.STYLE_GRAM)) {
                continue;
            }
            float[] own = entry.getValue().data();
            float[] target = styleGrams.get(entry.getKey()).data();
            for (int i = 0; i < own.length; i++) {
                sum += (own[i] - target[i]) * (own[i] - target[i]);
            }
        }
        return sum;
    }

    /** Mean |(G_t - G_{t-1}) - (C_t - C_{t-1})|: how much the painting changes beyond the content's own change. */
    static double changeBeyondContent(List<Raster> painted, List<Raster> content) {
        double sum = 0;
        for (int t = 1; t < painted.size(); t++) {
            float[] g = painted.get(t).data();
            float[] gBefore = painted.get(t - 1).data();
            float[] c = content.get(t).data();
            float[] cBefore = content.get(t - 1).data();
            for (int i = 0; i < g.length; i++) {
                sum += Math.abs(g[i] - gBefore[i] - c[i] + cBefore[i]) / g.length;
            }
        }
        return sum / (painted.size() - 1);
    }

    static double meanAbsoluteDifference(Raster a, Raster b) {
        double sum = 0;
        for (int i = 0; i < a.data().length; i++) {
            sum += Math.abs(a.data()[i] - b.data()[i]);
        }
        return sum / a.data().length;
    }
}
