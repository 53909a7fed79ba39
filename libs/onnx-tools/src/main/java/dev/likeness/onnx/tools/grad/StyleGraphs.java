package dev.likeness.onnx.tools.grad;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static dev.likeness.onnx.tools.graph.Attributes.of;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.StringStringEntryProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.onnx.model.TensorShapeProto;
import dev.likeness.onnx.model.ValueInfoProto;
import dev.likeness.onnx.tools.extract.FeatureExtractor;
import dev.likeness.onnx.tools.graph.Attributes;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.graph.ShapeInference;

/**
 * Generates, from a feature extractor (see {@link FeatureExtractor}) and a {@link StyleLossSpec}, the two
 * graphs neural style transfer runs:
 *
 * <ul>
 *   <li>the <b>targets graph</b>: {@code image} → {@code content_target_<layer>} (the compared activations
 *       of the content image) and {@code style_gram_<layer>} (Gram matrices of the style image);</li>
 *   <li>the <b>gradient graph</b>: {@code image}, those targets, {@code alpha}, {@code beta}, {@code gamma}
 *       and {@code lambda_<style layer>} → {@code J}, {@code J_content}, {@code J_style}, {@code J_tv} and
 *       {@code grad_image} = dJ/d image.</li>
 * </ul>
 *
 * <p>The image may be a signal [1, C, L], a picture [1, C, H, W] or a volume [1, C, D, H, W] (video as
 * frames over time, scans): the extractor's layers then have the same rank, n_P below counting their
 * positions (L, H W or D H W). With a = the compared activations of a layer (after SWAG smoothing when on),
 * shape [1, n_C, positions...]:
 * <pre>
 * J_content = sum over content layers of sum((a_G - a_C)^2) / (4 n_C n_P)
 * g         = A A^T / n_P, A = a reshaped to [n_C, n_P]   (the style_gram inputs)
 * J_style   = sum over style layers of lambda_l * sum((g_G - g_S)^2) / (4 n_C^2)
 * J_tv      = sum of squared differences of neighbouring values along every axis after the channels
 *             / (C times the image's positions)
 * J         = alpha J_content + beta J_style + gamma J_tv
 * </pre>
 * The per-layer style term equals Gatys et al.'s {@code sum((G_G - G_S)^2) / (4 n_C^2 n_P^2)} with
 * unnormalised Grams when both images have the same size, and stays comparable when the style image has
 * another size. For a picture, J_tv is the sum over horizontal and vertical neighbours over 3 H W.
 */
public final class StyleGraphs {

    public static final String IMAGE = FeatureExtractor.IMAGE;
    public static final String J = "J";
    public static final String J_CONTENT = "J_content";
    public static final String J_STYLE = "J_style";
    public static final String J_TV = "J_tv";
    public static final String GRADIENT = "grad_image";
    public static final String ALPHA = "alpha";
    public static final String BETA = "beta";
    public static final String GAMMA = "gamma";

    /** Metadata keys written into the generated models. */
    public static final String CONTENT_LAYERS_KEY = "likeness.style.content_layers";

    public static final String STYLE_LAYERS_KEY = "likeness.style.style_layers";
    public static final String SMOOTHING_KEY = "likeness.style.smoothing_temperature";

    /** Operators whose semantics changed between their first version and opset 17, with the first equal version. */
    private static final Map<String, Integer> SINCE_OPSET = Map.ofEntries(
            Map.entry("Softmax", 13),
            Map.entry("ReduceSum", 13),
            Map.entry("Pad", 11),
            Map.entry("Clip", 11),
            Map.entry("Split", 13),
            Map.entry("Squeeze", 13),
            Map.entry("Unsqueeze", 13),
            Map.entry("Reshape", 5),
            Map.entry("Concat", 4),
            Map.entry("Add", 7),
            Map.entry("Sub", 7),
            Map.entry("Mul", 7),
            Map.entry("Div", 7),
            Map.entry("MaxPool", 8),
            Map.entry("AveragePool", 7),
            Map.entry("Relu", 6),
            Map.entry("Dropout", 12));
    /** Operators whose opset 18 versions moved attributes to inputs: they cannot be read as opset 17. */
    private static final Set<String> CHANGED_IN_18 = Set.of(
            "ReduceMean",
            "ReduceProd",
            "ReduceMax",
            "ReduceMin",
            "ReduceL1",
            "ReduceL2",
            "ReduceLogSum",
            "ReduceLogSumExp",
            "ReduceSumSquare",
            "Split",
            "Resize");

    private StyleGraphs() {}

