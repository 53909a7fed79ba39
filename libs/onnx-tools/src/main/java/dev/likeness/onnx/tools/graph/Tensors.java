package dev.likeness.onnx.tools.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.google.protobuf.ByteString;
import dev.likeness.onnx.model.TensorProto;

/** Builds and reads the constant tensors (weights, shape vectors) of ONNX graphs. */
public final class Tensors {

    private Tensors() {}

    /** A float32 tensor stored as little-endian raw data, as ONNX exporters write weights. */
    public static TensorProto floats(String name, float[] values, long... dims) {
        requireElementCount(name, values.length, dims);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(boxed(dims))
                .setRawData(ByteString.copyFrom(raw.array()))
                .build();
    }

    /** An int64 tensor, e.g. a 1-D shape or axes vector ({@code dims} empty for a scalar). */
    public static TensorProto longs(String name, long[] values, long... dims) {
        requireElementCount(name, values.length, dims);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addAllDims(boxed(dims))
                .setRawData(ByteString.copyFrom(raw.array()))
                .build();
    }

    public static long[] dims(TensorProto tensor) {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    public static long elementCount(long[] dims) {
        long count = 1;
        for (long dim : dims) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    /** The values of a numeric tensor, widened to double (exact for float32 and for int64 shape values). */
    public static double[] doubleValues(TensorProto tensor) {
        requireEmbedded(tensor);
        int count = Math.toIntExact(elementCount(dims(tensor)));
        double[] values = new double[count];
        ByteBuffer raw =
                tensor.hasRawData() ? tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        switch (tensor.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE -> {
                for (int index = 0; index < count; index++) {
                    values[index] = raw != null ? raw.getFloat() : tensor.getFloatData(index);
                }
            }
            case TensorProto.DataType.DOUBLE_VALUE -> {
                for (int index = 0; index < count; index++) {
                    values[index] = raw != null ? raw.getDouble() : tensor.getDoubleData(index);
                }
            }
            case TensorProto.DataType.INT64_VALUE -> {
                for (int index = 0; index < count; index++) {
                    values[index] = raw != null ? raw.getLong() : tensor.getInt64Data(index);
                }
            }
            case TensorProto.DataType.INT32_VALUE -> {
                for (int index = 0; index < count; index++) {
                    values[index] = raw != null ? raw.getInt() : tensor.getInt32Data(index);
                }
            }
            default ->
                throw new IllegalArgumentException("Tensor " + tensor.getName() + " has element type "
                        + tensor.getDataType() + "; only float, double, int32 and int64 constants are supported");
        }
        return values;
    }

    /** The values of an integer tensor (shapes, axes, pads). */
    public static long[] longValues(TensorProto tensor) {
        requireEmbedded(tensor);
        if (tensor.getDataType() != TensorProto.DataType.INT64_VALUE
                && tensor.getDataType() != TensorProto.DataType.INT32_VALUE) {
            throw new IllegalArgumentException("Tensor " + tensor.getName() + " is not an integer tensor");
        }
        double[] values = doubleValues(tensor);
        long[] longs = new long[values.length];
        for (int index = 0; index < values.length; index++) {
            longs[index] = (long) values[index];
        }
        return longs;
    }

    private static void requireEmbedded(TensorProto tensor) {
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("Tensor " + tensor.getName()
                    + " keeps its data in an external file; load the model with its data embedded");
        }
    }

    private static void requireElementCount(String name, int count, long[] dims) {
        if (elementCount(dims) != count) {
            throw new IllegalArgumentException("Tensor " + name + ": " + count + " values do not fill its dims");
        }
    }

    private static Iterable<Long> boxed(long[] dims) {
        return java.util.Arrays.stream(dims).boxed().toList();
    }
}
