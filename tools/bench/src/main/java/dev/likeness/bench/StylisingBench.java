package dev.likeness.bench;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.model.AttributeProto;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.OperatorSetIdProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.stylising.engine.BlurNetwork;
import dev.likeness.stylising.engine.ClipPainter;
import dev.likeness.stylising.engine.FastStyles;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Raster;
import dev.likeness.stylising.engine.Sound;
import dev.likeness.stylising.engine.SoundPainter;
import dev.likeness.stylising.engine.TestClips;
import dev.likeness.stylising.engine.TestPictures;
import dev.likeness.stylising.engine.TestSounds;

/**
 * Section 6 of {@code make bench}: the stylising engines against raw ONNX Runtime. Gatys: seconds per
 * optimisation iteration (Adam, L-BFGS) at 256 and 512 px against one raw loss + gradient evaluation. Fast
 * engine: {@link FastStyles#apply} (raster in and out, tiling above the tile size) against one raw ORT run of
 * the same network on a ready tensor. Clips: seconds per frame (volume and per frame); sound: seconds per second
 * of sound. Usage: StylisingBench REPORT.md
 */
public final class StylisingBench {

    static final int ITERATIONS = 4;
    static final int RUNS = 3;

    private StylisingBench() {}

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        Path charts = report.toAbsolutePath().getParent().resolve("images");
        Path models = ModelsDirectory.locate();
        InferenceOptions options = InferenceOptions.builder().warmUpRuns(0).build();
        Provenance provenance = Provenance.now();
        Results.Stylising result = new Results.Stylising(
                provenance, gatys(models, options), fastEngine(options), clips(models, options), sound(options));
        Report.writeSection(report, "stylising", BenchReport.stylising(result, charts));
    }

    private static List<Results.GatysRow> gatys(Path models, InferenceOptions options) throws Exception {
        BufferedImage photo = new ImageDecoder()
                .decode(Files.readAllBytes(models.resolve("samples/sample1.jpg")))
                .image();
        List<Results.GatysRow> rows = new ArrayList<>();
        try (OnnxModel targets = OnnxModel.open(models.resolve("style/resnet50_swag_style_targets.onnx"), options);
                OnnxModel gradient = OnnxModel.open(models.resolve("style/resnet50_swag_style_grad.onnx"), options)) {
            Gatys gatys = new Gatys(targets, gradient);
            for (int size : new int[] {256, 512}) {
                Raster content = Raster.of(photo, size, size);
                Raster style = TestPictures.stylePattern(size, size);
                Gatys.Settings adam = settings(Gatys.Method.ADAM, ITERATIONS);
                Gatys.Settings lbfgs = settings(Gatys.Method.LBFGS, ITERATIONS);
                var contentTargets = gatys.targetsOf(content);
                contentTargets.keySet().removeIf(name -> !name.startsWith(Gatys.CONTENT_TARGET));
                var grams = gatys.blendedGrams(List.of(style), new float[] {1});
                Measurement[] m = Measurement.interleaved(
                        1,
                        RUNS,
                        () -> {
                            for (int i = 0; i < ITERATIONS; i++) {
                                gatys.evaluate(content, contentTargets, grams, adam);
                            }
                        },
                        () -> iterations(gatys, content, style, adam),
                        () -> iterations(gatys, content, style, lbfgs));
                rows.add(new Results.GatysRow(size, m[0].per(ITERATIONS), m[1].per(ITERATIONS), m[2].per(ITERATIONS)));
            }
        }
        return rows;
    }

    private static List<Results.FastRow> fastEngine(InferenceOptions options) throws Exception {
        Path folder = Path.of("var/bench/styles");
        FastNetwork.write(folder.resolve("bench-net.onnx"));
        List<Results.FastRow> rows = new ArrayList<>();
        try (FastStyles styles = new FastStyles(folder, options, 512, 32)) {
            OnnxModel model = styles.network("bench-net").orElseThrow();
            String input = model.inputs().keySet().iterator().next();
            for (int size : new int[] {512, 1024}) {
                Raster picture = TestPictures.stylePattern(size, size);
                FloatInput tensor =
                        FloatInput.of(FloatBuffer.wrap(picture.data().clone()), picture.shape());
                Measurement[] m = Measurement.interleaved(
                        1,
                        2 * RUNS + 1,
                        () -> model.run(Map.of(input, tensor)),
                        () -> styles.apply("bench-net", picture));
                rows.add(new Results.FastRow(size, m[0], m[1]));
            }
        }
        return rows;
    }

    /**
     * Seconds per frame of an 8-frame clip (the pan of {@link TestClips}, painted as one volume and frame by
     * frame), each the median of {@link #RUNS} runs after a warm-up.
     */
    private static List<Results.ClipRow> clips(Path models, InferenceOptions options) throws Exception {
        int frames = 8;
        List<Results.ClipRow> rows = new ArrayList<>();
        try (OnnxModel targets = OnnxModel.open(models.resolve("style/resnet50_swag_style_targets.onnx"), options);
                OnnxModel gradient = OnnxModel.open(models.resolve("style/resnet50_swag_style_grad.onnx"), options)) {
            ClipPainter painter = new ClipPainter(new Gatys(targets, gradient));
            for (int[] size : new int[][] {{96, 64}, {192, 128}}) {
                List<Raster> clip = new ArrayList<>();
                for (BufferedImage frame : TestClips.panOverSample(frames, size[0], size[1])) {
                    clip.add(Raster.of(frame, size[0], size[1]));
                }
                Raster style = TestPictures.stylePattern(size[0], size[1]);
                Measurement[] m = Measurement.interleaved(
                        1,
                        RUNS,
                        () -> paint(painter, clip, style, ClipPainter.Method.VOLUME),
                        () -> paint(painter, clip, style, ClipPainter.Method.PER_FRAME));
                rows.add(new Results.ClipRow(frames, size[0], size[1], "volume", m[0].per(frames)));
                rows.add(new Results.ClipRow(frames, size[0], size[1], "per frame", m[1].per(frames)));
            }
        }
        return rows;
    }

    /**
     * Seconds per second of sound ({@link TestSounds}' 3 s melody in the texture of noisy chords, the service's
     * random-filter network), the median of {@link #RUNS} runs after a warm-up.
     */
    private static Results.SoundRow sound(InferenceOptions options) throws Exception {
        int soundIterations = 20;
        double seconds = 3;
        Path folder = Path.of("var/bench/sound");
        try (SoundPainter painter = new SoundPainter(512, 512, 7, folder, options)) {
            Sound content = TestSounds.melody(seconds);
            Sound style = TestSounds.noisyChords(seconds, 5);
            SoundPainter.Settings settings =
                    new SoundPainter.Settings(1, 1, soundIterations, Gatys.Method.LBFGS, 1, soundIterations, 40, 3);
            double[] optimisation = new double[RUNS];
            int[] run = {-1};
            // The warm-up run is number -1; the measured runs record their optimisation time by number.
            Measurement whole = Measurement.of(1, RUNS, () -> {
                        painter.run(
                                content,
                                style,
                                settings,
                                (iteration, total, evaluation, current, elapsed) -> {
                                    if (run[0] >= 0) {
                                        optimisation[run[0]] = elapsed / 1e9;
                                    }
                                },
                                () -> false);
                        run[0]++;
                    })
                    .per(seconds);
            Arrays.sort(optimisation);
            return new Results.SoundRow(seconds, soundIterations, whole, optimisation[RUNS / 2] / seconds);
        }
    }

    private static void paint(ClipPainter painter, List<Raster> clip, Raster style, ClipPainter.Method method) {
        ClipPainter.Result result = painter.run(
                clip,
                List.of(style),
                new float[] {1},
                settings(Gatys.Method.LBFGS, ITERATIONS),
                0.01,
                method,
                (frame, frames, iteration, total, evaluation, current, elapsed) -> {},
                () -> false);
        if (result.iterations() != ITERATIONS * clip.size()) {
            throw new IllegalStateException("ran " + result.iterations() + " iterations");
        }
    }

    private static void iterations(Gatys gatys, Raster content, Raster style, Gatys.Settings settings) {
        Gatys.Result result =
                gatys.run(content, List.of(style), new float[] {1}, settings, (i, n, e, g, t) -> {}, () -> false);
        if (result.iterations() != ITERATIONS) {
            throw new IllegalStateException("ran " + result.iterations() + " iterations, not " + ITERATIONS);
        }
    }

    /** The service defaults (the SWAG graphs, beta 5, content init) with the given method and iterations. */
    static Gatys.Settings settings(Gatys.Method method, int iterations) {
        return new Gatys.Settings(
                1,
                5,
                1e-5,
                Map.of(),
                iterations,
                method,
                method == Gatys.Method.ADAM ? 2 : 1,
                Gatys.Init.CONTENT,
                0,
                false,
                1,
                1_000_000);
    }

    /** A random-weight feed-forward image-to-image network, RGB 0..255 NCHW in and out, dynamic height and width. */
    static final class FastNetwork {

        private FastNetwork() {}

        static void write(Path file) throws Exception {
            Random random = new Random(7);
            GraphProto.Builder graph = GraphProto.newBuilder()
                    .setName("bench-net")
                    .addInput(BlurNetwork.image("image"))
                    .addOutput(BlurNetwork.image("stylised"));
            int[] channels = {3, 16, 16, 3};
            String previous = "image";
            for (int layer = 0; layer < 3; layer++) {
                String weights = "w" + layer;
                TensorProto.Builder w = TensorProto.newBuilder()
                        .setName(weights)
                        .setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(channels[layer + 1])
                        .addDims(channels[layer])
                        .addDims(3)
                        .addDims(3);
                float scale = (float) Math.sqrt(2.0 / (9 * channels[layer]));
                for (int i = 0; i < channels[layer + 1] * channels[layer] * 9; i++) {
                    w.addFloatData((float) random.nextGaussian() * scale);
                }
                graph.addInitializer(w);
                String out = layer == 2 ? "stylised" : "h" + layer;
                String conv = layer == 2 ? out : out + "_conv";
                graph.addNode(NodeProto.newBuilder()
                        .setOpType("Conv")
                        .addInput(previous)
                        .addInput(weights)
                        .addOutput(conv)
                        .addAttribute(AttributeProto.newBuilder()
                                .setName("pads")
                                .setType(AttributeProto.AttributeType.INTS)
                                .addInts(1)
                                .addInts(1)
                                .addInts(1)
                                .addInts(1))
                        .addAttribute(AttributeProto.newBuilder()
                                .setName("kernel_shape")
                                .setType(AttributeProto.AttributeType.INTS)
                                .addInts(3)
                                .addInts(3)));
                if (layer < 2) {
                    graph.addNode(NodeProto.newBuilder()
                            .setOpType("Relu")
                            .addInput(conv)
                            .addOutput(out));
                }
                previous = out;
            }
            ModelProto model = ModelProto.newBuilder()
                    .setIrVersion(8)
                    .setProducerName("likeness-bench")
                    .addOpsetImport(
                            OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                    .setGraph(graph)
                    .build();
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, model.toByteArray());
        }
    }
}
