package dev.likeness.onnx.tools.tfjs;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static dev.likeness.onnx.tools.graph.Attributes.of;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.onnx.model.AttributeProto;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.graph.ShapeInference;
import dev.likeness.onnx.tools.tfjs.TfjsLayersModel.Layer;

/**
 * Converts a TF.js layers model (channels-last Keras) into an ONNX graph in NCHW layout, opset 17.
 *
 * <p>The input becomes {@code [N, C, H, W]} under the input layer's name; every layer's output value is
 * named after the layer, so Keras layer names can be used to truncate the graph. BatchNormalization is
 * folded into the preceding Conv2D/DepthwiseConv2D when that convolution has no activation and no other
 * reader; the folded convolution's output then carries the BatchNormalization layer's name. Supported
 * layers: {@value #SUPPORTED}.
 */
public final class TfjsImporter {

    static final String SUPPORTED =
            "InputLayer, Conv2D, DepthwiseConv2D, BatchNormalization, Activation, ReLU, Softmax,"
                    + " Add, Concatenate, ZeroPadding2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Flatten, Dense,"
                    + " Dropout";
    private static final int[] NHWC_TO_NCHW_AXIS = {0, 2, 3, 1};

    private final TfjsLayersModel keras;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final GraphBuilder builder = new GraphBuilder(graph);
    /** ONNX value holding each Keras layer's output. */
    private final Map<String, String> values = new HashMap<>();
    /** Rank of each Keras layer's output (4: an NCHW feature map, 2: a vector per item). */
    private final Map<String, Integer> ranks = new HashMap<>();

    private final Map<String, Integer> readers = new HashMap<>();

    private TfjsImporter(TfjsLayersModel keras) {
        this.keras = keras;
        for (Layer layer : keras.layers()) {
            layer.inbound().forEach(source -> readers.merge(source, 1, Integer::sum));
        }
    }

    public static ModelProto importModel(Path modelJson) throws IOException {
        return importModel(TfjsLayersModel.read(modelJson));
    }

    public static ModelProto importModel(TfjsLayersModel keras) {
        return new TfjsImporter(keras).convert();
    }

    private ModelProto convert() {
        if (keras.inputs().size() != 1) {
            throw new IllegalArgumentException("Only single-input models are supported; inputs: " + keras.inputs());
        }
        for (Layer layer : keras.layers()) {
            convert(layer);
        }
        Map<String, long[]> shapes = ShapeInference.of(graph.build());
        for (String output : keras.outputs()) {
            String value = values.get(output);
            if (!value.equals(output)) {
                builder.nodeWithOutputs("Identity", List.of(value), List.of(builder.exact(output)));
            }
            graph.addOutput(Graphs.floatValue(output, shapes.get(value)));
        }
        graph.setName("tfjs_import");
        return Graphs.model(graph.build());
    }

    private void convert(Layer layer) {
        JsonNode config = layer.config();
        switch (layer.className()) {
            case "InputLayer" -> input(layer);
            case "Conv2D", "DepthwiseConv2D" -> convolution(layer);
            case "BatchNormalization" -> batchNormalization(layer);
            case "Activation" ->
                output(
                        layer,
                        activation(layer, in(layer), config.get("activation").asText(), layer.name()));
            case "ReLU" -> output(layer, relu(layer));
            case "Softmax" ->
                output(layer, builder.node("Softmax", List.of(in(layer)), layer.name(), of("axis", (long)
                        axis(layer, config.path("axis").asInt(-1)))));
            case "Add" -> add(layer);
            case "Concatenate" ->
                output(layer, builder.node("Concat", inputs(layer), layer.name(), of("axis", (long)
                        axis(layer, config.path("axis").asInt(-1)))));
            case "ZeroPadding2D" -> zeroPadding(layer);
            case "MaxPooling2D", "AveragePooling2D" -> pooling(layer);
            case "GlobalAveragePooling2D" -> globalAveragePooling(layer);
            case "Flatten" -> flatten(layer);
            case "Dense" -> dense(layer);
            case "Dropout", "SpatialDropout2D" -> {
                values.put(layer.name(), in(layer));
                ranks.put(layer.name(), rank(layer.inbound().get(0)));
            }
            default ->
                throw new IllegalArgumentException("Layer '" + layer.name() + "' is a " + layer.className()
                        + ", which the importer does not support; supported: " + SUPPORTED);
        }
    }

