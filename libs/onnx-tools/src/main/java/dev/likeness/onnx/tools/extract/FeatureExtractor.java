package dev.likeness.onnx.tools.extract;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static dev.likeness.onnx.tools.graph.Attributes.of;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.likeness.onnx.model.AttributeProto;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.ValueInfoProto;
import dev.likeness.onnx.tools.graph.Attributes;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.graph.ShapeInference;

/**
 * Cuts a classification network down to a feature extractor: input {@code image} [1, 3, H, W] (RGB, 0..255,
 * any size, through the network's preprocessing built into the graph), and one output per named layer.
 */
public final class FeatureExtractor {

    /** The extractor's input: RGB pixel values 0..255, NCHW, batch 1, symbolic height and width. */
    public static final String IMAGE = "image";

    private FeatureExtractor() {}

    /**
     * @param model          a network with one image input [N, 3, H, W]
     * @param layers         output name by the network's value name, e.g. {@code res4f -> activation_39}; in order
     * @param preprocessing  maps RGB 0..255 to the network's input convention
     * @param averagePooling replace max pooling by average pooling over the same windows (Gatys et al.'s choice)
     */
    public static ModelProto extract(
            ModelProto model, Map<String, String> layers, ImagePreprocessing preprocessing, boolean averagePooling) {
        GraphProto source = model.getGraph();
        List<ValueInfoProto> inputs = Graphs.realInputs(source);
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("The network must have one input; it has "
                    + inputs.stream().map(ValueInfoProto::getName).toList());
        }
        ValueInfoProto input = inputs.get(0);
        Map<String, String> renames = new LinkedHashMap<>();
        layers.forEach((alias, value) -> renames.put(value, alias));
        renames.put(input.getName(), preprocessing.isIdentity() ? IMAGE : IMAGE + "_preprocessed");
        requireFreeNames(source, renames);

        GraphProto.Builder graph = GraphProto.newBuilder().setName(source.getName() + "_extractor");
        List<NodeProto> kept = Graphs.neededNodes(source, layers.values());
        for (NodeProto node : kept) {
            NodeProto renamed = renamed(node, renames);
            graph.addNode(averagePooling && renamed.getOpType().equals("MaxPool") ? averagePool(renamed) : renamed);
        }
        graph.addAllInitializer(Graphs.initializersOf(source, kept));
        long channels = input.getType().getTensorType().getShape().getDim(1).getDimValue();
        graph.addInput(Graphs.floatValue(IMAGE, 1, channels, "H", "W"));
        if (!preprocessing.isIdentity()) {
            prependPreprocessing(graph, preprocessing, renames.get(input.getName()));
        }
        Map<String, long[]> shapes = ShapeInference.of(graph.build());
        for (String alias : layers.keySet()) {
            graph.addOutput(Graphs.floatValue(alias, shapes.get(alias)));
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static void requireFreeNames(GraphProto graph, Map<String, String> renames) {
        Set<String> existing = new HashSet<>();
        graph.getNodeList().forEach(node -> existing.addAll(node.getOutputList()));
        graph.getInitializerList().forEach(tensor -> existing.add(tensor.getName()));
        graph.getInputList().forEach(value -> existing.add(value.getName()));
        renames.forEach((value, alias) -> {
            if (!existing.contains(value)) {
                throw new IllegalArgumentException("The network has no value named '" + value + "'");
            }
            if (!alias.equals(value) && existing.contains(alias)) {
                throw new IllegalArgumentException(
                        "Cannot name output '" + alias + "': the network already has a value of that name");
            }
        });
    }

    private static NodeProto renamed(NodeProto node, Map<String, String> renames) {
        NodeProto.Builder builder = node.toBuilder();
        for (int index = 0; index < builder.getInputCount(); index++) {
            builder.setInput(index, renames.getOrDefault(builder.getInput(index), builder.getInput(index)));
        }
        for (int index = 0; index < builder.getOutputCount(); index++) {
            builder.setOutput(index, renames.getOrDefault(builder.getOutput(index), builder.getOutput(index)));
        }
        return builder.build();
    }

    private static NodeProto averagePool(NodeProto maxPool) {
        long[] dilations = Attributes.intsValue(maxPool, "dilations");
        if (dilations != null && Arrays.stream(dilations).anyMatch(dilation -> dilation != 1)) {
            throw new IllegalArgumentException(
                    "MaxPool '" + maxPool.getName() + "' is dilated; AveragePool (opset 17) cannot replace it");
        }
        if (maxPool.getOutputCount() > 1) {
            throw new IllegalArgumentException(
                    "MaxPool '" + maxPool.getName() + "' has an Indices output; it cannot become an AveragePool");
        }
        NodeProto.Builder average = maxPool.toBuilder().setOpType("AveragePool").clearAttribute();
        for (AttributeProto attribute : maxPool.getAttributeList()) {
            if (List.of("kernel_shape", "strides", "pads", "auto_pad", "ceil_mode")
                    .contains(attribute.getName())) {
                average.addAttribute(attribute);
            }
        }
        return average.addAttribute(of("count_include_pad", 0)).build();
    }

    private static void prependPreprocessing(
            GraphProto.Builder graph, ImagePreprocessing preprocessing, String networkInput) {
        List<NodeProto> nodes = new ArrayList<>(graph.getNodeList());
        graph.clearNode();
        GraphBuilder builder = new GraphBuilder(graph);
        builder.nodeWithOutputs(
                "Conv",
                List.of(
                        IMAGE,
                        builder.floats("preprocessing/weights", preprocessing.weights(), 3, 3, 1, 1),
                        builder.floats("preprocessing/bias", preprocessing.offset(), 3)),
                List.of(networkInput),
                ints("kernel_shape", 1, 1));
        graph.addAllNode(nodes);
    }
}
