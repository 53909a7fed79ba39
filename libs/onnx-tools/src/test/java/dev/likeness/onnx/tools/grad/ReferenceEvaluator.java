package dev.likeness.onnx.tools.grad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.IntStream;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.onnx.tools.graph.Attributes;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.graph.Tensors;

/**
 * Evaluates the forward operators of an ONNX graph in double precision, written independently of ONNX
 * Runtime: the float64 reference for finite-difference gradient checks. Only what the extractors and the
 * losses use (convolutions and pooling over 1, 2 or 3 spatial axes).
 */
final class ReferenceEvaluator {

    private final GraphProto graph;
    private final Map<String, DoubleTensor> constants = new HashMap<>();

    ReferenceEvaluator(GraphProto graph) {
        this.graph = graph;
        Graphs.constants(graph).forEach((name, tensor) -> constants.put(name, toDouble(tensor)));
    }

    private static DoubleTensor toDouble(TensorProto tensor) {
        return new DoubleTensor(Tensors.doubleValues(tensor), Tensors.dims(tensor));
    }

    /** Computes the named values from the inputs, evaluating only the nodes they need. */
    Map<String, DoubleTensor> run(Map<String, DoubleTensor> inputs, Set<String> wanted) {
        Set<String> needed = new HashSet<>(wanted);
        List<NodeProto> nodes = new ArrayList<>();
        List<NodeProto> all = graph.getNodeList();
        for (int index = all.size() - 1; index >= 0; index--) {
            NodeProto node = all.get(index);
            if (node.getOutputList().stream().anyMatch(needed::contains)) {
                needed.addAll(node.getInputList());
                nodes.add(0, node);
            }
        }
        Map<String, DoubleTensor> values = new HashMap<>(constants);
        values.putAll(inputs);
        for (NodeProto node : nodes) {
            if (node.getOpType().equals("Constant")) {
                continue;
            }
            List<DoubleTensor> in = node.getInputList().stream()
                    .map(name -> name.isEmpty() ? null : values.get(name))
                    .toList();
            values.put(node.getOutput(0), evaluate(node, in));
        }
        Map<String, DoubleTensor> result = new HashMap<>();
        wanted.forEach(name -> result.put(name, values.get(name)));
        return result;
    }

    private DoubleTensor evaluate(NodeProto node, List<DoubleTensor> in) {
        DoubleTensor x = in.get(0);
        return switch (node.getOpType()) {
            case "Identity", "Dropout", "Cast" -> x;
            case "Neg" -> map(x, value -> -value);
            case "Relu" -> map(x, value -> Math.max(value, 0));
            case "Sqrt" -> map(x, Math::sqrt);
            case "PRelu" -> broadcast(x, in.get(1), (value, slope) -> value > 0 ? value : value * slope);
            case "Clip" -> clip(x, in);
            case "Add" -> broadcast(x, in.get(1), Double::sum);
            case "Sum" ->
                in.stream().reduce((a, b) -> broadcast(a, b, Double::sum)).orElseThrow();
            case "Sub" -> broadcast(x, in.get(1), (a, b) -> a - b);
            case "Mul" -> broadcast(x, in.get(1), (a, b) -> a * b);
            case "Div" -> broadcast(x, in.get(1), (a, b) -> a / b);
            case "Conv" -> conv(node, x, in.get(1), in.size() > 2 ? in.get(2) : null);
            case "MaxPool", "AveragePool" -> pool(node, x);
            case "GlobalAveragePool" ->
                reduce(x, IntStream.range(2, x.rank()).asLongStream().toArray(), true, true);
            case "MatMul" -> matMul(x, in.get(1));
            case "Transpose" -> transpose(x, Attributes.intsValue(node, "perm"));
            case "Reshape" -> reshape(x, in.get(1).longs());
            case "Flatten" -> flatten(x, Attributes.intValue(node, "axis", 1));
            case "ReduceSum" ->
                reduce(
                        x,
                        in.size() > 1 && in.get(1) != null ? in.get(1).longs() : new long[0],
                        Attributes.intValue(node, "keepdims", 1) != 0,
                        false);
            case "ReduceMean" ->
                reduce(
                        x,
                        orEmpty(Attributes.intsValue(node, "axes")),
                        Attributes.intValue(node, "keepdims", 1) != 0,
                        true);
            case "Softmax" -> softmax(x, (int) Attributes.intValue(node, "axis", -1));
            case "Pad" ->
                pad(
                        x,
                        in.get(1).longs(),
                        in.size() > 2 && in.get(2) != null ? in.get(2).data()[0] : 0);
            case "Concat" -> concat(in, (int) Attributes.intValue(node, "axis", 0));
            case "Shape" -> shape(node, x);
            case "Size" -> DoubleTensor.scalar(x.data().length);
            default -> throw new UnsupportedOperationException("Reference evaluator lacks " + node.getOpType());
        };
    }

