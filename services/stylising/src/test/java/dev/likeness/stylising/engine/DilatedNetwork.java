package dev.likeness.stylising.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.OperatorSetIdProto;
import dev.likeness.onnx.tools.graph.Attributes;
import dev.likeness.onnx.tools.graph.GraphBuilder;

/**
 * An image-to-image ONNX network with a wide receptive field, as style networks have: 3x3 convolutions mixing
 * the three channels (seeded weights, zero padding) with dilations 1, 2, 4 and 8 and a ReLU after each, then the
 * colour inversion 255 - x. Its field is 31 px a side (radius 15). Input and output RGB 0..255 NCHW, dynamic H, W.
 */
final class DilatedNetwork {

    static final String INPUT = "image";
    static final String OUTPUT = "stylised";

    private DilatedNetwork() {}

    static ModelProto build() {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("dilated").addInput(BlurNetwork.image(INPUT));
        GraphBuilder builder = new GraphBuilder(graph);
        SplittableRandom random = new SplittableRandom(23);
        String value = INPUT;
        for (long dilation : new long[] {1, 2, 4, 8}) {
            float[] kernel = new float[3 * 3 * 9];
            for (int i = 0; i < kernel.length; i++) {
                // Mostly averaging (the weights of one output channel sum to about 1), so values stay in 0..255.
                kernel[i] = (float) (1.0 / 27 + random.nextDouble(-0.02, 0.02));
            }
            String weights = builder.floats("kernel", kernel, 3, 3, 3, 3);
            String conv = builder.node(
                    "Conv",
                    List.of(value, weights),
                    "conv",
                    Attributes.ints("kernel_shape", 3, 3),
                    Attributes.ints("dilations", dilation, dilation),
                    Attributes.ints("pads", dilation, dilation, dilation, dilation));
            value = builder.node("Relu", List.of(conv), "relu");
        }
        builder.nodeWithOutputs("Sub", List.of(builder.scalar("full", 255f), value), List.of(builder.exact(OUTPUT)));
        graph.addOutput(BlurNetwork.image(OUTPUT));
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("likeness-stylising-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph)
                .build();
    }

    static Path write(ModelProto model, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, model.toByteArray());
        return file;
    }
}
