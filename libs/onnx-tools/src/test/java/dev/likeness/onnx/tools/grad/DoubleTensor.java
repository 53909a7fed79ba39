package dev.likeness.onnx.tools.grad;

import java.util.Arrays;

/** A row-major tensor of doubles; integer tensors (shapes, indices) are held exactly as doubles too. */
record DoubleTensor(double[] data, long[] shape) {

    DoubleTensor {
        if (data.length != size(shape)) {
            throw new IllegalArgumentException(data.length + " values do not fill " + Arrays.toString(shape));
        }
    }

    static DoubleTensor zeros(long... shape) {
        return new DoubleTensor(new double[(int) size(shape)], shape);
    }

    static DoubleTensor scalar(double value) {
        return new DoubleTensor(new double[] {value}, new long[0]);
    }

    static DoubleTensor vector(long... values) {
        return new DoubleTensor(Arrays.stream(values).asDoubleStream().toArray(), new long[] {values.length});
    }

    static DoubleTensor of(float[] values, long... shape) {
        double[] data = new double[values.length];
        for (int index = 0; index < values.length; index++) {
            data[index] = values[index];
        }
        return new DoubleTensor(data, shape);
    }

    static long size(long[] shape) {
        long size = 1;
        for (long dim : shape) {
            size *= dim;
        }
        return size;
    }

    int rank() {
        return shape.length;
    }

    int dim(int axis) {
        return (int) shape[axis];
    }

    long[] longs() {
        return Arrays.stream(data).mapToLong(value -> (long) value).toArray();
    }

    float[] floats() {
        float[] floats = new float[data.length];
        for (int index = 0; index < data.length; index++) {
            floats[index] = (float) data[index];
        }
        return floats;
    }

    /** Row-major strides of the shape. */
    static long[] strides(long[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            strides[axis] = stride;
            stride *= shape[axis];
        }
        return strides;
    }
}