    private static long[] orEmpty(long[] values) {
        return values == null ? new long[0] : values;
    }

    private static DoubleTensor map(DoubleTensor x, java.util.function.DoubleUnaryOperator function) {
        return new DoubleTensor(Arrays.stream(x.data()).map(function).toArray(), x.shape());
    }

    private static DoubleTensor clip(DoubleTensor x, List<DoubleTensor> in) {
        double low = in.size() > 1 && in.get(1) != null ? in.get(1).data()[0] : Double.NEGATIVE_INFINITY;
        double high = in.size() > 2 && in.get(2) != null ? in.get(2).data()[0] : Double.POSITIVE_INFINITY;
        return map(x, value -> Math.min(Math.max(value, low), high));
    }

    private static DoubleTensor broadcast(DoubleTensor a, DoubleTensor b, DoubleBinaryOperator operation) {
        int rank = Math.max(a.rank(), b.rank());
        long[] shape = new long[rank];
        long[] aShape = new long[rank];
        long[] bShape = new long[rank];
        for (int axis = 0; axis < rank; axis++) {
            int fromA = axis - (rank - a.rank());
            int fromB = axis - (rank - b.rank());
            aShape[axis] = fromA >= 0 ? a.shape()[fromA] : 1;
            bShape[axis] = fromB >= 0 ? b.shape()[fromB] : 1;
            shape[axis] = Math.max(aShape[axis], bShape[axis]);
        }
        long[] aStrides = broadcastStrides(aShape);
        long[] bStrides = broadcastStrides(bShape);
        long[] strides = DoubleTensor.strides(shape);
        double[] out = new double[(int) DoubleTensor.size(shape)];
        for (int index = 0; index < out.length; index++) {
            long aIndex = 0;
            long bIndex = 0;
            long rest = index;
            for (int axis = 0; axis < rank; axis++) {
                long coordinate = rest / strides[axis];
                rest %= strides[axis];
                aIndex += coordinate * aStrides[axis];
                bIndex += coordinate * bStrides[axis];
            }
            out[index] = operation.applyAsDouble(a.data()[(int) aIndex], b.data()[(int) bIndex]);
        }
        return new DoubleTensor(out, shape);
    }