    public static String contentTarget(String layer) {
        return "content_target_" + layer;
    }

    public static String styleGram(String layer) {
        return "style_gram_" + layer;
    }

    public static String styleWeight(String layer) {
        return "lambda_" + layer;
    }

    /** The targets graph: content activations and style Gram matrices of an image. */
    public static ModelProto targets(ModelProto extractor, StyleLossSpec spec) {
        Loss loss = new Loss(extractor, spec);
        List<ValueInfoProto> outputs = new ArrayList<>();
        for (String layer : spec.contentLayers()) {
            loss.builder.nodeWithOutputs(
                    "Identity", List.of(loss.compared(layer)), List.of(loss.builder.exact(contentTarget(layer))));
            outputs.add(loss.activationValue(contentTarget(layer), layer));
        }
        for (String layer : spec.styleLayers()) {
            loss.gram(layer, styleGram(layer));
            outputs.add(Graphs.floatValue(styleGram(layer), loss.channels(layer), loss.channels(layer)));
        }
        loss.graph.addAllOutput(outputs).setName("style_targets");
        return loss.model();
    }

    /** The gradient graph: the loss, its parts and its gradient with respect to the image. */
    public static ModelProto gradient(ModelProto extractor, StyleLossSpec spec) {
        Loss loss = new Loss(extractor, spec);
        GraphBuilder builder = loss.builder;
        GraphProto.Builder graph = loss.graph;

        List<String> contentTerms = new ArrayList<>();
        for (String layer : spec.contentLayers()) {
            loss.input(loss.activationValue(contentTarget(layer), layer));
            String compared = loss.compared(layer);
            String squared = loss.squaredDistance(compared, contentTarget(layer));
            String fourN =
                    builder.node("Mul", List.of(loss.elementCount(compared), builder.scalar("four", 4)), layer + "_4n");
            contentTerms.add(builder.node("Div", List.of(squared, fourN), "J_content_" + layer));
        }
        List<String> styleTerms = new ArrayList<>();
        for (String layer : spec.styleLayers()) {
            loss.input(Graphs.floatValue(styleGram(layer), loss.channels(layer), loss.channels(layer)));
            loss.input(Graphs.floatValue(styleWeight(layer)));
            String squared = loss.squaredDistance(loss.gram(layer, null), styleGram(layer));
            long channels = loss.channels(layer);
            String term = builder.node(
                    "Mul",
                    List.of(squared, builder.scalar("gatys_norm", 1f / (4f * channels * channels))),
                    "J_style_" + layer);
            styleTerms.add(builder.node("Mul", List.of(term, styleWeight(layer)), "J_style_weighted_" + layer));
        }
        loss.sum(contentTerms, J_CONTENT);
        loss.sum(styleTerms, J_STYLE);
        loss.totalVariation(J_TV);
        for (String weight : List.of(ALPHA, BETA, GAMMA)) {
            loss.input(Graphs.floatValue(weight));
        }
        builder.nodeWithOutputs(
                "Sum",
                List.of(
                        builder.node("Mul", List.of(ALPHA, J_CONTENT), "alpha_J_content"),
                        builder.node("Mul", List.of(BETA, J_STYLE), "beta_J_style"),
                        builder.node("Mul", List.of(GAMMA, J_TV), "gamma_J_tv")),
                List.of(builder.exact(J)));

        Autodiff.appendGradient(graph, IMAGE, J, GRADIENT);
        for (String output : List.of(J, J_CONTENT, J_STYLE, J_TV)) {
            graph.addOutput(Graphs.floatValue(output));
        }
        graph.addOutput(loss.image.toBuilder().setName(GRADIENT)).setName("style_loss_gradient");
        return loss.model();
    }

    /** The extractor's nodes plus the loss terms, shared by both graphs. */
    private static final class Loss {
        final GraphProto.Builder graph = GraphProto.newBuilder();
        final GraphBuilder builder;
        /** The extractor's input: [1, C, positions...] with one, two or three axes of positions. */
        final ValueInfoProto image;

        private final int rank;
        private final long imageChannels;
        private final ModelProto extractor;
        private final StyleLossSpec spec;
        private final Map<String, long[]> shapes;
        private final Map<String, String> compared = new HashMap<>();
        private final Map<String, String> counts = new HashMap<>();

