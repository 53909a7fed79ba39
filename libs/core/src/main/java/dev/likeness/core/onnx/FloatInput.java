package dev.likeness.core.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A float tensor to feed a model: the buffer's remaining elements, in row-major order, with a concrete
 * shape. A direct buffer in native byte order (see {@link #allocate}) is handed to ONNX Runtime without
 * a copy.
 */
public record FloatInput(FloatBuffer data, long[] shape) {

    public FloatInput {
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long elements = elementCount(shape);
        if (data.remaining() != elements) {
            throw new IllegalArgumentException("Buffer holds " + data.remaining() + " floats but shape "
                    + Arrays.toString(shape) + " needs " + elements + " (did you flip() it after filling?)");
        }
    }

    public static FloatInput of(FloatBuffer data, long... shape) {
        return new FloatInput(data, shape);
    }

    /** A zero-filled direct buffer in native order, the kind ONNX Runtime reads without copying. */
    public static FloatBuffer allocate(long... shape) {
        long elements = elementCount(shape);
        if (elements > Integer.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException("Tensor of shape " + Arrays.toString(shape) + " is too large");
        }
        return ByteBuffer.allocateDirect((int) elements * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    static long elementCount(long[] shape) {
        long elements = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            elements = Math.multiplyExact(elements, dimension);
        }
        return elements;
    }
}
