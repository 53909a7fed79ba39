package dev.likeness.onnx.tools.grad;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static dev.likeness.onnx.tools.graph.Attributes.of;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.likeness.onnx.model.AttributeProto;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.onnx.tools.graph.Attributes;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.graph.ShapeInference;
import dev.likeness.onnx.tools.graph.Tensors;

/**
 * Reverse-mode differentiation of an ONNX graph: appends to the graph the standard ONNX nodes that compute
 * the gradient of a scalar value with respect to one float input, so that ONNX Runtime evaluates loss and
 * gradient in one run. Weights are constants: only gradients with respect to data flow.
 *
 * <p>Backward rules: stride-1 Conv by a Conv with the flipped kernel; strided Conv and AveragePool by
 * ConvTranspose with the same (or a constant box) kernel, then cropped or zero-extended to the input size,
 * which strided windows do not determine; a Gram product {@code A A^T} by {@code (g + g^T) A}; MaxPool by
 * scattering into the positions its Indices output names (one per window, so ties do not double count);
 * Relu and Clip by masks; Softmax by {@code y * (g - sum(g * y))}; element-wise ops with the broadcast axes
 * summed away; shape ops by the inverse shape op. Values computed from shapes (Shape, Size) carry no
 * gradient.
 */
public final class Autodiff {

    /** Operators with a backward rule: what may lie on the path from the input to the loss. */
    public static final SortedSet<String> DIFFERENTIABLE_OPS = new TreeSet<>(List.of(
            "Add",
            "AveragePool",
            "Clip",
            "Concat",
            "Conv",
            "Div",
            "Dropout",
            "Flatten",
            "GlobalAveragePool",
            "Identity",
            "MatMul",
            "MaxPool",
            "Mul",
            "Neg",
            "Pad",
            "ReduceMean",
            "ReduceSum",
            "Relu",
            "Reshape",
            "PRelu",
            "Softmax",
            "Sqrt",
            "Sub",
            "Sum",
            "Transpose"));

    /** Operators whose outputs carry no gradient: shapes, sizes, comparisons, constants. */
    private static final Set<String> GRADIENT_STOPS = Set.of(
            "Shape",
            "Size",
            "Greater",
            "Less",
            "Equal",
            "GreaterOrEqual",
            "LessOrEqual",
            "And",
            "Or",
            "Not",
            "ArgMax",
            "ArgMin",
            "ConstantOfShape",
            "Constant");

    private final GraphBuilder builder;
    private final Map<String, long[]> shapes;
    private final Map<String, TensorProto> constants;
    private final Map<String, NodeProto> producers;
    private final Set<String> dependsOnInput = new HashSet<>();
    private final Map<String, List<String>> partials = new HashMap<>();
    private final Map<String, String> shapeNodes = new HashMap<>();
    private String zero;

    private Autodiff(GraphProto.Builder graph) {
        GraphProto snapshot = graph.build();
        this.builder = new GraphBuilder(graph);
        this.shapes = ShapeInference.of(snapshot);
        this.constants = Graphs.constants(snapshot);
        this.producers = Graphs.producers(snapshot);
    }

    /**
     * Appends the nodes that compute d{@code loss}/d{@code input} into a new value {@code gradientName}.
     *
     * @param graph        a graph in topological order using opset 13-17 semantics; MaxPool nodes on the path
     *                     get a second (Indices) output
     * @param input        the float value to differentiate with respect to, usually a graph input
     * @param loss         a scalar (or one-element) float value computed from {@code input}
     * @param gradientName the name of the gradient value, of {@code input}'s shape; not yet used in the graph
     * @throws UnsupportedOperatorException when an operator on the path from input to loss has no rule
     */
    public static void appendGradient(GraphProto.Builder graph, String input, String loss, String gradientName) {
        new Autodiff(graph).differentiate(input, loss, gradientName);
    }