        Loss(ModelProto extractor, StyleLossSpec spec) {
            requireOpset17Semantics(extractor);
            GraphProto source = extractor.getGraph();
            List<ValueInfoProto> inputs = Graphs.realInputs(source);
            if (inputs.size() != 1 || !inputs.get(0).getName().equals(IMAGE)) {
                throw new IllegalArgumentException(
                        "The extractor must have the single input '" + IMAGE + "'; make it with FeatureExtractor");
            }
            Set<String> outputs = new LinkedHashSet<>();
            source.getOutputList().forEach(output -> outputs.add(output.getName()));
            for (String layer : layers(spec)) {
                if (!outputs.contains(layer)) {
                    throw new IllegalArgumentException(
                            "The extractor has no output '" + layer + "'; it has " + outputs);
                }
            }
            this.image = inputs.get(0);
            List<TensorShapeProto.Dimension> dims =
                    image.getType().getTensorType().getShape().getDimList();
            this.rank = dims.size();
            if (rank < 3 || rank > 5 || !dims.get(1).hasDimValue()) {
                throw new IllegalArgumentException("The extractor's input '" + IMAGE
                        + "' must be [1, C, L], [1, C, H, W] or [1, C, D, H, W] with a known C; it has " + dims);
            }
            this.imageChannels = dims.get(1).getDimValue();
            this.extractor = extractor;
            this.spec = spec;
            List<NodeProto> needed = Graphs.neededNodes(source, layers(spec));
            graph.addAllNode(needed)
                    .addAllInitializer(Graphs.initializersOf(source, needed))
                    .addInput(inputs.get(0));
            builder = new GraphBuilder(graph);
            shapes = ShapeInference.of(graph.build());
        }

        private static Set<String> layers(StyleLossSpec spec) {
            Set<String> layers = new LinkedHashSet<>(spec.contentLayers());
            layers.addAll(spec.styleLayers());
            return layers;
        }

        /** Declares a graph input, reserving its name. */
        void input(ValueInfoProto input) {
            graph.addInput(input.toBuilder().setName(builder.exact(input.getName())));
        }

        long channels(String layer) {
            long[] shape = shapes.get(layer);
            if (shape == null || shape.length != rank || shape[1] == ShapeInference.UNKNOWN) {
                throw new IllegalArgumentException(
                        "The channel count of layer '" + layer + "' cannot be told from the extractor");
            }
            return shape[1];
        }

        /** A value shaped like the layer's activations, [1, n_C, positions...], its positions named after it. */
        ValueInfoProto activationValue(String name, String layer) {
            List<String> axes =
                    switch (rank) {
                        case 3 -> List.of("_length");
                        case 4 -> List.of("_height", "_width");
                        default -> List.of("_depth", "_height", "_width");
                    };
            Object[] dims = new Object[rank];
            dims[0] = 1;
            dims[1] = channels(layer);
            for (int axis = 2; axis < rank; axis++) {
                dims[axis] = layer + axes.get(axis - 2);
            }
            return Graphs.floatValue(name, dims);
        }

        /**
         * The layer's activations as the losses see them. With SWAG smoothing, n_C softmax(a / T) over the
         * channels at each position (Wang et al.'s Softmax2d): the factor n_C keeps the mean at 1.
         */
        String compared(String layer) {
            return compared.computeIfAbsent(layer, name -> {
                if (spec.smoothingTemperature().isEmpty()) {
                    return name;
                }
                float inverseTemperature =
                        (float) (1 / spec.smoothingTemperature().getAsDouble());
                String scaled = builder.node(
                        "Mul",
                        List.of(name, builder.scalar("inverse_temperature", inverseTemperature)),
                        name + "_scaled");
                String softmax = builder.node("Softmax", List.of(scaled), name + "_softmax", of("axis", 1));
                return builder.node(
                        "Mul", List.of(softmax, builder.scalar("channels", channels(name))), name + "_smoothed");
            });
        }

        /** n_C n_H n_W of a value, as a float computed at run time. */
        String elementCount(String value) {
            return counts.computeIfAbsent(
                    value,
                    name -> builder.node(
                            "Cast",
                            List.of(builder.node("Size", List.of(name), name + "_size")),
                            name + "_count",
                            of("to", (long) TensorProto.DataType.FLOAT_VALUE)));
        }

        /** The normalised Gram matrix A A^T / (n_H n_W) of the layer's compared activations, [n_C, n_C]. */
        String gram(String layer, String outputName) {
            long channels = channels(layer);
            String activations = compared(layer);
            String features = builder.node(
                    "Reshape", List.of(activations, builder.longs("gram_shape", channels, -1)), layer + "_features");
            String transposed = builder.node("Transpose", List.of(features), layer + "_features_t", ints("perm", 1, 0));
            String product = builder.node("MatMul", List.of(features, transposed), layer + "_gram_sum");
            String positions = builder.node(
                    "Div",
                    List.of(elementCount(activations), builder.scalar("channels", channels)),
                    layer + "_positions");
            List<String> output =
                    List.of(outputName == null ? builder.fresh(layer + "_gram") : builder.exact(outputName));
            return builder.nodeWithOutputs("Div", List.of(product, positions), output)
                    .get(0);
        }

