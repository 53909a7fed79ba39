package dev.likeness.core.onnx;

import java.util.Arrays;

/** A model output copied out of ONNX Runtime: row-major floats and their shape. */
public record FloatTensor(float[] data, long[] shape) {

    public FloatTensor {
        if (data.length != FloatInput.elementCount(shape)) {
            throw new IllegalArgumentException(data.length + " floats do not fill shape " + Arrays.toString(shape));
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dimension(int axis) {
        return Math.toIntExact(shape[axis]);
    }

    /** The size of the first axis: the batch size for batched outputs. */
    public int rows() {
        return dimension(0);
    }

    /** Item {@code index} along the first axis, e.g. one face's embedding from a batch. */
    public float[] row(int index) {
        int rowLength = data.length / rows();
        return Arrays.copyOfRange(data, index * rowLength, (index + 1) * rowLength);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FloatTensor that && Arrays.equals(data, that.data) && Arrays.equals(shape, that.shape);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
