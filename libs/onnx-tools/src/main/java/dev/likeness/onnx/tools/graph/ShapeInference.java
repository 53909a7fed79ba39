package dev.likeness.onnx.tools.graph;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.onnx.model.TensorShapeProto;
import dev.likeness.onnx.model.ValueInfoProto;

/**
 * Static shapes of a graph's values, as far as they follow from the declared input shapes and the
 * constants: each known shape is a {@code long[]} whose entries are sizes, or {@link #UNKNOWN} for sizes
 * that depend on symbolic input dimensions (an image's height and width). Values of operators this class
 * does not know have no entry; rules that need their shape then say so.
 */
public final class ShapeInference {

    public static final long UNKNOWN = -1;

    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, TensorProto> constants;
    /** For outputs of Shape nodes: the value whose shape they hold, so Reshape(x, Shape(y)) gets y's shape. */
    private final Map<String, String> shapeOf = new HashMap<>();

    private ShapeInference(GraphProto graph) {
        this.constants = Graphs.constants(graph);
        constants.forEach((name, tensor) -> shapes.put(name, Tensors.dims(tensor)));
        for (ValueInfoProto input : graph.getInputList()) {
            if (input.getType().getTensorType().hasShape()) {
                shapes.putIfAbsent(
                        input.getName(),
                        declared(input.getType().getTensorType().getShape()));
            }
        }
        for (NodeProto node : graph.getNodeList()) {
            long[] shape = infer(node);
            if (shape != null) {
                shapes.put(node.getOutput(0), shape);
            }
        }
    }

    /** The shapes of every value whose shape can be told statically. */
    public static Map<String, long[]> of(GraphProto graph) {
        return new ShapeInference(graph).shapes;
    }

    private static long[] declared(TensorShapeProto shape) {
        return shape.getDimList().stream()
                .mapToLong(dim -> dim.hasDimValue() ? dim.getDimValue() : UNKNOWN)
                .toArray();
    }

    private long[] shape(NodeProto node, int input) {
        return input < node.getInputCount() ? shapes.get(node.getInput(input)) : null;
    }

    private long[] infer(NodeProto node) {
        long[] x = shape(node, 0);
        switch (node.getOpType()) {
            case "Identity",
                    "Relu",
                    "PRelu",
                    "Clip",
                    "Sigmoid",
                    "Tanh",
                    "Neg",
                    "Softmax",
                    "Cast",
                    "Dropout",
                    "Exp",
                    "Sqrt",
                    "Reciprocal",
                    "BatchNormalization",
                    "LeakyRelu" -> {
                return x;
            }
            case "Add", "Sub", "Mul", "Div", "Sum", "Pow", "Where", "Greater", "Less", "Equal", "And", "Or" -> {
                long[] result = x;
                for (int input = 1; input < node.getInputCount(); input++) {
                    result = broadcast(result, shape(node, input));
                }
                return result;
            }
            case "Constant" -> {
                return Tensors.dims(constants.get(node.getOutput(0)));
            }
            case "Shape" -> {
                if (x == null) {
                    return null;
                }
                shapeOf.put(node.getOutput(0), node.getInput(0));
                long start = normalise(Attributes.intValue(node, "start", 0), x.length);
                long end = normalise(Attributes.intValue(node, "end", x.length), x.length);
                return new long[] {Math.max(0, Math.min(end, x.length) - Math.max(start, 0))};
            }
            case "Size" -> {
                return new long[0];
            }
            case "Conv", "MaxPool", "AveragePool" -> {
                return x == null ? null : window(node, x);
            }
            case "GlobalAveragePool", "GlobalMaxPool" -> {
                if (x == null) {
                    return null;
                }
                long[] result = x.clone();
                Arrays.fill(result, 2, result.length, 1);
                return result;
            }
            case "MatMul" -> {
                return matMul(x, shape(node, 1));
            }
            case "Gemm" -> {
                long[] b = shape(node, 1);
                if (x == null || b == null) {
                    return null;
                }
                boolean transA = Attributes.intValue(node, "transA", 0) != 0;
                boolean transB = Attributes.intValue(node, "transB", 0) != 0;
                return new long[] {transA ? x[1] : x[0], transB ? b[0] : b[1]};
            }
            case "Transpose" -> {
                if (x == null) {
                    return null;
                }
                long[] perm = Attributes.intsValue(node, "perm");
                long[] result = new long[x.length];
                for (int axis = 0; axis < x.length; axis++) {
                    result[axis] = x[perm == null ? x.length - 1 - axis : (int) perm[axis]];
                }
                return result;
            }
            case "Reshape" -> {
                return reshape(node, x);
            }
            case "Flatten" -> {
                if (x == null) {
                    return null;
                }
                int axis = (int) normalise(Attributes.intValue(node, "axis", 1), x.length);
                return new long[] {product(x, 0, axis), product(x, axis, x.length)};
            }
            case "ReduceSum", "ReduceMean", "ReduceProd", "ReduceMax", "ReduceMin" -> {
                return reduce(node, x);
            }
            case "Pad" -> {
                TensorProto pads = constantInput(node, 1);
                if (x == null || pads == null) {
                    return null;
                }
                long[] amounts = Tensors.longValues(pads);
                long[] result = x.clone();
                for (int axis = 0; axis < x.length; axis++) {
                    result[axis] = x[axis] == UNKNOWN ? UNKNOWN : x[axis] + amounts[axis] + amounts[axis + x.length];
                }
                return result;
            }
            case "Concat" -> {
                if (x == null) {
                    return null;
                }
                int axis = (int) normalise(Attributes.intValue(node, "axis", 0), x.length);
                long[] result = x.clone();
                for (int input = 1; input < node.getInputCount(); input++) {
                    long[] other = shape(node, input);
                    if (other == null) {
                        return null;
                    }
                    result[axis] =
                            result[axis] == UNKNOWN || other[axis] == UNKNOWN ? UNKNOWN : result[axis] + other[axis];
                    for (int dim = 0; dim < result.length; dim++) {
                        if (dim != axis && result[dim] == UNKNOWN) {
                            result[dim] = other[dim];
                        }
                    }
                }
                return result;
            }
            default -> {
                return null;
            }
        }
    }

