package dev.likeness.matching.search;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;

/**
 * Append-only rows of one embedding dimension, stored row after row in fixed-size float blocks: a scan
 * reads memory sequentially, and no single array has to hold a million rows (Java arrays stop at 2^31).
 */
public final class EmbeddingMatrix {

    /**
     * Floats per block: just under 8 MiB with the array header, so that a block fills whole G1 regions (of
     * 1 to 8 MiB) instead of leaving most of a last region empty, as an array of exactly 8 MiB would.
     */
    static final int BLOCK_FLOATS = (1 << 21) - 16;

    private final int dimension;
    private final int rowsPerBlock;
    private float[][] blocks = new float[0][];
    private int rows;

    public EmbeddingMatrix(int dimension) {
        if (dimension <= 0 || dimension > BLOCK_FLOATS) {
            throw new IllegalArgumentException("dimension must be in 1.." + BLOCK_FLOATS);
        }
        this.dimension = dimension;
        this.rowsPerBlock = BLOCK_FLOATS / dimension;
    }

    /** Appends a row and returns its number. */
    public int append(float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("expected " + dimension + " dimensions, got " + vector.length);
        }
        int block = rows / rowsPerBlock;
        if (block == blocks.length) {
            blocks = Arrays.copyOf(blocks, blocks.length + 1);
            blocks[block] = new float[rowsPerBlock * dimension];
        }
        System.arraycopy(vector, 0, blocks[block], (rows % rowsPerBlock) * dimension, dimension);
        return rows++;
    }

    public int rows() {
        return rows;
    }

    public int dimension() {
        return dimension;
    }

    /** Rows per block: the unit of work of a parallel scan. */
    int rowsPerBlock() {
        return rowsPerBlock;
    }

    float[] block(int block) {
        return blocks[block];
    }

    public float dot(float[] query, int row) {
        return VectorMath.dot(query, blocks[row / rowsPerBlock], (row % rowsPerBlock) * dimension);
    }

    public float[] copyOfRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        int offset = (row % rowsPerBlock) * dimension;
        return Arrays.copyOfRange(blocks[row / rowsPerBlock], offset, offset + dimension);
    }

    /** Writes the dimension, the row count and the rows, a block at a time (little-endian floats). */
    void write(DataOutput out) throws IOException {
        out.writeInt(dimension);
        out.writeInt(rows);
        ByteBuffer bytes =
                ByteBuffer.allocate(rowsPerBlock * dimension * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int block = 0; block * rowsPerBlock < rows; block++) {
            int floats = Math.min(rowsPerBlock, rows - block * rowsPerBlock) * dimension;
            bytes.clear();
            bytes.asFloatBuffer().put(blocks[block], 0, floats);
            out.writeBytes(bytes.array(), floats * Float.BYTES);
        }
    }

    /** A matrix written by {@link #write}. */
    static EmbeddingMatrix read(DataInput in) throws IOException {
        EmbeddingMatrix matrix = new EmbeddingMatrix(in.readInt());
        int rows = in.readInt();
        int perBlock = matrix.rowsPerBlock;
        matrix.blocks = new float[(rows + perBlock - 1) / perBlock][];
        for (int block = 0; block < matrix.blocks.length; block++) {
            matrix.blocks[block] = new float[perBlock * matrix.dimension];
            in.readFloats(matrix.blocks[block], 0, Math.min(perBlock, rows - block * perBlock) * matrix.dimension);
        }
        matrix.rows = rows;
        return matrix;
    }

    /** Bytes of the float blocks. */
    public long bytes() {
        return (long) blocks.length * rowsPerBlock * dimension * Float.BYTES;
    }
}