    private void input(Layer layer) {
        JsonNode shape = layer.config().get("batch_input_shape");
        if (shape == null || shape.size() != 4) {
            throw new IllegalArgumentException(
                    "Input '" + layer.name() + "' must be an image batch [N, H, W, C]; it is " + shape);
        }
        Object height = shape.get(1).isNull() ? "H" : shape.get(1).asLong();
        Object width = shape.get(2).isNull() ? "W" : shape.get(2).asLong();
        graph.addInput(
                Graphs.floatValue(builder.exact(layer.name()), "N", shape.get(3).asLong(), height, width));
        output(layer, layer.name(), 4);
    }

    private void convolution(Layer layer) {
        JsonNode config = layer.config();
        requireChannelsLast(layer);
        boolean depthwise = layer.className().equals("DepthwiseConv2D");
        TfjsLayersModel.Weight kernel = keras.weight(layer.name(), depthwise ? "depthwise_kernel" : "kernel");
        int kh = (int) kernel.shape()[0];
        int kw = (int) kernel.shape()[1];
        int inPerGroup = (int) kernel.shape()[2];
        int perInput = (int) kernel.shape()[3];
        int outChannels = depthwise ? inPerGroup * perInput : perInput;
        long group = depthwise ? inPerGroup : config.path("groups").asLong(1);

        // Keras [kh, kw, in, out] (depthwise: [kh, kw, channel, multiplier]) to ONNX [out, in / group, kh, kw].
        float[] weights = new float[outChannels * (depthwise ? 1 : inPerGroup) * kh * kw];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int in = 0; in < inPerGroup; in++) {
                    for (int k = 0; k < perInput; k++) {
                        float value = kernel.values()[((y * kw + x) * inPerGroup + in) * perInput + k];
                        int out = depthwise ? in * perInput + k : k;
                        int inOfOut = depthwise ? 0 : in;
                        weights[((out * (depthwise ? 1 : inPerGroup) + inOfOut) * kh + y) * kw + x] = value;
                    }
                }
            }
        }
        float[] bias = config.path("use_bias").asBoolean(true)
                ? keras.weight(layer.name(), "bias").values().clone()
                : new float[outChannels];

        String activation = config.path("activation").asText("linear");
        Layer folded = foldableBatchNormalization(layer, activation);
        String name = layer.name();
        if (folded != null) {
            float[][] scaleShift = batchNormalizationAffine(folded, outChannels);
            int perOut = weights.length / outChannels;
            for (int out = 0; out < outChannels; out++) {
                for (int index = 0; index < perOut; index++) {
                    weights[out * perOut + index] *= scaleShift[0][out];
                }
                bias[out] = bias[out] * scaleShift[0][out] + scaleShift[1][out];
            }
            name = folded.name();
        }
        long[] kernelShape = {kh, kw};
        long[] strides = pair(config.get("strides"), 1);
        long[] dilations = pair(config.get("dilation_rate"), 1);
        List<AttributeProto> attributes = new ArrayList<>(List.of(
                ints("kernel_shape", kernelShape),
                ints("strides", strides),
                ints("dilations", dilations),
                of("group", group)));
        attributes.add(padding(layer, kernelShape, strides, dilations));
        String convolved = builder.node(
                "Conv",
                List.of(
                        in(layer),
                        builder.floats(
                                layer.name() + "/weights", weights, outChannels, depthwise ? 1 : inPerGroup, kh, kw),
                        builder.floats(layer.name() + "/bias", bias, outChannels)),
                activation.equals("linear") ? name : name + "/linear",
                attributes.toArray(AttributeProto[]::new));
        String result = activation(layer, convolved, activation, name);
        output(layer, result, 4);
        if (folded != null) {
            output(folded, result, 4);
        }
    }

    /** The BatchNormalization that reads only this convolution's output, when it can be folded into it. */
    private Layer foldableBatchNormalization(Layer convolution, String activation) {
        if (!activation.equals("linear") || readers.getOrDefault(convolution.name(), 0) != 1) {
            return null;
        }
        return keras.layers().stream()
                .filter(layer -> layer.className().equals("BatchNormalization"))
                .filter(layer -> layer.inbound().equals(List.of(convolution.name())))
                .findFirst()
                .orElse(null);
    }

    private void batchNormalization(Layer layer) {
        if (values.containsKey(layer.name())) {
            return;
        }
        String source = layer.inbound().get(0);
        int rank = rank(source);
        int channels = (int) keras.weight(layer.name(), "moving_mean").shape()[0];
        float[][] scaleShift = batchNormalizationAffine(layer, channels);
        long[] shape = rank == 4 ? new long[] {1, channels, 1, 1} : new long[] {channels};
        String scaled = builder.node(
                "Mul",
                List.of(in(layer), builder.floats(layer.name() + "/scale", scaleShift[0], shape)),
                layer.name() + "/scaled");
        output(
                layer,
                builder.node(
                        "Add",
                        List.of(scaled, builder.floats(layer.name() + "/shift", scaleShift[1], shape)),
                        layer.name()),
                rank);
    }

    /** Per-channel {scale, shift} with y = scale * x + shift, computed in double for exact, repeatable folding. */
    private float[][] batchNormalizationAffine(Layer layer, int channels) {
        JsonNode config = layer.config();
        JsonNode axis = config.get("axis");
        int channelAxis = axis == null ? -1 : axis.isArray() ? axis.get(0).asInt() : axis.asInt();
        if (channelAxis != -1
                && channelAxis != 3
                && !(channelAxis == 1 && rank(layer.inbound().get(0)) == 2)) {
            throw new IllegalArgumentException("BatchNormalization '" + layer.name() + "' normalises axis "
                    + channelAxis + "; only the channel axis is supported");
        }
        double epsilon = config.path("epsilon").asDouble(1e-3);
        float[] mean = keras.weight(layer.name(), "moving_mean").values();
        float[] variance = keras.weight(layer.name(), "moving_variance").values();
        float[] gamma = config.path("scale").asBoolean(true)
                ? keras.weight(layer.name(), "gamma").values()
                : null;
        float[] beta = config.path("center").asBoolean(true)
                ? keras.weight(layer.name(), "beta").values()
                : null;
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int channel = 0; channel < channels; channel++) {
            double factor = (gamma == null ? 1 : gamma[channel]) / Math.sqrt(variance[channel] + epsilon);
            scale[channel] = (float) factor;
            shift[channel] = (float) ((beta == null ? 0 : beta[channel]) - mean[channel] * factor);
        }
        return new float[][] {scale, shift};
    }

    private String activation(Layer layer, String input, String activation, String name) {
        return switch (activation) {
            case "linear" -> input;
            case "relu" -> builder.node("Relu", List.of(input), name);
            case "relu6" ->
                builder.node("Clip", List.of(input, builder.scalar("zero", 0), builder.scalar("six", 6)), name);
            case "sigmoid" -> builder.node("Sigmoid", List.of(input), name);
            case "tanh" -> builder.node("Tanh", List.of(input), name);
            case "softmax" ->
                builder.node(
                        "Softmax",
                        List.of(input),
                        name,
                        of("axis", rank(layer.inbound().get(0)) == 4 ? 1L : -1L));
            default ->
                throw new IllegalArgumentException("Layer '" + layer.name() + "': activation '" + activation
                        + "' is not supported (linear, relu, relu6, sigmoid, tanh, softmax)");
        };
    }

    private String relu(Layer layer) {
        JsonNode config = layer.config();
        if (config.path("threshold").asDouble(0) != 0
                || config.path("negative_slope").asDouble(0) != 0) {
            throw new IllegalArgumentException("ReLU '" + layer.name() + "': threshold and negative_slope must be 0");
        }
        JsonNode maxValue = config.get("max_value");
        if (maxValue == null || maxValue.isNull()) {
            return builder.node("Relu", List.of(in(layer)), layer.name());
        }
        return builder.node(
                "Clip",
                List.of(in(layer), builder.scalar("zero", 0), builder.scalar("max", (float) maxValue.asDouble())),
                layer.name());
    }

    private void add(Layer layer) {
        List<String> inputs = inputs(layer);
        String sum = inputs.get(0);
        for (int index = 1; index < inputs.size(); index++) {
            sum = builder.node(
                    "Add",
                    List.of(sum, inputs.get(index)),
                    index == inputs.size() - 1 ? layer.name() : layer.name() + "/partial");
        }
        output(layer, sum);
    }

    private void zeroPadding(Layer layer) {
        requireChannelsLast(layer);
        JsonNode padding = layer.config().get("padding");
        long top;
        long bottom;
        long left;
        long right;
        if (padding.isInt()) {
            top = bottom = left = right = padding.asLong();
        } else if (padding.get(0).isArray()) {
            top = padding.get(0).get(0).asLong();
            bottom = padding.get(0).get(1).asLong();
            left = padding.get(1).get(0).asLong();
            right = padding.get(1).get(1).asLong();
        } else {
            top = bottom = padding.get(0).asLong();
            left = right = padding.get(1).asLong();
        }
        output(
                layer,
                builder.node(
                        "Pad",
                        List.of(in(layer), builder.longs(layer.name() + "/pads", 0, 0, top, left, 0, 0, bottom, right)),
                        layer.name()),
                4);
    }

    private void pooling(Layer layer) {
        requireChannelsLast(layer);
        JsonNode config = layer.config();
        long[] kernel = pair(config.get("pool_size"), 2);
        JsonNode strideConfig = config.get("strides");
        long[] strides = strideConfig == null || strideConfig.isNull() ? kernel : pair(strideConfig, 1);
        long[] ones = {1, 1};
        boolean max = layer.className().equals("MaxPooling2D");
        List<AttributeProto> attributes = new ArrayList<>(
                List.of(ints("kernel_shape", kernel), ints("strides", strides), padding(layer, kernel, strides, ones)));
        if (!max) {
            // TensorFlow averages only over the cells inside the image.
            attributes.add(of("count_include_pad", 0));
        }
        output(
                layer,
                builder.node(
                        max ? "MaxPool" : "AveragePool",
                        List.of(in(layer)),
                        layer.name(),
                        attributes.toArray(AttributeProto[]::new)),
                4);
    }

    private void globalAveragePooling(Layer layer) {
        requireChannelsLast(layer);
        boolean keepDims = layer.config().path("keepdims").asBoolean(false);
        output(
                layer,
                builder.node(
                        "ReduceMean",
                        List.of(in(layer)),
                        layer.name(),
                        ints("axes", 2, 3),
                        of("keepdims", keepDims ? 1 : 0)),
                keepDims ? 4 : 2);
    }

    /** Keras flattens channels-last maps: go back to NHWC order first so Dense weights line up. */
    private void flatten(Layer layer) {
        String input = in(layer);
        if (rank(layer.inbound().get(0)) == 4) {
            input = builder.node("Transpose", List.of(input), layer.name() + "/nhwc", ints("perm", 0, 2, 3, 1));
        }
        output(layer, builder.node("Flatten", List.of(input), layer.name(), of("axis", 1)), 2);
    }

    private void dense(Layer layer) {
        if (rank(layer.inbound().get(0)) != 2) {
            throw new IllegalArgumentException(
                    "Dense '" + layer.name() + "' reads a feature map; add a Flatten or pooling first");
        }
        JsonNode config = layer.config();
        TfjsLayersModel.Weight kernel = keras.weight(layer.name(), "kernel");
        String activation = config.path("activation").asText("linear");
        String product = builder.node(
                "MatMul",
                List.of(in(layer), builder.floats(layer.name() + "/kernel", kernel.values(), kernel.shape())),
                layer.name() + "/product");
        String linear = product;
        if (config.path("use_bias").asBoolean(true)) {
            TfjsLayersModel.Weight bias = keras.weight(layer.name(), "bias");
            linear = builder.node(
                    "Add",
                    List.of(product, builder.floats(layer.name() + "/bias", bias.values(), bias.shape())),
                    activation.equals("linear") ? layer.name() : layer.name() + "/linear");
        }
        output(layer, activation(layer, linear, activation, layer.name()), 2);
    }

    private AttributeProto padding(Layer layer, long[] kernel, long[] strides, long[] dilations) {
        String padding = layer.config().path("padding").asText("valid");
        if (padding.equals("valid")) {
            return ints("pads", 0, 0, 0, 0);
        }
        if (!padding.equals("same")) {
            throw new IllegalArgumentException(
                    "Layer '" + layer.name() + "': padding '" + padding + "' is not supported");
        }
        return samePadding(kernel, strides, dilations);
    }

    /**
     * TensorFlow's SAME: total padding as needed for ceil(size / stride) outputs, the odd cell after the image (both
     * TF.js formats, layers and graph models, use it).
     */
    static AttributeProto samePadding(long[] kernel, long[] strides, long[] dilations) {
        if (strides[0] != 1 || strides[1] != 1) {
            // TensorFlow's SAME pads depend on the input size when strided: ONNX's SAME_UPPER is the same rule.
            return of("auto_pad", "SAME_UPPER");
        }
        long[] pads = new long[4];
        for (int axis = 0; axis < 2; axis++) {
            long total = dilations[axis] * (kernel[axis] - 1);
            pads[axis] = total / 2;
            pads[axis + 2] = total - total / 2;
        }
        return ints("pads", pads);
    }

    private void requireChannelsLast(Layer layer) {
        String format = layer.config().path("data_format").asText("channels_last");
        if (!format.equals("channels_last")) {
            throw new IllegalArgumentException(
                    "Layer '" + layer.name() + "' uses data_format " + format + "; only channels_last");
        }
    }

    /** A Keras axis of this layer's (channels-last) input, as the ONNX axis of the NCHW value. */
    private int axis(Layer layer, int kerasAxis) {
        int rank = rank(layer.inbound().get(0));
        int normalised = kerasAxis < 0 ? kerasAxis + rank : kerasAxis;
        return rank == 4 ? NHWC_TO_NCHW_AXIS[normalised] : normalised;
    }

    private static long[] pair(JsonNode node, long fallback) {
        if (node == null || node.isNull()) {
            return new long[] {fallback, fallback};
        }
        if (node.isNumber()) {
            return new long[] {node.asLong(), node.asLong()};
        }
        return new long[] {node.get(0).asLong(), node.get(1).asLong()};
    }

    private String in(Layer layer) {
        if (layer.inbound().size() != 1) {
            throw new IllegalArgumentException("Layer '" + layer.name() + "' must have exactly one input");
        }
        return inputs(layer).get(0);
    }

    private List<String> inputs(Layer layer) {
        return layer.inbound().stream()
                .map(source -> {
                    String value = values.get(source);
                    if (value == null) {
                        throw new IllegalArgumentException("Layer '" + layer.name() + "' reads '" + source
                                + "', which comes later or does not exist");
                    }
                    return value;
                })
                .toList();
    }

    private int rank(String layer) {
        return ranks.get(layer);
    }

    private void output(Layer layer, String value) {
        output(layer, value, rank(layer.inbound().get(0)));
    }

    private void output(Layer layer, String value, int rank) {
        values.put(layer.name(), value);
        ranks.put(layer.name(), rank);
    }
}