    private TensorProto constantInput(NodeProto node, int input) {
        return input < node.getInputCount() ? constants.get(node.getInput(input)) : null;
    }

    /** Output shape of Conv, MaxPool and AveragePool: batch, channels, then one size per spatial axis. */
    private long[] window(NodeProto node, long[] x) {
        int spatial = x.length - 2;
        long[] kernel = Attributes.intsValue(node, "kernel_shape");
        long channels = x[1];
        if (node.getOpType().equals("Conv")) {
            long[] weights = shape(node, 1);
            if (weights == null) {
                return null;
            }
            channels = weights[0];
            if (kernel == null) {
                kernel = Arrays.copyOfRange(weights, 2, weights.length);
            }
        }
        long[] strides = Attributes.intsValue(node, "strides", spatial, 1);
        long[] dilations = Attributes.intsValue(node, "dilations", spatial, 1);
        long[] pads = Attributes.intsValue(node, "pads", 2 * spatial, 0);
        String autoPad = Attributes.stringValue(node, "auto_pad", "NOTSET");
        boolean ceil = Attributes.intValue(node, "ceil_mode", 0) != 0;
        long[] result = new long[x.length];
        result[0] = x[0];
        result[1] = channels;
        for (int axis = 0; axis < spatial; axis++) {
            long size = x[axis + 2];
            if (size == UNKNOWN) {
                result[axis + 2] = UNKNOWN;
            } else if (autoPad.startsWith("SAME")) {
                result[axis + 2] = Math.floorDiv(size + strides[axis] - 1, strides[axis]);
            } else {
                long padded = autoPad.equals("VALID") ? size : size + pads[axis] + pads[axis + spatial];
                long extent = dilations[axis] * (kernel[axis] - 1) + 1;
                long span = padded - extent;
                result[axis + 2] = (ceil
                                ? Math.floorDiv(span + strides[axis] - 1, strides[axis])
                                : Math.floorDiv(span, strides[axis]))
                        + 1;
            }
        }
        return result;
    }

