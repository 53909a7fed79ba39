package dev.likeness.onnx.tools.dlib;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static dev.likeness.onnx.tools.graph.Attributes.of;

import java.util.List;
import java.util.Map;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.tfjs.TfjsLayersModel.Weight;

/**
 * dlib's face recognition ResNet ({@code dlib_face_recognition_resnet_model_v1}, 128-d descriptors) as an ONNX
 * graph, from the weights that face-api ships without a topology ({@code face_recognition_model-weights_manifest.json}).
 * The architecture is face-api's {@code FaceRecognitionNet} (src/faceRecognitionNet/), which mirrors dlib's
 * {@code dnn_face_recognition_ex.cpp} network:
 *
 * <pre>
 * conv 7x7/2 valid (32) -> max pool 3x3/2 valid
 * -> 3 x residual(32) -> residual_down(64) + 3 x residual(64) -> residual_down(128) + 2 x residual(128)
 * -> residual_down(256) + 2 x residual(256) -> residual_down(256) -> mean over H, W -> fc 256 x 128
 * </pre>
 *
 * Each convolution is followed by a per-channel scale layer (dlib's affine layer, the frozen batch
 * normalisation), folded here into the convolution's weights and bias. A residual adds its input; a residual_down
 * adds its input average-pooled 2x2/2, with zero channels appended where the width doubles, and where the strided
 * convolution's map is one row and column smaller than the pooled input (8 -> 3 vs 4, 4 -> 1 vs 2) the map is
 * extended with zeros at the bottom and right first, as dlib's add_prev and face-api do.
 *
 * <p>Input {@value #INPUT} {@code [N, 3, 150, 150]}: RGB already normalised, {@code (v - [122.782, 117.001,
 * 104.298]) / 255} as face-api feeds it (dlib itself divides by 256). Output {@value #OUTPUT} {@code [N, 128]},
 * not normalised. The graph is the same bytes for the same weights.
 */
public final class DlibFaceRecognitionNet {