        String squaredDistance(String value, String target) {
            String difference = builder.node("Sub", List.of(value, target), value + "_difference");
            String squares = builder.node("Mul", List.of(difference, difference), value + "_squares");
            return builder.node("ReduceSum", List.of(squares), value + "_squared_distance", of("keepdims", 0));
        }

        /**
         * Squared differences of neighbouring values along each axis of positions, by depthwise Convs with the
         * kernel [-1, 1] laid along that axis, over the image's element count.
         */
        void totalVariation(String outputName) {
            float[] difference = new float[2 * (int) imageChannels];
            for (int channel = 0; channel < imageChannels; channel++) {
                difference[2 * channel] = -1;
                difference[2 * channel + 1] = 1;
            }
            List<String> sums = new ArrayList<>();
            for (int axis = 2; axis < rank; axis++) {
                long[] kernelShape = new long[rank];
                Arrays.fill(kernelShape, 1);
                kernelShape[0] = imageChannels;
                kernelShape[axis] = 2;
                String neighbours = builder.node(
                        "Conv",
                        List.of(IMAGE, builder.floats("tv_kernel_" + axis, difference, kernelShape)),
                        "tv_axis_" + axis,
                        of("group", imageChannels));
                sums.add(squaredSum(neighbours));
            }
            String sum = sums.size() == 1 ? sums.get(0) : builder.node("Sum", sums, "tv_sum");
            builder.nodeWithOutputs("Div", List.of(sum, elementCount(IMAGE)), List.of(builder.exact(outputName)));
        }

        private String squaredSum(String value) {
            return builder.node(
                    "ReduceSum",
                    List.of(builder.node("Mul", List.of(value, value), value + "_squares")),
                    value + "_sum",
                    of("keepdims", 0));
        }

        void sum(List<String> terms, String outputName) {
            List<String> inputs = terms.isEmpty() ? List.of(builder.scalar("zero", 0)) : terms;
            builder.nodeWithOutputs("Sum", inputs, List.of(builder.exact(outputName)));
        }

        ModelProto model() {
            ModelProto.Builder model = Graphs.model(graph.build()).toBuilder()
                    .setProducerName(Graphs.PRODUCER)
                    .setDocString("Generated from "
                            + (extractor.getGraph().getName().isEmpty()
                                    ? "an extractor"
                                    : extractor.getGraph().getName())
                            + " by dev.likeness.onnx.tools.grad.StyleGraphs");
            metadata(model, CONTENT_LAYERS_KEY, String.join(",", spec.contentLayers()));
            metadata(model, STYLE_LAYERS_KEY, String.join(",", spec.styleLayers()));
            metadata(
                    model,
                    SMOOTHING_KEY,
                    spec.smoothingTemperature().isPresent()
                            ? Double.toString(spec.smoothingTemperature().getAsDouble())
                            : "none");
            return model.build();
        }

        private static void metadata(ModelProto.Builder model, String key, String value) {
            model.addMetadataProps(
                    StringStringEntryProto.newBuilder().setKey(key).setValue(value));
        }
    }

    /** The generated graphs use opset 17: refuse extractor nodes that mean something else there. */
    static void requireOpset17Semantics(ModelProto extractor) {
        long opset = Graphs.defaultOpset(extractor);
        for (NodeProto node : extractor.getGraph().getNodeList()) {
            Integer since = SINCE_OPSET.get(node.getOpType());
            boolean tooOld = since != null && opset < since;
            boolean tooNew = opset > Graphs.OPSET
                    && (CHANGED_IN_18.contains(node.getOpType())
                            || node.getOpType().equals("Pad") && node.getInputCount() > 3
                            || node.getOpType().equals("AveragePool")
                                    && Attributes.find(node, "dilations").isPresent());
            if (tooOld || tooNew) {
                throw new UnsupportedOperatorException(
                        node.getOpType(),
                        "Node '" + node.getName() + "' (" + node.getOpType()
                                + ") is from opset " + opset + ", whose semantics differ from opset " + Graphs.OPSET
                                + " that the generated graphs use; re-export the network with opset " + Graphs.OPSET);
            }
        }
    }
}