    private void differentiate(String input, String loss, String gradientName) {
        GraphProto.Builder graph = builder.graph();
        List<NodeProto> forward = List.copyOf(graph.getNodeList());
        dependsOnInput.add(input);
        for (NodeProto node : forward) {
            if (!GRADIENT_STOPS.contains(node.getOpType())
                    && node.getInputList().stream().anyMatch(dependsOnInput::contains)) {
                dependsOnInput.addAll(node.getOutputList());
            }
        }
        if (!dependsOnInput.contains(loss)) {
            throw new IllegalArgumentException("'" + loss + "' does not depend on '" + input + "'");
        }
        Set<String> reachesLoss = new HashSet<>(Set.of(loss));
        List<Integer> path = new ArrayList<>();
        for (int index = forward.size() - 1; index >= 0; index--) {
            NodeProto node = forward.get(index);
            if (node.getOutputList().stream().anyMatch(reachesLoss::contains)
                    && node.getInputList().stream().anyMatch(dependsOnInput::contains)
                    && !GRADIENT_STOPS.contains(node.getOpType())) {
                requireRule(node, input, loss);
                reachesLoss.addAll(node.getInputList());
                path.add(index);
            }
        }

        String seed = builder.node(
                "ConstantOfShape",
                List.of(shapeOf(loss)),
                loss + "_grad",
                of("value", Tensors.floats("one", new float[] {1}, 1)));
        partials.computeIfAbsent(loss, name -> new ArrayList<>()).add(seed);
        for (int index : path) {
            NodeProto node = graph.getNode(index);
            String outputGradient = total(node.getOutput(0));
            if (outputGradient != null) {
                backward(index, node, outputGradient);
            }
        }
        builder.nodeWithOutputs("Identity", List.of(total(input)), List.of(builder.exact(gradientName)));
    }

    private void requireRule(NodeProto node, String input, String loss) {
        boolean defaultDomain = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
        if (!defaultDomain || !DIFFERENTIABLE_OPS.contains(node.getOpType())) {
            String op = defaultDomain ? node.getOpType() : node.getDomain() + "." + node.getOpType();
            throw new UnsupportedOperatorException(
                    op,
                    "Cannot differentiate node '" + node.getName() + "' (op " + op + ") on the path from '" + input
                            + "' to '" + loss + "'; differentiable ops: " + DIFFERENTIABLE_OPS);
        }
    }

    /** The sum of the gradient contributions to a value, or null when it has none. */
    private String total(String value) {
        List<String> contributions = partials.get(value);
        if (contributions == null || contributions.isEmpty()) {
            return null;
        }
        if (contributions.size() > 1) {
            String sum = builder.node("Sum", contributions, value + "_grad");
            contributions.clear();
            contributions.add(sum);
        }
        return contributions.get(0);
    }

    private void contribute(String value, String gradient) {
        partials.computeIfAbsent(value, name -> new ArrayList<>()).add(gradient);
    }

    private boolean needsGradient(NodeProto node, int input) {
        return input < node.getInputCount() && dependsOnInput.contains(node.getInput(input));
    }

    private void backward(int index, NodeProto node, String gY) {
        String x = node.getInput(0);
        switch (node.getOpType()) {
            case "Identity", "Dropout" -> contribute(x, gY);
            case "Neg" -> contribute(x, op("Neg", x, gY));
            case "Sqrt" -> {
                String y = node.getOutput(0);
                contribute(x, op("Div", x, gY, op("Add", x, y, y)));
            }
            case "Relu" -> contribute(x, op("Where", x, op("Greater", x, x, zero()), gY, zero()));
            case "PRelu" ->
                contribute(x, op("Where", x, op("Greater", x, x, zero()), gY, op("Mul", x, gY, node.getInput(1))));
            case "Clip" -> clip(node, gY);
            case "Add", "Sub", "Mul", "Div" -> elementwise(node, gY);
            case "Sum" -> {
                long[] outputShape = requireShape(node, node.getOutput(0));
                for (int input = 0; input < node.getInputCount(); input++) {
                    if (needsGradient(node, input)) {
                        contribute(node.getInput(input), unbroadcast(node, gY, outputShape, node.getInput(input)));
                    }
                }
            }
            case "Conv" -> conv(node, gY);
            case "AveragePool" -> averagePool(node, gY);
            case "MaxPool" -> maxPool(index, node, gY);
            case "GlobalAveragePool" ->
                contribute(x, op("Div", x, op("Expand", x, gY, shapeOf(x)), elementRatio(x, node.getOutput(0))));
            case "MatMul" -> matMul(node, gY);
            case "Transpose" -> transpose(node, gY);
            case "Reshape", "Flatten" -> contribute(x, op("Reshape", x, gY, shapeOf(x)));
            case "ReduceSum", "ReduceMean" -> reduce(node, gY);
            case "Softmax" -> softmax(node, gY);
            case "Pad" -> pad(node, gY);
            case "Concat" -> concat(node, gY);
            default -> throw new IllegalStateException("No backward rule for " + node.getOpType());
        }
    }