    public static final int SIZE = 150;
    public static final int DIMENSION = 128;
    public static final String INPUT = "input";
    public static final String OUTPUT = "descriptor";
    /** face-api's input normalisation: dlib's mean RGB, then / 255. */
    public static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};

    public static final float SCALE = 255f;

    private final Map<String, Weight> weights;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final GraphBuilder builder = new GraphBuilder(graph);
    /** Height and width of the feature map built so far. */
    private int size = SIZE;

    private DlibFaceRecognitionNet(Map<String, Weight> weights) {
        this.weights = weights;
    }

    /** @param weights face-api's weight map by manifest name, e.g. {@code conv32_1/conv1/conv/filters} */
    public static ModelProto build(Map<String, Weight> weights) {
        return new DlibFaceRecognitionNet(weights).convert();
    }

    private ModelProto convert() {
        graph.addInput(Graphs.floatValue(builder.exact(INPUT), "N", 3, SIZE, SIZE));
        String x = convolution(INPUT, "conv32_down", 2, true);
        size = (size - 7) / 2 + 1;
        x = builder.node(
                "MaxPool",
                List.of(x),
                "pool",
                ints("kernel_shape", 3, 3),
                ints("strides", 2, 2),
                ints("pads", 0, 0, 0, 0));
        size = (size - 3) / 2 + 1;
        for (String block : List.of("conv32_1", "conv32_2", "conv32_3")) {
            x = residual(x, block);
        }
        x = residualDown(x, "conv64_down");
        for (String block : List.of("conv64_1", "conv64_2", "conv64_3")) {
            x = residual(x, block);
        }
        x = residualDown(x, "conv128_down");
        for (String block : List.of("conv128_1", "conv128_2")) {
            x = residual(x, block);
        }
        x = residualDown(x, "conv256_down");
        for (String block : List.of("conv256_1", "conv256_2")) {
            x = residual(x, block);
        }
        x = residualDown(x, "conv256_down_out");
        String pooled = builder.node("ReduceMean", List.of(x), "global_average", ints("axes", 2, 3), of("keepdims", 0));
        Weight fc = weight("fc");
        builder.nodeWithOutputs(
                "MatMul",
                List.of(pooled, builder.floats("fc", fc.values(), fc.shape())),
                List.of(builder.exact(OUTPUT)));
        graph.addOutput(Graphs.floatValue(OUTPUT, "N", DIMENSION));
        graph.setName("dlib_face_recognition_resnet_model_v1");
        return Graphs.model(graph.build());
    }

    /** conv + ReLU, conv, + input, ReLU. */
    private String residual(String x, String block) {
        String out = convolution(x, block + "/conv1", 1, true);
        out = convolution(out, block + "/conv2", 1, false);
        return builder.node("Relu", List.of(builder.node("Add", List.of(out, x), block + "/sum")), block);
    }

    /** Strided conv + ReLU, conv, + the input average-pooled (zero-padded to the conv's channels and size), ReLU. */
    private String residualDown(String x, String block) {
        String out = convolution(x, block + "/conv1", 2, true);
        out = convolution(out, block + "/conv2", 1, false);
        long inChannels = weight(block + "/conv1/conv/filters").shape()[2];
        long outChannels = weight(block + "/conv2/conv/filters").shape()[3];
        String pooled = builder.node(
                "AveragePool",
                List.of(x),
                block + "/pooled",
                ints("kernel_shape", 2, 2),
                ints("strides", 2, 2),
                ints("pads", 0, 0, 0, 0));
        if (outChannels != inChannels) {
            pooled = builder.node(
                    "Pad",
                    List.of(
                            pooled,
                            builder.longs(block + "/channel_pads", 0, 0, 0, 0, 0, outChannels - inChannels, 0, 0)),
                    block + "/pooled_padded");
        }
        int pooledSize = size / 2;
        int convolvedSize = (size - 3) / 2 + 1;
        if (convolvedSize < pooledSize) {
            // The strided 3x3 conv loses a row and a column against the 2x2 pool on even sizes (8, 4): zeros go
            // at the bottom and right.
            long missing = pooledSize - convolvedSize;
            out = builder.node(
                    "Pad",
                    List.of(out, builder.longs(block + "/size_pads", 0, 0, 0, 0, 0, 0, missing, missing)),
                    block + "/padded");
        }
        size = pooledSize;
        return builder.node("Relu", List.of(builder.node("Add", List.of(pooled, out), block + "/sum")), block);
    }

    /**
     * face-api's convLayer: {@code conv(x) + bias}, then the scale layer {@code * weights + biases}, folded into
     * one Conv (in double, for exact and repeatable folding); TF 'valid' when strided, 'same' (pad 1) otherwise.
     */
    private String convolution(String x, String layer, int stride, boolean relu) {
        Weight filters = weight(layer + "/conv/filters");
        float[] bias = weight(layer + "/conv/bias").values();
        float[] scale = weight(layer + "/scale/weights").values();
        float[] shift = weight(layer + "/scale/biases").values();
        int kh = (int) filters.shape()[0];
        int kw = (int) filters.shape()[1];
        int in = (int) filters.shape()[2];
        int out = (int) filters.shape()[3];
        // TF.js [kh, kw, in, out] to ONNX [out, in, kh, kw], times the scale of each output channel.
        float[] folded = new float[out * in * kh * kw];
        for (int y = 0; y < kh; y++) {
            for (int x0 = 0; x0 < kw; x0++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        double value = filters.values()[((y * kw + x0) * in + i) * out + o];
                        folded[((o * in + i) * kh + y) * kw + x0] = (float) (value * scale[o]);
                    }
                }
            }
        }
        float[] foldedBias = new float[out];
        for (int o = 0; o < out; o++) {
            foldedBias[o] = (float) ((double) bias[o] * scale[o] + shift[o]);
        }
        long pad = stride == 1 ? kh / 2 : 0;
        String convolved = builder.node(
                "Conv",
                List.of(
                        x,
                        builder.floats(layer + "/weights", folded, out, in, kh, kw),
                        builder.floats(layer + "/bias", foldedBias, out)),
                relu ? layer + "/linear" : layer,
                ints("kernel_shape", kh, kw),
                ints("strides", stride, stride),
                ints("pads", pad, pad, pad, pad));
        return relu ? builder.node("Relu", List.of(convolved), layer) : convolved;
    }

    private Weight weight(String name) {
        Weight weight = weights.get(name);
        if (weight == null) {
            throw new IllegalArgumentException(
                    "The weights manifest has no tensor '" + name + "': not face-api's face_recognition_model");
        }
        return weight;
    }
}
