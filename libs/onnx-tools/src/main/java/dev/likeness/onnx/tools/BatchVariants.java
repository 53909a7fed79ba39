package dev.likeness.onnx.tools;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.google.protobuf.ByteString;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.onnx.model.TensorShapeProto;
import dev.likeness.onnx.model.ValueInfoProto;
import dev.likeness.onnx.model.ValueInfoProtoOrBuilder;

/**
 * Turns models exported with a fixed batch of 1 into models that take any batch size.
 *
 * <p>Two rewrites: dim 0 of every graph input, output and intermediate value hint becomes the
 * symbolic {@value #BATCH_DIM}; and a Reshape that produces a graph output from a constant target
 * shape {@code [1, ...]} (a flatten hard-coded to batch 1, as in fr_feature) gets the target
 * {@code [-1, <declared output dims>]}. Graphs that compute their reshape targets from {@code Shape}
 * (fr_detect) need only the first rewrite.
 */
public final class BatchVariants {

    /** Name of the symbolic leading dimension in the variants. */
    public static final String BATCH_DIM = "N";

    /** The face networks that get a batch variant, by file name without {@code .onnx}. */
    public static final List<String> FACE_MODELS = List.of("fr_detect", "fr_landmark", "fr_feature");

    private BatchVariants() {}

    public static ModelProto batchVariant(ModelProto model) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        batchOutputReshapes(graph);

        // Before IR version 4 initializers were also listed as graph inputs; those are weights, not batches.
        Set<String> initializerNames =
                graph.getInitializerList().stream().map(TensorProto::getName).collect(Collectors.toSet());
        for (ValueInfoProto.Builder input : graph.getInputBuilderList()) {
            if (!initializerNames.contains(input.getName())) {
                makeLeadingDimSymbolic(input);
            }
        }
        for (ValueInfoProto.Builder output : graph.getOutputBuilderList()) {
            makeLeadingDimSymbolic(output);
        }
        // Intermediate hints also describe shape vectors and scalars; only batch-1 activations are batched.
        for (ValueInfoProto.Builder hint : graph.getValueInfoBuilderList()) {
            if (isBatchOneActivation(hint)) {
                makeLeadingDimSymbolic(hint);
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static void makeLeadingDimSymbolic(ValueInfoProto.Builder value) {
        // Checked first because asking a builder for a missing shape would add an empty one: a scalar.
        if (value.getType().getTensorType().getShape().getDimCount() > 0) {
            value.getTypeBuilder()
                    .getTensorTypeBuilder()
                    .getShapeBuilder()
                    .getDimBuilder(0)
                    .setDimParam(BATCH_DIM);
        }
    }

    private static boolean isBatchOneActivation(ValueInfoProtoOrBuilder value) {
        TensorShapeProto shape = value.getType().getTensorType().getShape();
        return shape.getDimCount() >= 2
                && shape.getDim(0).hasDimValue()
                && shape.getDim(0).getDimValue() == 1;
    }

    private static void batchOutputReshapes(GraphProto.Builder graph) {
        Map<String, ValueInfoProto> outputsByName =
                graph.getOutputList().stream().collect(Collectors.toMap(ValueInfoProto::getName, Function.identity()));
        for (NodeProto reshape : graph.getNodeList()) {
            if (!reshape.getOpType().equals("Reshape")
                    || reshape.getInputCount() < 2
                    || !outputsByName.containsKey(reshape.getOutput(0))) {
                continue;
            }
            String targetName = reshape.getInput(1);
            int targetIndex = initializerIndex(graph, targetName);
            if (targetIndex < 0) {
                continue;
            }
            long[] target = int64Values(graph.getInitializer(targetIndex));
            if (target.length == 0 || target[0] != 1) {
                continue;
            }
            if (consumerCount(graph, targetName) > 1) {
                throw new IllegalStateException("Reshape target " + targetName
                        + " is shared with other nodes; rewriting it in place would change them too");
            }
            long[] batchedTarget = batchedTarget(outputsByName.get(reshape.getOutput(0)), target.length);
            graph.setInitializer(targetIndex, withInt64Values(graph.getInitializer(targetIndex), batchedTarget));
        }
    }

    /** {@code [-1, d1, d2, ...]} from the output's declared shape, whose trailing dims must be fixed. */
    private static long[] batchedTarget(ValueInfoProto output, int targetRank) {
        List<TensorShapeProto.Dimension> dims =
                output.getType().getTensorType().getShape().getDimList();
        if (dims.size() != targetRank) {
            throw new IllegalStateException("Output " + output.getName() + " declares rank " + dims.size()
                    + " but its Reshape target has rank " + targetRank);
        }
        long[] batched = new long[targetRank];
        batched[0] = -1;
        for (int axis = 1; axis < targetRank; axis++) {
            if (!dims.get(axis).hasDimValue()) {
                throw new IllegalStateException("Output " + output.getName() + " has no fixed size on axis " + axis);
            }
            batched[axis] = dims.get(axis).getDimValue();
        }
        return batched;
    }

    private static int initializerIndex(GraphProto.Builder graph, String name) {
        for (int index = 0; index < graph.getInitializerCount(); index++) {
            if (graph.getInitializer(index).getName().equals(name)) {
                return index;
            }
        }
        return -1;
    }

    private static long consumerCount(GraphProto.Builder graph, String valueName) {
        return graph.getNodeList().stream()
                .flatMap(node -> node.getInputList().stream())
                .filter(valueName::equals)
                .count();
    }

    static long[] int64Values(TensorProto tensor) {
        if (tensor.getDataType() != TensorProto.DataType.INT64_VALUE) {
            throw new IllegalArgumentException("Tensor " + tensor.getName() + " is not int64");
        }
        if (!tensor.hasRawData()) {
            return tensor.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        }
        ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[raw.remaining() / Long.BYTES];
        raw.asLongBuffer().get(values);
        return values;
    }

    private static TensorProto withInt64Values(TensorProto tensor, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return tensor.toBuilder()
                .clearInt64Data()
                .clearDims()
                .addDims(values.length)
                .setRawData(ByteString.copyFrom(raw.array()))
                .build();
    }
}
