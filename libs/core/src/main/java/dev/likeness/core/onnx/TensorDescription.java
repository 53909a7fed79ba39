package dev.likeness.core.onnx;

import java.util.Arrays;

/**
 * An input or output of a model as the graph declares it.
 *
 * @param name           the graph's name for it
 * @param elementType    ONNX Runtime's Java element type name, e.g. {@code FLOAT}
 * @param shape          dimensions; -1 where the dimension is symbolic (e.g. a batch dimension {@code N})
 * @param dimensionNames the symbolic names, "" where a dimension is fixed
 */
public record TensorDescription(String name, String elementType, long[] shape, String[] dimensionNames) {

    public TensorDescription {
        shape = shape.clone();
        dimensionNames = dimensionNames.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String[] dimensionNames() {
        return dimensionNames.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** The size of one axis, or -1 when it is symbolic. */
    public long dimension(int axis) {
        return shape[axis];
    }

    public boolean isSymbolic(int axis) {
        return shape[axis] < 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorDescription that
                && name.equals(that.name)
                && elementType.equals(that.elementType)
                && Arrays.equals(shape, that.shape)
                && Arrays.equals(dimensionNames, that.dimensionNames);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + elementType.hashCode()) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        StringBuilder dims = new StringBuilder();
        for (int axis = 0; axis < shape.length; axis++) {
            if (axis > 0) {
                dims.append(',');
            }
            dims.append(
                    shape[axis] >= 0
                            ? Long.toString(shape[axis])
                            : dimensionNames[axis].isEmpty() ? "?" : dimensionNames[axis]);
        }
        return name + ' ' + elementType + '[' + dims + ']';
    }
}
