package dev.likeness.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Raster;
import dev.likeness.stylising.engine.TestPictures;

/**
 * Seconds per optimisation iteration (Adam and L-BFGS) at 256 and 512 px against one raw loss + gradient
 * evaluation, and the seconds to a finished 256 px picture with the service defaults (the SWAG graphs, beta 5):
 * <pre>
 * ./mvnw -B -ntp -pl tools/bench -am install -DskipTests
 * java -Xmx2g -cp 'tools/bench/target/classes:tools/bench/target/lib/*' \
 *     dev.likeness.bench.StylisingBenchmark [ITERATIONS=20] [FINISHED_ITERATIONS=300] [SIZES=256,512]
 * </pre>
 * Content: models/samples/sample1.jpg; style: a generated pattern ({@link TestPictures#stylePattern}).
 */
public final class StylisingBenchmark {

    private StylisingBenchmark() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int finished = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int[] sizes = args.length > 2
                ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {256, 512};
        InferenceOptions options = InferenceOptions.builder().warmUpRuns(0).build();
        Path models = ModelsDirectory.locate();
        BufferedImage photo = new ImageDecoder()
                .decode(Files.readAllBytes(models.resolve("samples/sample1.jpg")))
                .image();
        try (OnnxModel targets = OnnxModel.open(models.resolve("style/resnet50_swag_style_targets.onnx"), options);
                OnnxModel gradient = OnnxModel.open(models.resolve("style/resnet50_swag_style_grad.onnx"), options)) {
            Gatys gatys = new Gatys(targets, gradient);
            System.out.printf(
                    Locale.ROOT,
                    "| size | raw loss+gradient | Adam s/iteration | L-BFGS s/iteration |%n|---|---|---|---|%n");
            for (int size : sizes) {
                Raster content = Raster.of(photo, size, size);
                Raster style = TestPictures.stylePattern(size, size);
                Gatys.Settings settings = StylisingBench.settings(Gatys.Method.ADAM, iterations);
                Map<String, FloatTensor> contentTargets = gatys.targetsOf(content);
                contentTargets.keySet().removeIf(name -> !name.startsWith(Gatys.CONTENT_TARGET));
                Map<String, FloatTensor> grams = gatys.blendedGrams(List.of(style), new float[] {1});
                gatys.evaluate(content, contentTargets, grams, settings); // warm-up
                gatys.evaluate(content, contentTargets, grams, settings);
                double[] raw = new double[5];
                for (int i = 0; i < raw.length; i++) {
                    long start = System.nanoTime();
                    gatys.evaluate(content, contentTargets, grams, settings);
                    raw[i] = (System.nanoTime() - start) / 1e9;
                }
                Arrays.sort(raw);
                double adam = perIteration(gatys, content, style, settings);
                double lbfgs =
                        perIteration(gatys, content, style, StylisingBench.settings(Gatys.Method.LBFGS, iterations));
                System.out.printf(
                        Locale.ROOT, "| %d | %.3f s | %.3f s | %.3f s |%n", size, raw[raw.length / 2], adam, lbfgs);
            }
            Raster content = Raster.of(photo, 256, 256);
            Raster style = TestPictures.stylePattern(256, 256);
            for (Gatys.Method method : Gatys.Method.values()) {
                long start = System.nanoTime();
                Gatys.Result result = gatys.run(
                        content,
                        List.of(style),
                        new float[] {1},
                        StylisingBench.settings(method, finished),
                        (i, n, e, g, t) -> {},
                        () -> false);
                System.out.printf(
                        Locale.ROOT,
                        "finished 256 px picture, %s, %d iterations: %.1f s (J %.4g -> %.4g, J_style %.4g -> %.4g)%n",
                        method,
                        result.iterations(),
                        (System.nanoTime() - start) / 1e9,
                        result.first().cost(),
                        result.last().cost(),
                        result.first().styleCost(),
                        result.last().styleCost());
            }
        }
    }

    private static double perIteration(Gatys gatys, Raster content, Raster style, Gatys.Settings settings) {
        long start = System.nanoTime();
        Gatys.Result result =
                gatys.run(content, List.of(style), new float[] {1}, settings, (i, n, e, g, t) -> {}, () -> false);
        return (System.nanoTime() - start) / 1e9 / result.iterations();
    }
}