    /** Strides that repeat along axes of size 1. */
    private static long[] broadcastStrides(long[] shape) {
        long[] strides = DoubleTensor.strides(shape);
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] == 1) {
                strides[axis] = 0;
            }
        }
        return strides;
    }

    private static long[] pads(NodeProto node, int spatial) {
        String autoPad = Attributes.stringValue(node, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw new UnsupportedOperationException("auto_pad " + autoPad);
        }
        return autoPad.equals("VALID") ? new long[2 * spatial] : Attributes.intsValue(node, "pads", 2 * spatial, 0);
    }

    /** Where a sliding window reads: for each output position and kernel offset, the flat input position. */
    private static final class Windows {
        /** The kernel offset falls in the padding (a pooling with count_include_pad counts it). */
        static final int PADDING = -1;
        /** The kernel offset falls beyond the padding (ceil_mode's extra windows). */
        static final int OUTSIDE = -2;

        final int inputSize;
        final int outputSize;
        final int kernelSize;
        final long[] outputShape;
        final int[] source;

        Windows(long[] input, long[] kernel, long[] strides, long[] dilations, long[] pads, boolean ceil) {
            int spatial = input.length;
            outputShape = new long[spatial];
            for (int axis = 0; axis < spatial; axis++) {
                outputShape[axis] = outputSize(
                        (int) input[axis],
                        pads[axis] + pads[axis + spatial],
                        dilations[axis] * (kernel[axis] - 1) + 1,
                        strides[axis],
                        ceil);
            }
            inputSize = (int) DoubleTensor.size(input);
            outputSize = (int) DoubleTensor.size(outputShape);
            kernelSize = (int) DoubleTensor.size(kernel);
            source = new int[outputSize * kernelSize];
            long[] inputStrides = DoubleTensor.strides(input);
            for (int out = 0; out < outputSize; out++) {
                for (int offset = 0; offset < kernelSize; offset++) {
                    int flat = 0;
                    int where = 0;
                    int outRest = out;
                    int offsetRest = offset;
                    for (int axis = spatial - 1; axis >= 0; axis--) {
                        long o = outRest % outputShape[axis];
                        long k = offsetRest % kernel[axis];
                        outRest /= (int) outputShape[axis];
                        offsetRest /= (int) kernel[axis];
                        long at = o * strides[axis] - pads[axis] + k * dilations[axis];
                        if (at >= input[axis] + pads[axis + spatial]) {
                            where = OUTSIDE;
                        } else if ((at < 0 || at >= input[axis]) && where == 0) {
                            where = PADDING;
                        }
                        flat += (int) (at * inputStrides[axis]);
                    }
                    source[out * kernelSize + offset] = where < 0 ? where : flat;
                }
            }
        }
    }

    private static DoubleTensor conv(NodeProto node, DoubleTensor x, DoubleTensor w, DoubleTensor bias) {
        int spatial = x.rank() - 2;
        int batch = x.dim(0);
        int inChannels = x.dim(1);
        int outChannels = w.dim(0);
        int groupInChannels = w.dim(1);
        int group = (int) Attributes.intValue(node, "group", 1);
        Windows windows = new Windows(
                Arrays.copyOfRange(x.shape(), 2, x.rank()),
                Arrays.copyOfRange(w.shape(), 2, w.rank()),
                Attributes.intsValue(node, "strides", spatial, 1),
                Attributes.intsValue(node, "dilations", spatial, 1),
                pads(node, spatial),
                false);
        int kernelSize = windows.kernelSize;
        double[] out = new double[batch * outChannels * windows.outputSize];
        int outPerGroup = outChannels / group;
        IntStream.range(0, batch * outChannels).parallel().forEach(item -> {
            int n = item / outChannels;
            int oc = item % outChannels;
            int firstIn = (oc / outPerGroup) * groupInChannels;
            int outBase = item * windows.outputSize;
            for (int position = 0; position < windows.outputSize; position++) {
                double sum = bias == null ? 0 : bias.data()[oc];
                for (int ic = 0; ic < groupInChannels; ic++) {
                    int inBase = (n * inChannels + firstIn + ic) * windows.inputSize;
                    int weightBase = (oc * groupInChannels + ic) * kernelSize;
                    for (int offset = 0; offset < kernelSize; offset++) {
                        int source = windows.source[position * kernelSize + offset];
                        if (source >= 0) {
                            sum += w.data()[weightBase + offset] * x.data()[inBase + source];
                        }
                    }
                }
                out[outBase + position] = sum;
            }
        });
        return new DoubleTensor(out, withSpatial(batch, outChannels, windows.outputShape));
    }

    private static DoubleTensor pool(NodeProto node, DoubleTensor x) {
        boolean max = node.getOpType().equals("MaxPool");
        int spatial = x.rank() - 2;
        boolean includePad = Attributes.intValue(node, "count_include_pad", 0) != 0;
        Windows windows = new Windows(
                Arrays.copyOfRange(x.shape(), 2, x.rank()),
                Attributes.intsValue(node, "kernel_shape"),
                Attributes.intsValue(node, "strides", spatial, 1),
                Attributes.intsValue(node, "dilations", spatial, 1),
                pads(node, spatial),
                Attributes.intValue(node, "ceil_mode", 0) != 0);
        int kernelSize = windows.kernelSize;
        int planes = x.dim(0) * x.dim(1);
        double[] out = new double[planes * windows.outputSize];
        for (int plane = 0; plane < planes; plane++) {
            for (int position = 0; position < windows.outputSize; position++) {
                double best = Double.NEGATIVE_INFINITY;
                double sum = 0;
                int count = 0;
                for (int offset = 0; offset < kernelSize; offset++) {
                    int source = windows.source[position * kernelSize + offset];
                    if (source >= 0) {
                        double value = x.data()[plane * windows.inputSize + source];
                        best = Math.max(best, value);
                        sum += value;
                        count++;
                    } else if (includePad && source == Windows.PADDING) {
                        count++;
                    }
                }
                out[plane * windows.outputSize + position] = max ? best : sum / count;
            }
        }
        return new DoubleTensor(out, withSpatial(x.dim(0), x.dim(1), windows.outputShape));
    }

    private static long[] withSpatial(long batch, long channels, long[] spatial) {
        long[] shape = new long[spatial.length + 2];
        shape[0] = batch;
        shape[1] = channels;
        System.arraycopy(spatial, 0, shape, 2, spatial.length);
        return shape;
    }

    private static int outputSize(int size, long pads, long extent, long stride, boolean ceil) {
        long span = size + pads - extent;
        return (int) ((ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1);
    }

    private static DoubleTensor matMul(DoubleTensor a, DoubleTensor b) {
        int m = a.dim(a.rank() - 2);
        int k = a.dim(a.rank() - 1);
        int n = b.dim(b.rank() - 1);
        long[] batchA = Arrays.copyOf(a.shape(), a.rank() - 2);
        long[] batchB = Arrays.copyOf(b.shape(), b.rank() - 2);
        DoubleTensor batchIndexA = indexTensor(batchA);
        DoubleTensor batchIndexB = indexTensor(batchB);
        DoubleTensor pairsA = broadcast(batchIndexA, batchIndexB, (first, second) -> first);
        DoubleTensor pairsB = broadcast(batchIndexA, batchIndexB, (first, second) -> second);
        int batches = pairsA.data().length;
        double[] out = new double[batches * m * n];
        IntStream.range(0, batches * m).parallel().forEach(row -> {
            int item = row / m;
            int i = row % m;
            int aBase = (int) pairsA.data()[item] * m * k + i * k;
            int bBase = (int) pairsB.data()[item] * k * n;
            for (int p = 0; p < k; p++) {
                double value = a.data()[aBase + p];
                for (int j = 0; j < n; j++) {
                    out[row * n + j] += value * b.data()[bBase + p * n + j];
                }
            }
        });
        long[] shape = Arrays.copyOf(pairsA.shape(), pairsA.rank() + 2);
        shape[pairsA.rank()] = m;
        shape[pairsA.rank() + 1] = n;
        return new DoubleTensor(out, shape);
    }

    /** A tensor of the given shape holding each element's own flat index. */
    private static DoubleTensor indexTensor(long[] shape) {
        double[] indices = new double[(int) DoubleTensor.size(shape)];
        Arrays.setAll(indices, index -> index);
        return new DoubleTensor(indices, shape);
    }

    private static DoubleTensor transpose(DoubleTensor x, long[] perm) {
        int rank = x.rank();
        long[] order = perm != null
                ? perm
                : IntStream.range(0, rank).mapToLong(axis -> rank - 1 - axis).toArray();
        long[] shape = new long[rank];
        for (int axis = 0; axis < rank; axis++) {
            shape[axis] = x.shape()[(int) order[axis]];
        }
        long[] inStrides = DoubleTensor.strides(x.shape());
        long[] outStrides = DoubleTensor.strides(shape);
        double[] out = new double[x.data().length];
        for (int index = 0; index < out.length; index++) {
            long rest = index;
            long source = 0;
            for (int axis = 0; axis < rank; axis++) {
                long coordinate = rest / outStrides[axis];
                rest %= outStrides[axis];
                source += coordinate * inStrides[(int) order[axis]];
            }
            out[index] = x.data()[(int) source];
        }
        return new DoubleTensor(out, shape);
    }

    private static DoubleTensor reshape(DoubleTensor x, long[] target) {
        long[] shape = target.clone();
        int inferred = -1;
        long known = 1;
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] == 0) {
                shape[axis] = x.shape()[axis];
            }
            if (shape[axis] == -1) {
                inferred = axis;
            } else {
                known *= shape[axis];
            }
        }
        if (inferred >= 0) {
            shape[inferred] = x.data().length / known;
        }
        return new DoubleTensor(x.data(), shape);
    }

    private static DoubleTensor flatten(DoubleTensor x, long axis) {
        int split = (int) (axis < 0 ? axis + x.rank() : axis);
        long outer = DoubleTensor.size(Arrays.copyOf(x.shape(), split));
        return new DoubleTensor(x.data(), new long[] {outer, x.data().length / outer});
    }

    private static DoubleTensor reduce(DoubleTensor x, long[] axes, boolean keepDims, boolean mean) {
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        if (axes.length == 0) {
            Arrays.fill(reduced, true);
        }
        for (long axis : axes) {
            reduced[(int) (axis < 0 ? axis + rank : axis)] = true;
        }
        long[] kept = new long[rank];
        for (int axis = 0; axis < rank; axis++) {
            kept[axis] = reduced[axis] ? 1 : x.shape()[axis];
        }
        long[] keptStrides = broadcastStrides(kept);
        long[] strides = DoubleTensor.strides(x.shape());
        double[] out = new double[(int) DoubleTensor.size(kept)];
        long[] compactStrides = DoubleTensor.strides(kept);
        for (int index = 0; index < x.data().length; index++) {
            long rest = index;
            long target = 0;
            for (int axis = 0; axis < rank; axis++) {
                long coordinate = rest / strides[axis];
                rest %= strides[axis];
                target += keptStrides[axis] == 0 ? 0 : coordinate * compactStrides[axis];
            }
            out[(int) target] += x.data()[index];
        }
        if (mean) {
            double count = (double) x.data().length / out.length;
            for (int index = 0; index < out.length; index++) {
                out[index] /= count;
            }
        }
        long[] shape = keepDims
                ? kept
                : IntStream.range(0, rank)
                        .filter(axis -> !reduced[axis])
                        .mapToLong(axis -> kept[axis])
                        .toArray();
        return new DoubleTensor(out, shape);
    }

    private static DoubleTensor softmax(DoubleTensor x, int axis) {
        int normalised = axis < 0 ? axis + x.rank() : axis;
        long[] strides = DoubleTensor.strides(x.shape());
        int stride = (int) strides[normalised];
        int length = x.dim(normalised);
        double[] out = new double[x.data().length];
        for (int start = 0; start < out.length; start++) {
            if ((start / stride) % length != 0) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int step = 0; step < length; step++) {
                max = Math.max(max, x.data()[start + step * stride]);
            }
            double sum = 0;
            for (int step = 0; step < length; step++) {
                sum += Math.exp(x.data()[start + step * stride] - max);
            }
            for (int step = 0; step < length; step++) {
                out[start + step * stride] = Math.exp(x.data()[start + step * stride] - max) / sum;
            }
        }
        return new DoubleTensor(out, x.shape());
    }

    private static DoubleTensor pad(DoubleTensor x, long[] pads, double value) {
        int rank = x.rank();
        long[] shape = new long[rank];
        for (int axis = 0; axis < rank; axis++) {
            shape[axis] = x.shape()[axis] + pads[axis] + pads[axis + rank];
        }
        double[] out = new double[(int) DoubleTensor.size(shape)];
        Arrays.fill(out, value);
        long[] inStrides = DoubleTensor.strides(x.shape());
        long[] outStrides = DoubleTensor.strides(shape);
        for (int index = 0; index < x.data().length; index++) {
            long rest = index;
            long target = 0;
            for (int axis = 0; axis < rank; axis++) {
                long coordinate = rest / inStrides[axis];
                rest %= inStrides[axis];
                target += (coordinate + pads[axis]) * outStrides[axis];
            }
            out[(int) target] = x.data()[index];
        }
        return new DoubleTensor(out, shape);
    }

    private static DoubleTensor concat(List<DoubleTensor> parts, int axis) {
        int rank = parts.get(0).rank();
        int normalised = axis < 0 ? axis + rank : axis;
        long[] shape = parts.get(0).shape().clone();
        shape[normalised] =
                parts.stream().mapToLong(part -> part.shape()[normalised]).sum();
        long outer = DoubleTensor.size(Arrays.copyOf(shape, normalised));
        double[] out = new double[(int) DoubleTensor.size(shape)];
        int position = 0;
        for (long block = 0; block < outer; block++) {
            for (DoubleTensor part : parts) {
                int chunk = (int) (part.data().length / outer);
                System.arraycopy(part.data(), (int) (block * chunk), out, position, chunk);
                position += chunk;
            }
        }
        return new DoubleTensor(out, shape);
    }

    private static DoubleTensor shape(NodeProto node, DoubleTensor x) {
        int rank = x.rank();
        long start = Attributes.intValue(node, "start", 0);
        long end = Attributes.intValue(node, "end", rank);
        start = Math.max(0, start < 0 ? start + rank : start);
        end = Math.min(rank, end < 0 ? end + rank : end);
        return DoubleTensor.vector(Arrays.copyOfRange(x.shape(), (int) start, (int) Math.max(start, end)));
    }
}
