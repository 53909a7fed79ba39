package dev.likeness.onnx.tools.extract;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.tools.graph.Graphs;

/**
 * The named layers of the imported Keras ResNet-50: {@code conv1_relu} (the stem's ReLU, stride 2) and each
 * residual block's output {@code res2a}..{@code res5c} (the ReLU after the block's Add; strides 4, 8, 16,
 * 32). Found from the importer's value names: a block's Add reads its last batch-normalised convolution,
 * {@code bn<block>_branch2c}.
 */
public final class ResNet50Layers {

    private static final Pattern BLOCK_BRANCH = Pattern.compile("bn(\\d[a-z])_branch2c");

    private ResNet50Layers() {}

    /** Layer name to the imported graph's value name, in network order. */
    public static Map<String, String> of(ModelProto imported) {
        GraphProto graph = imported.getGraph();
        Map<String, NodeProto> producers = Graphs.producers(graph);
        Map<String, String> layers = new LinkedHashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            if (!node.getOpType().equals("Relu")) {
                continue;
            }
            String input = node.getInput(0);
            if (input.equals("bn_conv1")) {
                layers.put("conv1_relu", node.getOutput(0));
            }
            NodeProto producer = producers.get(input);
            if (producer != null && producer.getOpType().equals("Add")) {
                for (String addend : producer.getInputList()) {
                    Matcher block = BLOCK_BRANCH.matcher(addend);
                    if (block.matches()) {
                        layers.put("res" + block.group(1), node.getOutput(0));
                    }
                }
            }
        }
        if (layers.size() != 17) {
            throw new IllegalArgumentException(
                    "Expected the 17 named layers of Keras ResNet-50, found " + layers.keySet());
        }
        return layers;
    }
}
