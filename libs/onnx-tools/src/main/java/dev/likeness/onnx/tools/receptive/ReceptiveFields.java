package dev.likeness.onnx.tools.receptive;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.onnx.tools.graph.Attributes;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.graph.Tensors;

/**
 * Receptive fields read off an ONNX graph of 2-D images (NCHW): kernel sizes, strides, padding and dilation of every
 * sliding window on every path from the image input to a value; where paths meet (residual Add, Concat over
 * channels) the field is the hull of theirs.
 */
public final class ReceptiveFields {

    /** Nodes whose output position (n, c, y, x) reads only position (y, x) of each input. */
    private static final Set<String> POSITIONWISE = Set.of(
            "Relu",
            "PRelu",
            "LeakyRelu",
            "Elu",
            "Selu",
            "Sigmoid",
            "HardSigmoid",
            "HardSwish",
            "Tanh",
            "Clip",
            "BatchNormalization",
            "InstanceNormalization",
            "Identity",
            "Dropout",
            "Cast",
            "Neg",
            "Abs",
            "Exp",
            "Sqrt",
            "Pow",
            "Erf",
            "Add",
            "Sub",
            "Mul",
            "Div",
            "Sum",
            "Max",
            "Min",
            "Where");

    /** Nodes that read shapes, not pixels. */
    private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size", "ConstantOfShape");

    private ReceptiveFields() {}

    /**
     * The receptive field of {@code value} over the graph input {@code input}.
     *
     * @throws IllegalArgumentException when the value does not depend on the input, when it reads the whole image (a
     *     global pooling or a dense layer on the way), or when a node on the way is not a known spatial operator
     */
    public static ReceptiveField of(GraphProto graph, String input, String value) {
        Map<String, ReceptiveField> fields = new HashMap<>();
        Map<String, String> wholeImageBecause = new HashMap<>();
        fields.put(input, new ReceptiveField(ReceptiveField.Axis.IDENTITY, ReceptiveField.Axis.IDENTITY));
        Map<String, TensorProto> constants = Graphs.constants(graph);
        for (NodeProto node : graph.getNodeList()) {
            List<String> spatialInputs = node.getInputList().stream()
                    .filter(name -> fields.containsKey(name) || wholeImageBecause.containsKey(name))
                    .toList();
            if (spatialInputs.isEmpty() || SHAPE_ONLY.contains(node.getOpType())) {
                continue;
            }
            String global = spatialInputs.stream()
                    .map(wholeImageBecause::get)
                    .filter(reason -> reason != null)
                    .findFirst()
                    .orElse(wholeImageReason(node, constants));
            if (global != null) {
                node.getOutputList().forEach(output -> wholeImageBecause.put(output, global));
                continue;
            }
            ReceptiveField field =
                    through(node, spatialInputs.stream().map(fields::get).toList(), constants);
            node.getOutputList().forEach(output -> fields.put(output, field));
        }
        if (wholeImageBecause.containsKey(value)) {
            throw new IllegalArgumentException("'" + value + "' reads the whole image (" + wholeImageBecause.get(value)
                    + "): it has no spatial receptive field");
        }
        ReceptiveField field = fields.get(value);
        if (field == null) {
            throw new IllegalArgumentException("'" + value + "' is not a value computed from input '" + input + "'");
        }
        return field;
    }

