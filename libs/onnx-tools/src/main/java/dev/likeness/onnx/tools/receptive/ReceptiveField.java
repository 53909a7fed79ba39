package dev.likeness.onnx.tools.receptive;

/**
 * Which input pixels can move one output position of a layer: output row i reads input rows
 * {@code rows.start() + i * rows.stride()} to {@code + rows.size() - 1}, likewise for columns. Coordinates may fall
 * outside the image (padding); {@link #window} clips them.
 */
public record ReceptiveField(Axis rows, Axis columns) {

    /**
     * One spatial axis.
     *
     * @param stride distance in input pixels between neighbouring output positions
     * @param size   input pixels one output position reads along this axis
     * @param start  first input pixel read by output position 0 (negative where the layer pads)
     */
    public record Axis(long stride, long size, long start) {

        /** The input itself. */
        static final Axis IDENTITY = new Axis(1, 1, 0);

        public Axis {
            if (stride < 1 || size < 1) {
                throw new IllegalArgumentException("stride and size must be positive: " + stride + ", " + size);
            }
        }

        /** A sliding window over this axis: kernel k, stride s, dilation d, padding {@code padBegin} in front. */
        Axis window(long kernel, long windowStride, long dilation, long padBegin) {
            return new Axis(stride * windowStride, size + (kernel - 1) * dilation * stride, start - padBegin * stride);
        }

        /** The smallest axis covering both: what an element-wise node over two paths reads. */
        Axis hull(Axis other) {
            if (other.stride != stride) {
                throw new IllegalArgumentException(
                        "Paths with different strides meet (" + stride + " and " + other.stride + ")");
            }
            long first = Math.min(start, other.start);
            long end = Math.max(start + size, other.start + other.size);
            return new Axis(stride, end - first, first);
        }

        /** First input pixel read by output position {@code index}. */
        public long first(long index) {
            return start + index * stride;
        }

        /** Last input pixel read by output position {@code index}. */
        public long last(long index) {
            return first(index) + size - 1;
        }
    }

    /**
     * The input pixels output position (row, column) reads, clipped to an image of the given size.
     *
     * @return {top, left, bottom, right}, inclusive
     */
    public int[] window(int row, int column, int imageHeight, int imageWidth) {
        return new int[] {
            (int) Math.max(0, rows.first(row)),
            (int) Math.max(0, columns.first(column)),
            (int) Math.min(imageHeight - 1, rows.last(row)),
            (int) Math.min(imageWidth - 1, columns.last(column))
        };
    }
}
