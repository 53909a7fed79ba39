package dev.likeness.onnx.tools.grad;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static dev.likeness.onnx.tools.graph.Attributes.of;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.MakeStyleGraphs;
import dev.likeness.onnx.tools.OnnxModels;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;

/**
 * A network brought as an ONNX file, shaped and named like torchvision's VGG export (Conv, Relu, MaxPool,
 * then Flatten and Gemm), goes through the {@code MakeStyleGraphs} command line: torchvision preprocessing,
 * average pooling, layers picked by value name. Its gradient graph matches finite differences.
 */
class UserNetworkTest {

    @TempDir
    Path temp;

    @Test
    void vggLikeOnnxFileGetsWorkingStyleGraphs() throws Exception {
        Path network = temp.resolve("vgg_like.onnx");
        OnnxModels.write(vggLike(), network);
        Path out = temp.resolve("style");

        MakeStyleGraphs.main(new String[] {
            "--model",
            network.toString(),
            "--out",
            out.toString(),
            "--prefix",
            "vgg",
            "--preprocessing",
            "torchvision",
            "--average-pooling",
            "--layer",
            "conv1_1=/features/features.1/Relu_output_0",
            "--layer",
            "conv2_1=/features/features.6/Relu_output_0",
            "--content",
            "conv2_1",
            "--style",
            "conv1_1,conv2_1"
        });

        ModelProto extractor = OnnxModels.read(out.resolve("vgg_extractor.onnx"));
        assertThat(extractor.getGraph().getNodeList())
                .extracting(node -> node.getOpType())
                .doesNotContain("MaxPool", "Gemm");
        ModelProto targets = OnnxModels.read(out.resolve("vgg_style_targets.onnx"));
        ModelProto gradient = OnnxModels.read(out.resolve("vgg_style_grad.onnx"));
        assertThat(Files.size(out.resolve("vgg_style_grad.onnx"))).isPositive();

        Map<String, DoubleTensor> inputs = new HashMap<>();
        GradientCheck.runOrt(targets, Map.of("image", image(16, 20, 1)), Set.of("content_target_conv2_1"), temp)
                .forEach((name, tensor) -> inputs.put(name, DoubleTensor.of(tensor.data(), tensor.shape())));
        GradientCheck.runOrt(
                        targets,
                        Map.of("image", image(24, 24, 2)),
                        Set.of("style_gram_conv1_1", "style_gram_conv2_1"),
                        temp)
                .forEach((name, tensor) -> inputs.put(name, DoubleTensor.of(tensor.data(), tensor.shape())));
        inputs.put("image", image(16, 20, 3));
        Map.of("alpha", 1.0, "beta", 1e3, "gamma", 1e-3, "lambda_conv1_1", 1.0, "lambda_conv2_1", 0.5)
                .forEach((name, value) -> inputs.put(name, DoubleTensor.scalar(value)));

        GradientCheck.Report report =
                GradientCheck.checkEveryCoordinate(gradient, inputs, "image", "J", "grad_image", 1e-3, temp);
        System.out.println("VGG-like user network: " + report);
        assertThat(report.maxRelativeError()).isLessThan(1e-3);
        assertThat(report.maxSmallError()).isLessThan(1e-3);
        assertThat(report.lossError()).isLessThan(1e-5);
    }

    /** Two VGG stages with torchvision's value names, a classifier head, input [1, 3, 224, 224]. */
    private static ModelProto vggLike() {
        GraphProto.Builder graph =
                GraphProto.newBuilder().setName("main_graph").addInput(Graphs.floatValue("input", 1, 3, 224, 224));
        GraphBuilder builder = new GraphBuilder(graph);
        Random random = new Random(8);
        String x = "input";
        int channels = 3;
        int index = 0;
        for (int[] stage : new int[][] {{8, 8}, {12}}) {
            for (int width : stage) {
                String conv = builder.nodeWithOutputs(
                                "Conv",
                                List.of(
                                        x,
                                        weights(builder, random, width, channels, 3, 3),
                                        weights(builder, random, width)),
                                List.of(builder.exact("/features/features." + index + "/Conv_output_0")),
                                ints("pads", 1, 1, 1, 1))
                        .get(0);
                x = builder.nodeWithOutputs(
                                "Relu",
                                List.of(conv),
                                List.of(builder.exact("/features/features." + (index + 1) + "/Relu_output_0")))
                        .get(0);
                channels = width;
                index += 2;
            }
            x = builder.nodeWithOutputs(
                            "MaxPool",
                            List.of(x),
                            List.of(builder.exact("/features/features." + index + "/MaxPool_output_0")),
                            ints("kernel_shape", 2, 2),
                            ints("strides", 2, 2))
                    .get(0);
            index++;
        }
        String flat = builder.node("Flatten", List.of(x), "/Flatten_output_0", of("axis", 1));
        builder.nodeWithOutputs(
                "Gemm",
                List.of(flat, weights(builder, random, 10, 12 * 56 * 56), weights(builder, random, 10)),
                List.of(builder.exact("output")),
                of("transB", 1));
        graph.addOutput(Graphs.floatValue("output", 1, 10));
        return Graphs.model(graph.build());
    }

    private static String weights(GraphBuilder builder, Random random, long... dims) {
        long count = 1;
        for (long dim : dims) {
            count *= dim;
        }
        float[] values = new float[(int) count];
        double deviation = dims.length == 4 ? Math.sqrt(2.0 / (dims[1] * dims[2] * dims[3])) : 0.01;
        for (int index = 0; index < values.length; index++) {
            values[index] = (float) (random.nextGaussian() * deviation);
        }
        return builder.floats("weights", values, dims);
    }

    private static DoubleTensor image(int height, int width, long seed) {
        Random random = new Random(seed);
        double[] values = new double[3 * height * width];
        for (int index = 0; index < values.length; index++) {
            values[index] = random.nextInt(256);
        }
        return new DoubleTensor(values, new long[] {1, 3, height, width});
    }
}
