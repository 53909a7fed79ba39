package dev.likeness.onnx.tools.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.likeness.onnx.model.AttributeProto;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.TensorProto;

/**
 * Appends nodes and constants to a graph under fresh value names, so generated parts never collide with
 * the names already in the graph.
 */
public final class GraphBuilder {

    private final GraphProto.Builder graph;
    private final Set<String> names = new HashSet<>();

    public GraphBuilder(GraphProto.Builder graph) {
        this.graph = graph;
        graph.getInputList().forEach(input -> names.add(input.getName()));
        graph.getInitializerList().forEach(initializer -> names.add(initializer.getName()));
        for (NodeProto node : graph.getNodeList()) {
            names.addAll(node.getOutputList());
            if (node.hasName()) {
                names.add(node.getName());
            }
        }
    }

    public GraphProto.Builder graph() {
        return graph;
    }

    /** {@code base}, or {@code base_2}, {@code base_3}, ... when taken; the name is reserved. */
    public String fresh(String base) {
        String name = base;
        for (int suffix = 2; !names.add(name); suffix++) {
            name = base + "_" + suffix;
        }
        return name;
    }

    /** Reserves an exact name, failing when the graph already uses it. */
    public String exact(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("The graph already has a value named " + name);
        }
        return name;
    }

    /** Adds a single-output node; returns the output's name, fresh from {@code outputBase}. */
    public String node(String opType, List<String> inputs, String outputBase, AttributeProto... attributes) {
        return nodeWithOutputs(opType, inputs, List.of(fresh(outputBase)), attributes)
                .get(0);
    }

    /** Adds a node writing to the given, already reserved, output names. */
    public List<String> nodeWithOutputs(
            String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder()
                .setOpType(opType)
                .setName(fresh(outputs.get(0) + "/" + opType))
                .addAllInput(inputs)
                .addAllOutput(outputs);
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        graph.addNode(node);
        return outputs;
    }

    /** Adds a node with {@code count} outputs named from {@code outputBase}. */
    public List<String> node(
            String opType, List<String> inputs, int count, String outputBase, AttributeProto... attributes) {
        List<String> outputs = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            outputs.add(fresh(outputBase));
        }
        return nodeWithOutputs(opType, inputs, outputs, attributes);
    }

    /** Adds an initializer under a fresh name taken from the tensor's name. */
    public String initializer(TensorProto tensor) {
        String name = fresh(tensor.getName());
        graph.addInitializer(tensor.toBuilder().setName(name));
        return name;
    }

    public String floats(String base, float[] values, long... dims) {
        return initializer(Tensors.floats(base, values, dims));
    }

    /** A rank-0 float constant. */
    public String scalar(String base, float value) {
        return floats(base, new float[] {value});
    }

    /** A 1-D int64 constant, e.g. axes or a shape. */
    public String longs(String base, long... values) {
        return initializer(Tensors.longs(base, values, values.length));
    }
}