    /** Why every output position of this node reads every input position, or null where it does not. */
    private static String wholeImageReason(NodeProto node, Map<String, TensorProto> constants) {
        return switch (node.getOpType()) {
            case "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Gemm", "MatMul", "Reshape", "Transpose" ->
                node.getOpType() + " '" + node.getName() + "'";
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceL2" -> {
                long[] axes = reduceAxes(node, constants);
                boolean spatial = axes == null;
                for (long axis : axes == null ? new long[0] : axes) {
                    spatial |= axis >= 2 || axis <= -1;
                }
                yield spatial ? node.getOpType() + " '" + node.getName() + "' over the image's axes" : null;
            }
            default -> null;
        };
    }

    private static long[] reduceAxes(NodeProto node, Map<String, TensorProto> constants) {
        if (node.getInputCount() > 1 && constants.containsKey(node.getInput(1))) {
            return Tensors.longValues(constants.get(node.getInput(1)));
        }
        return Attributes.intsValue(node, "axes");
    }

    private static ReceptiveField through(
            NodeProto node, List<ReceptiveField> inputs, Map<String, TensorProto> constants) {
        String op = node.getOpType();
        if (POSITIONWISE.contains(op)
                || (op.equals("Concat") || op.equals("Softmax") || op.equals("LogSoftmax")) && channelAxis(node)) {
            ReceptiveField hull = inputs.get(0);
            for (ReceptiveField other : inputs.subList(1, inputs.size())) {
                hull = new ReceptiveField(
                        hull.rows().hull(other.rows()), hull.columns().hull(other.columns()));
            }
            return hull;
        }
        if (!node.getInput(0).isEmpty() && inputs.size() == 1) {
            ReceptiveField field = inputs.get(0);
            switch (op) {
                case "Conv", "MaxPool", "AveragePool" -> {
                    long[] kernel = kernel(node, constants);
                    long[] strides = Attributes.intsValue(node, "strides", 2, 1);
                    long[] dilations = Attributes.intsValue(node, "dilations", 2, 1);
                    long[] padsBegin = padsBegin(node, kernel, strides, dilations);
                    return new ReceptiveField(
                            field.rows().window(kernel[0], strides[0], dilations[0], padsBegin[0]),
                            field.columns().window(kernel[1], strides[1], dilations[1], padsBegin[1]));
                }
                case "Pad" -> {
                    long[] pads = node.getInputCount() > 1
                            ? Tensors.longValues(constants.get(node.getInput(1)))
                            : Attributes.intsValue(node, "pads");
                    if (!Attributes.stringValue(node, "mode", "constant").equals("constant") || pads.length != 8) {
                        throw unsupported(node, "only constant padding of rank-4 values");
                    }
                    return new ReceptiveField(
                            field.rows().window(1, 1, 1, pads[2]),
                            field.columns().window(1, 1, 1, pads[3]));
                }
                default -> {}
            }
        }
        throw unsupported(node, "not a known spatial operator");
    }

    private static boolean channelAxis(NodeProto node) {
        long axis = Attributes.intValue(node, "axis", 1);
        return axis == 1 || axis == -3;
    }

    private static long[] kernel(NodeProto node, Map<String, TensorProto> constants) {
        long[] kernel = Attributes.intsValue(node, "kernel_shape");
        if (kernel == null && node.getOpType().equals("Conv") && constants.containsKey(node.getInput(1))) {
            long[] weights = Tensors.dims(constants.get(node.getInput(1)));
            kernel = new long[] {weights[2], weights[3]};
        }
        if (kernel == null || kernel.length != 2) {
            throw unsupported(node, "a 2-D kernel is needed");
        }
        return kernel;
    }

    private static long[] padsBegin(NodeProto node, long[] kernel, long[] strides, long[] dilations) {
        String autoPad = Attributes.stringValue(node, "auto_pad", "NOTSET");
        switch (autoPad) {
            case "NOTSET" -> {
                long[] pads = Attributes.intsValue(node, "pads", 4, 0);
                return new long[] {pads[0], pads[1]};
            }
            case "VALID" -> {
                return new long[] {0, 0};
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                if (strides[0] != 1 || strides[1] != 1) {
                    throw unsupported(node, autoPad + " with strides: its padding depends on the image size");
                }
                long[] begin = new long[2];
                for (int axis = 0; axis < 2; axis++) {
                    long total = (kernel[axis] - 1) * dilations[axis];
                    begin[axis] = autoPad.equals("SAME_UPPER") ? total / 2 : (total + 1) / 2;
                }
                return begin;
            }
            default -> throw unsupported(node, "unknown auto_pad " + autoPad);
        }
    }

    private static IllegalArgumentException unsupported(NodeProto node, String why) {
        return new IllegalArgumentException(
                "Receptive field through " + node.getOpType() + " node '" + node.getName() + "': " + why);
    }
}
