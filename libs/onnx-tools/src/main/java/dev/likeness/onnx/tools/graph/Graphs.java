package dev.likeness.onnx.tools.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.likeness.onnx.model.AttributeProto;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.GraphProtoOrBuilder;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.OperatorSetIdProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.onnx.model.TensorShapeProto;
import dev.likeness.onnx.model.TypeProto;
import dev.likeness.onnx.model.ValueInfoProto;

/** Small queries and constructors shared by the importer, the extractor tools and the gradient generator. */
public final class Graphs {

    /** The operator set the toolkit writes: supported by ONNX Runtime 1.23 on CPU and CUDA. */
    public static final int OPSET = 17;
    /** The IR version that goes with opset 17. */
    public static final int IR_VERSION = 8;

    public static final String PRODUCER = "likeness-onnx-tools";

    private Graphs() {}

    /** Initializers and the outputs of Constant nodes, by value name. */
    public static Map<String, TensorProto> constants(GraphProtoOrBuilder graph) {
        Map<String, TensorProto> constants = new HashMap<>();
        graph.getInitializerList().forEach(tensor -> constants.put(tensor.getName(), tensor));
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant")) {
                AttributeProto value = Attributes.find(node, "value")
                        .orElseThrow(() -> new IllegalArgumentException("Constant node " + node.getName()
                                + " has no tensor 'value'; other forms are not supported"));
                constants.put(node.getOutput(0), value.getT());
            }
        }
        return constants;
    }

    /** The graph inputs that are not initializers (before IR 4, weights were listed as inputs too). */
    public static List<ValueInfoProto> realInputs(GraphProtoOrBuilder graph) {
        Set<String> initializers =
                graph.getInitializerList().stream().map(TensorProto::getName).collect(Collectors.toSet());
        return graph.getInputList().stream()
                .filter(input -> !initializers.contains(input.getName()))
                .toList();
    }

    /** The version of the default (ai.onnx) operator set the model imports. */
    public static long defaultOpset(ModelProto model) {
        return model.getOpsetImportList().stream()
                .filter(opset ->
                        opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("The model imports no ai.onnx operator set"));
    }

    public static ModelProto model(GraphProto graph) {
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build();
    }

    /**
     * A float tensor value declaration. Each dim is a size, or a symbolic name (a String), or null for an
     * unnamed unknown size.
     */
    public static ValueInfoProto floatValue(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder dimension = shape.addDimBuilder();
            if (dim instanceof Number size) {
                dimension.setDimValue(size.longValue());
            } else if (dim instanceof String symbol) {
                dimension.setDimParam(symbol);
            }
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape)))
                .build();
    }

    /**
     * A float value declaration from statically inferred dims ({@link ShapeInference#UNKNOWN} sizes left
     * unnamed); without a shape when {@code dims} is null (not inferred).
     */
    public static ValueInfoProto floatValue(String name, long[] dims) {
        if (dims == null) {
            return ValueInfoProto.newBuilder()
                    .setName(name)
                    .setType(TypeProto.newBuilder()
                            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)))
                    .build();
        }
        Object[] declared = new Object[dims.length];
        for (int axis = 0; axis < dims.length; axis++) {
            declared[axis] = dims[axis] == ShapeInference.UNKNOWN ? null : dims[axis];
        }
        return floatValue(name, declared);
    }

    /** The nodes the wanted values depend on, in the graph's (topological) order. */
    public static List<NodeProto> neededNodes(GraphProtoOrBuilder graph, Collection<String> wanted) {
        Set<String> needed = new HashSet<>(wanted);
        List<NodeProto> kept = new ArrayList<>();
        List<NodeProto> nodes = graph.getNodeList();
        for (int index = nodes.size() - 1; index >= 0; index--) {
            NodeProto node = nodes.get(index);
            if (node.getOutputList().stream().anyMatch(needed::contains)) {
                needed.addAll(node.getInputList());
                kept.add(node);
            }
        }
        Collections.reverse(kept);
        return kept;
    }

    /** The initializers that the nodes read. */
    public static List<TensorProto> initializersOf(GraphProtoOrBuilder graph, List<NodeProto> nodes) {
        Set<String> read = new HashSet<>();
        nodes.forEach(node -> read.addAll(node.getInputList()));
        return graph.getInitializerList().stream()
                .filter(tensor -> read.contains(tensor.getName()))
                .toList();
    }

    /** Producer of each value, by value name. */
    public static Map<String, NodeProto> producers(GraphProtoOrBuilder graph) {
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            node.getOutputList().forEach(output -> producers.put(output, node));
        }
        return producers;
    }
}