    private static long[] matMul(long[] a, long[] b) {
        if (a == null || b == null || a.length < 2 || b.length < 2) {
            return null;
        }
        long[] batchA = Arrays.copyOf(a, a.length - 2);
        long[] batchB = Arrays.copyOf(b, b.length - 2);
        long[] batch = broadcast(batchA, batchB);
        long[] result = Arrays.copyOf(batch, batch.length + 2);
        result[batch.length] = a[a.length - 2];
        result[batch.length + 1] = b[b.length - 1];
        return result;
    }

    private long[] reshape(NodeProto node, long[] x) {
        String target = node.getInput(1);
        if (shapeOf.containsKey(target)) {
            long[] source = shapes.get(shapeOf.get(target));
            return source == null ? null : source.clone();
        }
        TensorProto constant = constants.get(target);
        if (constant == null) {
            return null;
        }
        long[] dims = Tensors.longValues(constant);
        long[] result = new long[dims.length];
        int inferred = -1;
        long knownProduct = 1;
        boolean allKnown = true;
        for (int axis = 0; axis < dims.length; axis++) {
            if (dims[axis] == 0) {
                result[axis] = x == null ? UNKNOWN : x[axis];
            } else if (dims[axis] == -1) {
                inferred = axis;
                continue;
            } else {
                result[axis] = dims[axis];
            }
            if (result[axis] == UNKNOWN) {
                allKnown = false;
            } else {
                knownProduct *= result[axis];
            }
        }
        if (inferred >= 0) {
            long total = x == null ? UNKNOWN : product(x, 0, x.length);
            result[inferred] = allKnown && total != UNKNOWN && knownProduct != 0 ? total / knownProduct : UNKNOWN;
        }
        return result;
    }

    private long[] reduce(NodeProto node, long[] x) {
        if (x == null) {
            return null;
        }
        long[] axes = Attributes.intsValue(node, "axes");
        if (node.getOpType().equals("ReduceSum")
                && node.getInputCount() > 1
                && !node.getInput(1).isEmpty()) {
            TensorProto constant = constants.get(node.getInput(1));
            if (constant == null) {
                return null;
            }
            axes = Tensors.longValues(constant);
        }
        boolean keepDims = Attributes.intValue(node, "keepdims", 1) != 0;
        boolean[] reduced = new boolean[x.length];
        if (axes == null || axes.length == 0) {
            if (Attributes.intValue(node, "noop_with_empty_axes", 0) != 0) {
                return x;
            }
            Arrays.fill(reduced, true);
        } else {
            for (long axis : axes) {
                reduced[(int) normalise(axis, x.length)] = true;
            }
        }
        return Arrays.stream(range(x.length))
                .filter(axis -> keepDims || !reduced[axis])
                .mapToLong(axis -> reduced[axis] ? 1 : x[axis])
                .toArray();
    }

    private static int[] range(int count) {
        int[] values = new int[count];
        Arrays.setAll(values, index -> index);
        return values;
    }

    /** Numpy-style broadcast of two shapes; a size that is unknown on one side takes the other side's. */
    public static long[] broadcast(long[] a, long[] b) {
        if (a == null || b == null) {
            return null;
        }
        int rank = Math.max(a.length, b.length);
        long[] result = new long[rank];
        for (int axis = 0; axis < rank; axis++) {
            int fromA = axis - (rank - a.length);
            int fromB = axis - (rank - b.length);
            long sizeA = fromA >= 0 ? a[fromA] : 1;
            long sizeB = fromB >= 0 ? b[fromB] : 1;
            if (sizeA == 1) {
                result[axis] = sizeB;
            } else if (sizeB == 1) {
                result[axis] = sizeA;
            } else {
                result[axis] = sizeA == UNKNOWN ? sizeB : sizeA;
            }
        }
        return result;
    }

    private static long product(long[] dims, int from, int to) {
        long product = 1;
        for (int axis = from; axis < to; axis++) {
            if (dims[axis] == UNKNOWN) {
                return UNKNOWN;
            }
            product *= dims[axis];
        }
        return product;
    }

    /** A possibly negative axis (or Shape start/end) as a non-negative one. */
    public static long normalise(long axis, int rank) {
        return axis < 0 ? axis + rank : axis;
    }
}
