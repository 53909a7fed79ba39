package dev.likeness.bench;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import dev.likeness.core.onnx.ExecutionProvider;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.tools.MakeStyleModels;
import dev.likeness.onnx.tools.StyleModels;
import dev.likeness.onnx.tools.grad.StyleGraphs;

/**
 * Cost of one loss + gradient evaluation of the generated ResNet-50 style graph relative to one forward
 * pass of its extractor, same image size, same process, runs interleaved:
 * <pre>
 * ./mvnw -B -ntp -pl tools/bench -am install -DskipTests
 * java -Xmx2g -cp 'tools/bench/target/classes:tools/bench/target/lib/*' \
 *     dev.likeness.bench.StyleGradientBenchmark [SIZE=256] [RUNS=15] [cpu|cuda] [INTRA_OP_THREADS=0]
 * </pre>
 * Reads {@code models/style/resnet50_*.onnx} (made by {@code make models}); prints medians after warm-up.
 */
public final class StyleGradientBenchmark {

    private static final int WARM_UP_RUNS = 3;

    private StyleGradientBenchmark() {}

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        ExecutionProvider provider =
                args.length > 2 ? ExecutionProvider.valueOf(args[2].toUpperCase(Locale.ROOT)) : ExecutionProvider.CPU;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        InferenceOptions options = InferenceOptions.builder()
                .provider(provider)
                .intraOpThreads(threads)
                .warmUpRuns(0)
                .build();
        Path folder = ModelsDirectory.resolve("style");
        String prefix = MakeStyleModels.PREFIX;

        try (OnnxModel extractor = OnnxModel.open(StyleModels.extractorFile(folder, prefix), options);
                OnnxModel targets = OnnxModel.open(StyleModels.targetsFile(folder, prefix), options);
                OnnxModel gradient = OnnxModel.open(StyleModels.gradientFile(folder, prefix), options)) {
            long[] shape = {1, 3, size, size};
            Map<String, FloatInput> content = Map.of(StyleGraphs.IMAGE, image(shape, 1));
            Map<String, FloatInput> feed = new LinkedHashMap<>();
            targets.run(content).forEach((name, tensor) -> feed.put(name, input(tensor)));
            targets.run(Map.of(StyleGraphs.IMAGE, image(shape, 2))).forEach((name, tensor) -> {
                if (name.startsWith("style_gram_")) {
                    feed.put(name, input(tensor));
                }
            });
            feed.put(StyleGraphs.IMAGE, image(shape, 3));
            for (String weight : gradient.inputs().keySet()) {
                if (!feed.containsKey(weight)) {
                    feed.put(weight, FloatInput.of(FloatBuffer.wrap(new float[] {1}), new long[0]));
                }
            }
            Map<String, FloatInput> forwardFeed = Map.of(StyleGraphs.IMAGE, feed.get(StyleGraphs.IMAGE));

            for (int run = 0; run < WARM_UP_RUNS; run++) {
                extractor.run(forwardFeed);
                gradient.run(feed);
            }
            double[] forward = new double[runs];
            double[] lossAndGradient = new double[runs];
            for (int run = 0; run < runs; run++) {
                long start = System.nanoTime();
                extractor.run(forwardFeed);
                forward[run] = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                gradient.run(feed);
                lossAndGradient[run] = (System.nanoTime() - start) / 1e6;
            }
            double forwardMedian = median(forward);
            double gradientMedian = median(lossAndGradient);
            System.out.printf(
                    Locale.ROOT,
                    "ResNet-50 to res4f, %dx%d, %s, %d runs after %d warm-up, intra-op threads %s%n",
                    size,
                    size,
                    extractor.provider(),
                    runs,
                    WARM_UP_RUNS,
                    threads == 0 ? "default" : threads);
            System.out.printf(Locale.ROOT, "| forward pass (extractor) | %.1f ms |%n", forwardMedian);
            System.out.printf(Locale.ROOT, "| loss + gradient | %.1f ms |%n", gradientMedian);
            System.out.printf(Locale.ROOT, "| ratio | %.2f |%n", gradientMedian / forwardMedian);
        }
    }

    /** A reproducible image with smooth structure plus noise, in 0..255. */
    private static FloatInput image(long[] shape, long seed) {
        Random random = new Random(seed);
        FloatBuffer data = FloatInput.allocate(shape);
        int height = (int) shape[2];
        int width = (int) shape[3];
        double phase = random.nextDouble() * Math.PI;
        for (int channel = 0; channel < 3; channel++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double wave = Math.sin(phase + channel + x * 0.07) * Math.cos(y * 0.05 - phase);
                    data.put((float) Math.min(255, Math.max(0, 127 + 90 * wave + 30 * random.nextGaussian())));
                }
            }
        }
        return FloatInput.of(data.flip(), shape);
    }

    private static FloatInput input(FloatTensor tensor) {
        return FloatInput.of(FloatBuffer.wrap(tensor.data()), tensor.shape());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