    private void clip(NodeProto node, String gY) {
        String x = node.getInput(0);
        String inside = null;
        if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            inside = op("Greater", x, x, node.getInput(1));
        }
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            String belowMax = op("Less", x, x, node.getInput(2));
            inside = inside == null ? belowMax : op("And", x, inside, belowMax);
        }
        contribute(x, inside == null ? gY : op("Where", x, inside, gY, zero()));
    }

    private void elementwise(NodeProto node, String gY) {
        String a = node.getInput(0);
        String b = node.getInput(1);
        String y = node.getOutput(0);
        long[] outputShape = requireShape(node, y);
        if (needsGradient(node, 0)) {
            String gradient =
                    switch (node.getOpType()) {
                        case "Mul" -> op("Mul", a, gY, b);
                        case "Div" -> op("Div", a, gY, b);
                        default -> gY;
                    };
            contribute(a, unbroadcast(node, gradient, outputShape, a));
        }
        if (needsGradient(node, 1)) {
            String gradient =
                    switch (node.getOpType()) {
                        case "Sub" -> op("Neg", b, gY);
                        case "Mul" -> op("Mul", b, gY, a);
                        case "Div" -> op("Neg", b, op("Div", b, op("Mul", b, gY, y), b));
                        default -> gY;
                    };
            contribute(b, unbroadcast(node, gradient, outputShape, b));
        }
    }

    /** Sums a gradient of shape {@code gradientShape} over the axes along which {@code target} was broadcast. */
    private String unbroadcast(NodeProto node, String gradient, long[] gradientShape, String target) {
        long[] targetShape = requireShape(node, target);
        int leading = gradientShape.length - targetShape.length;
        List<Long> axes = new ArrayList<>();
        for (int axis = 0; axis < gradientShape.length; axis++) {
            // Where the size is unknown on the gradient's side, summing an axis of size 1 is harmless.
            if (axis < leading || targetShape[axis - leading] == 1 && gradientShape[axis] != 1) {
                axes.add((long) axis);
            }
        }
        if (axes.isEmpty()) {
            return gradient;
        }
        String summed = op(
                "ReduceSum",
                target,
                gradient,
                builder.longs("axes", axes.stream().mapToLong(Long::longValue).toArray()));
        return leading > 0 ? op("Reshape", target, summed, shapeOf(target)) : summed;
    }

    private void conv(NodeProto node, String gY) {
        if (needsGradient(node, 1) || needsGradient(node, 2)) {
            throw new UnsupportedOperatorException(
                    "Conv",
                    "Node '" + node.getName()
                            + "': weights computed from the input are not supported; only gradients with respect to data are");
        }
        long[] weights = requireShape(node, node.getInput(1));
        int spatial = weights.length - 2;
        long[] kernel = Arrays.copyOfRange(weights, 2, weights.length);
        long[] strides = Attributes.intsValue(node, "strides", spatial, 1);
        long[] dilations = Attributes.intsValue(node, "dilations", spatial, 1);
        long[] pads = explicitPads(node, spatial);
        long group = Attributes.intValue(node, "group", 1);
        long[] adjointPads = new long[2 * spatial];
        boolean adjointIsConv = Arrays.stream(strides).allMatch(stride -> stride == 1);
        for (int axis = 0; axis < 2 * spatial; axis++) {
            adjointPads[axis] = dilations[axis % spatial] * (kernel[axis % spatial] - 1) - pads[axis];
            adjointIsConv &= adjointPads[axis] >= 0;
        }
        String x = node.getInput(0);
        if (adjointIsConv) {
            // A stride-1 convolution's adjoint is a convolution with the kernel flipped and its channel axes
            // swapped per group: ONNX Runtime's Conv kernels beat ConvTranspose, and the weight rearrangement
            // has only constant inputs, so the runtime folds it away when loading the model.
            contribute(
                    x,
                    builder.node(
                            "Conv",
                            List.of(gY, adjointKernel(node.getInput(1), weights, group)),
                            x + "_grad",
                            ints("dilations", dilations),
                            ints("pads", adjointPads),
                            of("group", group)));
        } else {
            contribute(x, transposeToInput(node, gY, node.getInput(1), kernel, dilations, strides, pads, group));
        }
    }

    /** Weights [M, C/g, k...] to [C, M/g, k...], each group's in/out axes swapped and every kernel axis reversed. */
    private String adjointKernel(String weights, long[] shape, long group) {
        int rank = shape.length;
        long outPerGroup = shape[0] / group;
        long[] grouped = new long[rank + 1];
        grouped[0] = group;
        grouped[1] = outPerGroup;
        System.arraycopy(shape, 1, grouped, 2, rank - 1);
        long[] perm = new long[rank + 1];
        Arrays.setAll(perm, axis -> axis);
        perm[1] = 2;
        perm[2] = 1;
        long[] adjointShape = shape.clone();
        adjointShape[0] = shape[1] * group;
        adjointShape[1] = outPerGroup;
        String swapped = builder.node(
                "Reshape",
                List.of(
                        builder.node(
                                "Transpose",
                                List.of(builder.node(
                                        "Reshape",
                                        List.of(weights, builder.longs("grouped", grouped)),
                                        weights + "_grouped")),
                                weights + "_swapped",
                                ints("perm", perm)),
                        builder.longs("adjoint_shape", adjointShape)),
                weights + "_adjoint");
        int spatial = rank - 2;
        if (Arrays.stream(shape, 2, rank).allMatch(size -> size == 1)) {
            return swapped;
        }
        long[] starts = new long[spatial];
        long[] ends = new long[spatial];
        long[] axes = new long[spatial];
        long[] steps = new long[spatial];
        Arrays.fill(starts, -1);
        Arrays.fill(ends, Long.MIN_VALUE);
        Arrays.setAll(axes, axis -> axis + 2);
        Arrays.fill(steps, -1);
        return builder.node(
                "Slice",
                List.of(
                        swapped,
                        builder.longs("starts", starts),
                        builder.longs("ends", ends),
                        builder.longs("axes", axes),
                        builder.longs("steps", steps)),
                weights + "_flipped");
    }

    private void averagePool(NodeProto node, String gY) {
        if (Attributes.intValue(node, "ceil_mode", 0) != 0) {
            throw new UnsupportedOperatorException(
                    "AveragePool", "Node '" + node.getName() + "': ceil_mode=1 is not supported");
        }
        String x = node.getInput(0);
        long[] xShape = requireShape(node, x);
        long channels = xShape[1];
        if (channels == ShapeInference.UNKNOWN) {
            throw new UnsupportedOperatorException(
                    "AveragePool", "Node '" + node.getName() + "': the channel count of its input must be known");
        }
        long[] kernel = Attributes.intsValue(node, "kernel_shape");
        int spatial = kernel.length;
        long[] strides = Attributes.intsValue(node, "strides", spatial, 1);
        long[] ones = new long[spatial];
        Arrays.fill(ones, 1);
        long[] pads = explicitPads(node, spatial);
        long windowSize = Arrays.stream(kernel).reduce(1, Math::multiplyExact);

        // Without count_include_pad, border windows average fewer cells: divide by the fraction inside.
        String scaled = gY;
        if (Arrays.stream(pads).anyMatch(pad -> pad > 0) && Attributes.intValue(node, "count_include_pad", 0) == 0) {
            String allOnes = op("Expand", x, scalar("one", 1), shapeOf(x));
            List<AttributeProto> attributes = new ArrayList<>(node.getAttributeList().stream()
                    .filter(attribute -> !attribute.getName().equals("count_include_pad"))
                    .toList());
            attributes.add(of("count_include_pad", 1));
            String inside = builder.node(
                    "AveragePool", List.of(allOnes), x + "_pool_fraction", attributes.toArray(AttributeProto[]::new));
            scaled = op("Div", x, gY, inside);
        }
        long[] boxShape = new long[spatial + 2];
        boxShape[0] = channels;
        boxShape[1] = 1;
        System.arraycopy(kernel, 0, boxShape, 2, spatial);
        float[] box = new float[Math.toIntExact(Tensors.elementCount(boxShape))];
        Arrays.fill(box, 1f / windowSize);
        String boxKernel = builder.floats(x + "_pool_box", box, boxShape);
        contribute(x, transposeToInput(node, scaled, boxKernel, kernel, ones, strides, pads, channels));
    }

    private void maxPool(int index, NodeProto node, String gY) {
        if (Attributes.intValue(node, "storage_order", 0) != 0) {
            throw new UnsupportedOperatorException(
                    "MaxPool", "Node '" + node.getName() + "': storage_order=1 is not supported");
        }
        String x = node.getInput(0);
        String indices;
        if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()) {
            indices = node.getOutput(1);
        } else {
            indices = builder.fresh(node.getOutput(0) + "_indices");
            builder.graph().getNodeBuilder(index).addOutput(indices);
        }
        // Indices count over the flattened input (batch and channel included), so scatter into a flat tensor.
        String flatShape = builder.longs("flat", -1);
        String zeros = op("ConstantOfShape", x, op("Reshape", x, op("Size", x, x), builder.longs("one_element", 1)));
        String scattered = builder.node(
                "ScatterElements",
                List.of(zeros, op("Reshape", x, indices, flatShape), op("Reshape", x, gY, flatShape)),
                x + "_grad",
                of("axis", 0),
                of("reduction", "add"));
        contribute(x, op("Reshape", x, scattered, shapeOf(x)));
    }

    /**
     * The ConvTranspose that takes a windowed op's output gradient back to its input. With stride 1 the
     * forward pads crop it to the input size exactly. With larger strides the windows stop short of the last
     * {@code r = (H + pads - extent) mod stride} padded rows, which the input size alone determines: the
     * transpose then runs with only the leading pads, giving {@code H + pad_end - r} rows, which are cut or
     * zero-extended to H (rows no window read get zero gradient).
     */
    private String transposeToInput(
            NodeProto node,
            String gradient,
            String kernelValue,
            long[] kernel,
            long[] dilations,
            long[] strides,
            long[] pads,
            long group) {
        int spatial = kernel.length;
        String x = node.getInput(0);
        boolean unitStrides = Arrays.stream(strides).allMatch(stride -> stride == 1);
        long[] transposePads = pads.clone();
        if (!unitStrides) {
            Arrays.fill(transposePads, spatial, 2 * spatial, 0);
        }
        String transposed = builder.node(
                "ConvTranspose",
                List.of(gradient, kernelValue),
                x + "_grad",
                ints("strides", strides),
                ints("dilations", dilations),
                ints("pads", transposePads),
                of("group", group));
        if (unitStrides) {
            return transposed;
        }
        long[] xShape = shapes.get(x);
        boolean sizesKnown = xShape != null
                && Arrays.stream(xShape, 2, xShape.length).noneMatch(size -> size == ShapeInference.UNKNOWN);
        long[] extension = new long[2 * (spatial + 2)];
        boolean cut = false;
        boolean extend = false;
        for (int axis = 0; axis < spatial; axis++) {
            long padEnd = pads[axis + spatial];
            long missing;
            if (sizesKnown) {
                long extent = dilations[axis] * (kernel[axis] - 1) + 1;
                long unread = Math.floorMod(xShape[axis + 2] + pads[axis] + padEnd - extent, strides[axis]);
                missing = unread - padEnd;
                cut |= missing < 0;
            } else {
                missing = strides[axis] - 1 - padEnd;
                cut = true;
            }
            extension[spatial + 2 + axis + 2] = Math.max(0, missing);
            extend |= missing > 0;
        }
        String fitted = extend ? op("Pad", x, transposed, builder.longs("pads", extension)) : transposed;
        if (!cut) {
            return fitted;
        }
        long[] starts = new long[spatial];
        long[] axes = new long[spatial];
        Arrays.setAll(axes, axis -> axis + 2);
        String spatialSize = builder.node("Shape", List.of(x), x + "_spatial_size", of("start", 2));
        return op("Slice", x, fitted, builder.longs("starts", starts), spatialSize, builder.longs("axes", axes));
    }

    /** The explicit pads of a Conv or pooling node; SAME auto-padding depends on the input size and is refused. */
    private static long[] explicitPads(NodeProto node, int spatial) {
        String autoPad = Attributes.stringValue(node, "auto_pad", "NOTSET");
        if (autoPad.equals("VALID")) {
            return new long[2 * spatial];
        }
        if (!autoPad.equals("NOTSET")) {
            throw new UnsupportedOperatorException(
                    node.getOpType(),
                    "Node '" + node.getName() + "': auto_pad=" + autoPad + " is not supported; give explicit pads");
        }
        return Attributes.intsValue(node, "pads", 2 * spatial, 0);
    }

    private void matMul(NodeProto node, String gY) {
        String a = node.getInput(0);
        String b = node.getInput(1);
        long[] aShape = requireShape(node, a);
        long[] bShape = requireShape(node, b);
        long[] yShape = requireShape(node, node.getOutput(0));
        if (aShape.length < 2 || bShape.length < 2) {
            throw new UnsupportedOperatorException(
                    "MatMul", "Node '" + node.getName() + "': 1-D operands are not supported");
        }
        if (isTransposeOf(b, a, aShape.length)) {
            // A Gram matrix A A^T: both factors' contributions sum to (g + g^T) A, one product instead of two.
            String symmetric = op("Add", a, gY, swapLastTwo(gY, yShape.length));
            contribute(a, op("MatMul", a, symmetric, a));
            return;
        }
        long[] batch = Arrays.copyOf(yShape, yShape.length - 2);
        if (needsGradient(node, 0)) {
            String gradient = op("MatMul", a, gY, swapLastTwo(b, bShape.length));
            contribute(a, unbroadcast(node, gradient, withMatrix(batch, aShape), a));
        }
        if (needsGradient(node, 1)) {
            String gradient = op("MatMul", b, swapLastTwo(a, aShape.length), gY);
            contribute(b, unbroadcast(node, gradient, withMatrix(batch, bShape), b));
        }
    }

    /** Whether {@code value} is {@code source} with its last two axes swapped. */
    private boolean isTransposeOf(String value, String source, int rank) {
        NodeProto producer = producers.get(value);
        if (producer == null
                || !producer.getOpType().equals("Transpose")
                || !producer.getInput(0).equals(source)) {
            return false;
        }
        long[] perm = Attributes.intsValue(producer, "perm");
        if (perm == null) {
            return rank == 2;
        }
        for (int axis = 0; axis < rank - 2; axis++) {
            if (perm[axis] != axis) {
                return false;
            }
        }
        return perm[rank - 2] == rank - 1 && perm[rank - 1] == rank - 2;
    }

    private static long[] withMatrix(long[] batch, long[] operand) {
        long[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = operand[operand.length - 2];
        shape[batch.length + 1] = operand[operand.length - 1];
        return shape;
    }

    private String swapLastTwo(String value, int rank) {
        long[] perm = new long[rank];
        Arrays.setAll(perm, axis -> axis);
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return builder.node("Transpose", List.of(value), value + "_transposed", ints("perm", perm));
    }

    private void transpose(NodeProto node, String gY) {
        String x = node.getInput(0);
        long[] perm = Attributes.intsValue(node, "perm");
        if (perm == null) {
            int rank = requireShape(node, x).length;
            perm = new long[rank];
            Arrays.setAll(perm, axis -> rank - 1 - axis);
        }
        long[] inverse = new long[perm.length];
        for (int axis = 0; axis < perm.length; axis++) {
            inverse[(int) perm[axis]] = axis;
        }
        contribute(x, builder.node("Transpose", List.of(gY), x + "_grad", ints("perm", inverse)));
    }

    private void reduce(NodeProto node, String gY) {
        String x = node.getInput(0);
        long[] axes;
        if (node.getOpType().equals("ReduceSum")) {
            boolean axesGiven = node.getInputCount() > 1 && !node.getInput(1).isEmpty();
            if (axesGiven && !constants.containsKey(node.getInput(1))) {
                throw new UnsupportedOperatorException(
                        "ReduceSum", "Node '" + node.getName() + "': axes must be a constant");
            }
            axes = axesGiven ? Tensors.longValues(constants.get(node.getInput(1))) : new long[0];
        } else {
            long[] attribute = Attributes.intsValue(node, "axes");
            axes = attribute == null ? new long[0] : attribute;
        }
        if (axes.length == 0 && Attributes.intValue(node, "noop_with_empty_axes", 0) != 0) {
            contribute(x, gY);
            return;
        }
        String kept = gY;
        // Negative axes are relative to the rank of x, which is also the rank after unsqueezing.
        if (Attributes.intValue(node, "keepdims", 1) == 0 && axes.length > 0) {
            kept = op("Unsqueeze", x, gY, builder.longs("axes", axes));
        }
        String expanded = op("Expand", x, kept, shapeOf(x));
        contribute(
                x,
                node.getOpType().equals("ReduceMean")
                        ? op("Div", x, expanded, elementRatio(x, node.getOutput(0)))
                        : expanded);
    }

    /** size(numerator) / size(denominator) as a float: the count each mean averaged over. */
    private String elementRatio(String numerator, String denominator) {
        String ratio = op("Div", numerator, op("Size", numerator, numerator), op("Size", denominator, denominator));
        return builder.node(
                "Cast", List.of(ratio), numerator + "_count", of("to", (long) TensorProto.DataType.FLOAT_VALUE));
    }

    private void softmax(NodeProto node, String gY) {
        String x = node.getInput(0);
        String y = node.getOutput(0);
        long axis = Attributes.intValue(node, "axis", -1);
        String weighted = builder.node(
                "ReduceSum", List.of(op("Mul", x, gY, y), builder.longs("axes", axis)), x + "_grad", of("keepdims", 1));
        contribute(x, op("Mul", x, y, op("Sub", x, gY, weighted)));
    }

    private void pad(NodeProto node, String gY) {
        String x = node.getInput(0);
        String mode = Attributes.stringValue(node, "mode", "constant");
        if (!mode.equals("constant")) {
            throw new UnsupportedOperatorException(
                    "Pad", "Node '" + node.getName() + "': mode=" + mode + " is not supported");
        }
        if (node.getInputCount() < 2 || !constants.containsKey(node.getInput(1)) || node.getInputCount() > 3) {
            throw new UnsupportedOperatorException(
                    "Pad", "Node '" + node.getName() + "': pads must be a constant input (no axes)");
        }
        long[] pads = Tensors.longValues(constants.get(node.getInput(1)));
        int rank = pads.length / 2;
        long[] starts = Arrays.copyOf(pads, rank);
        long[] ends = new long[rank];
        long[] axes = new long[rank];
        for (int axis = 0; axis < rank; axis++) {
            if (pads[axis] < 0 || pads[axis + rank] < 0) {
                throw new UnsupportedOperatorException(
                        "Pad", "Node '" + node.getName() + "': negative pads are not supported");
            }
            ends[axis] = pads[axis + rank] == 0 ? Long.MAX_VALUE : -pads[axis + rank];
            axes[axis] = axis;
        }
        contribute(
                x,
                op(
                        "Slice",
                        x,
                        gY,
                        builder.longs("starts", starts),
                        builder.longs("ends", ends),
                        builder.longs("axes", axes)));
    }

    private void concat(NodeProto node, String gY) {
        long[] first = requireShape(node, node.getInput(0));
        int axis = (int) ShapeInference.normalise(Attributes.intValue(node, "axis", 0), first.length);
        long[] sizes = new long[node.getInputCount()];
        boolean known = true;
        for (int input = 0; input < sizes.length; input++) {
            sizes[input] = requireShape(node, node.getInput(input))[axis];
            known &= sizes[input] != ShapeInference.UNKNOWN;
        }
        String split;
        if (known) {
            split = builder.longs("split", sizes);
        } else {
            List<String> parts = new ArrayList<>();
            for (String input : node.getInputList()) {
                parts.add(
                        builder.node("Shape", List.of(input), input + "_size", of("start", axis), of("end", axis + 1)));
            }
            split = builder.node("Concat", parts, node.getOutput(0) + "_split", of("axis", 0));
        }
        List<String> pieces = builder.node(
                "Split", List.of(gY, split), node.getInputCount(), node.getOutput(0) + "_grad", of("axis", axis));
        for (int input = 0; input < node.getInputCount(); input++) {
            if (needsGradient(node, input)) {
                contribute(node.getInput(input), pieces.get(input));
            }
        }
    }

    private long[] requireShape(NodeProto node, String value) {
        long[] shape = shapes.get(value);
        if (shape == null) {
            throw new UnsupportedOperatorException(
                    node.getOpType(),
                    "Node '" + node.getName() + "' (op " + node.getOpType() + "): the rank of '" + value
                            + "' cannot be told from the graph; declare the input shapes");
        }
        return shape;
    }

    /** A Shape node for the value, made once. */
    private String shapeOf(String value) {
        return shapeNodes.computeIfAbsent(value, name -> builder.node("Shape", List.of(name), name + "_shape"));
    }

    private String zero() {
        if (zero == null) {
            zero = scalar("zero", 0);
        }
        return zero;
    }

    private String scalar(String base, float value) {
        return builder.scalar(base, value);
    }

    /** A node named after the value whose gradient it helps compute. */
    private String op(String opType, String about, String... inputs) {
        return builder.node(opType, List.of(inputs), about + "_grad");
    }
}
