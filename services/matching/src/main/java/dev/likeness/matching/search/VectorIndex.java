package dev.likeness.matching.search;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.store.InputStreamDataInput;
import org.apache.lucene.store.OutputStreamDataOutput;
import org.apache.lucene.util.Bits;

/**
 * The embeddings of one model, searchable by owner (an identity's slot number). Exact search scans the
 * contiguous rows on several threads; above {@link SearchSettings#approximateAboveRows()} live rows an
 * HNSW graph answers instead, and rows added since the graph was last extended are scanned exactly.
 * Removal marks a row dead; the matrix is rewritten once enough rows are dead.
 *
 * <p>Not thread-safe: one writer at a time, and no search while writing (the gallery's lock sees to it).
 */
public final class VectorIndex {

    private static final int NO_OWNER = -1;
    private static final int GRAPH_FILE_VERSION = 2;

    private final SearchSettings settings;
    private final ForkJoinPool pool;
    private EmbeddingMatrix matrix;
    private int[] ownerOfRow = new int[1024];
    private int[] rowsOfOwner = new int[1024];
    private int liveRows;
    private int maxRowsPerOwner = 1;
    private HnswIndex graph;

    public VectorIndex(int dimension, SearchSettings settings, ForkJoinPool pool) {
        this.matrix = new EmbeddingMatrix(dimension);
        this.settings = settings;
        this.pool = pool;
    }

    public int dimension() {
        return matrix.dimension();
    }

    /** Adds a unit vector for {@code owner} (>= 0) and returns its row. */
    public int add(int owner, float[] unitVector) {
        if (owner < 0) {
            throw new IllegalArgumentException("owner must be >= 0");
        }
        int row = matrix.append(unitVector);
        if (row == ownerOfRow.length) {
            ownerOfRow = Arrays.copyOf(ownerOfRow, ownerOfRow.length * 2);
        }
        ownerOfRow[row] = owner;
        if (owner >= rowsOfOwner.length) {
            rowsOfOwner = Arrays.copyOf(rowsOfOwner, Math.max(owner + 1, rowsOfOwner.length * 2));
        }
        maxRowsPerOwner = Math.max(maxRowsPerOwner, ++rowsOfOwner[owner]);
        liveRows++;
        return row;
    }

    public void remove(int row) {
        int owner = ownerOfRow[row];
        if (owner == NO_OWNER) {
            return;
        }
        ownerOfRow[row] = NO_OWNER;
        rowsOfOwner[owner]--;
        liveRows--;
    }

    public float[] vector(int row) {
        return matrix.copyOfRow(row);
    }

    public int liveRows() {
        return liveRows;
    }

    public boolean approximate() {
        return graph != null;
    }

    /** Heap bytes of the vectors, the row owners and the graph. */
    public long bytes() {
        return matrix.bytes() + 4L * ownerOfRow.length + (graph == null ? 0 : graph.ramBytesUsed());
    }

    /**
     * Rewrites the matrix without its dead rows once they are {@link SearchSettings#compactRemovedFraction()}
     * of all rows.
     *
     * @return old row -> new row (-1 for a dead row), or null when nothing was rewritten
     */
    public int[] compactIfWorthIt() {
        int rows = matrix.rows();
        int dead = rows - liveRows;
        if (dead == 0 || dead < settings.compactRemovedFraction() * rows) {
            return null;
        }
        return compact();
    }

    /** Rewrites the matrix without its dead rows; see {@link #compactIfWorthIt()}. */
    public int[] compact() {
        int rows = matrix.rows();
        EmbeddingMatrix live = new EmbeddingMatrix(matrix.dimension());
        int[] owners = new int[Math.max(1024, liveRows)];
        int[] remap = new int[rows];
        for (int row = 0; row < rows; row++) {
            if (ownerOfRow[row] == NO_OWNER) {
                remap[row] = -1;
            } else {
                int newRow = live.append(matrix.copyOfRow(row));
                owners[newRow] = ownerOfRow[row];
                remap[row] = newRow;
            }
        }
        matrix = live;
        ownerOfRow = owners;
        graph = null;
        return remap;
    }

    /** Brings the HNSW graph in line with the index at once: {@link #extendApproximateIndex()}, then a build if due. */
    public void refreshApproximateIndex() {
        extendApproximateIndex();
        buildApproximateIndexIfDue().ifPresent(Runnable::run);
    }

    /**
     * The cheap part of keeping the graph current: adds the rows appended since, or drops the graph when it
     * is no longer wanted (the index shrank below half the threshold).
     */
    public void extendApproximateIndex() {
        if (graph == null) {
            return;
        }
        if (liveRows < settings.approximateAboveRows() / 2) {
            graph = null;
        } else {
            graph.extendTo(matrix.rows());
        }
    }

    /**
     * The expensive part: when the index has {@code approximateAboveRows} live rows and no graph, builds one
     * (on {@link SearchSettings#threads()} threads of its own) without changing the index, and returns the
     * step that installs it. Searches may run during the build; rows must not be added or removed until the
     * step has run.
     */
    public Optional<Runnable> buildApproximateIndexIfDue() {
        if (graph != null || liveRows < settings.approximateAboveRows()) {
            return Optional.empty();
        }
        EmbeddingMatrix rowsToIndex = matrix;
        int rows = rowsToIndex.rows();
        // Not the search pool: a build occupies its threads for minutes, and searches must go on.
        ExecutorService builders = Executors.newFixedThreadPool(settings.threads());
        HnswIndex built;
        try {
            built = HnswIndex.build(
                    rowsToIndex,
                    rows,
                    settings.hnswMaxConnections(),
                    settings.hnswBeamWidth(),
                    settings.threads(),
                    builders);
        } finally {
            builders.shutdownNow();
        }
        return Optional.of(() -> {
            if (matrix == rowsToIndex) {
                graph = built;
                graph.extendTo(matrix.rows());
            }
        });
    }

    /**
     * Writes the whole index: vectors, row owners and the HNSW graph if there is one (with the graph
     * settings it was built with), for {@link #read} in another process.
     */
    public void write(DataOutput out) throws IOException {
        matrix.write(out);
        out.writeInt(maxRowsPerOwner);
        for (int row = 0; row < matrix.rows(); row++) {
            out.writeInt(ownerOfRow[row]);
        }
        out.writeByte((byte) (graph == null ? 0 : 1));
        if (graph != null) {
            out.writeInt(settings.hnswMaxConnections());
            out.writeInt(settings.hnswBeamWidth());
            graph.write(out);
        }
    }

    /**
     * An index written by {@link #write}, searched with {@code settings}; its graph is kept only when it was
     * built with the same HNSW settings (otherwise one is built when due).
     */
    public static VectorIndex read(DataInput in, SearchSettings settings, ForkJoinPool pool) throws IOException {
        VectorIndex index = new VectorIndex(1, settings, pool);
        index.matrix = EmbeddingMatrix.read(in);
        int rows = index.matrix.rows();
        // The most rows an owner ever had, as the writer counted it: searches ask the graph for as many rows.
        index.maxRowsPerOwner = in.readInt();
        index.ownerOfRow = new int[Math.max(1024, rows)];
        in.readInts(index.ownerOfRow, 0, rows);
        for (int row = 0; row < rows; row++) {
            int owner = index.ownerOfRow[row];
            if (owner != NO_OWNER) {
                if (owner >= index.rowsOfOwner.length) {
                    index.rowsOfOwner =
                            Arrays.copyOf(index.rowsOfOwner, Math.max(owner + 1, index.rowsOfOwner.length * 2));
                }
                index.rowsOfOwner[owner]++;
                index.liveRows++;
            }
        }
        if (in.readByte() == 1) {
            int maxConnections = in.readInt();
            int beamWidth = in.readInt();
            HnswIndex graph = HnswIndex.read(in, index.matrix, maxConnections, beamWidth);
            if (maxConnections == settings.hnswMaxConnections() && beamWidth == settings.hnswBeamWidth()) {
                index.graph = graph;
            }
        }
        return index;
    }

    /**
     * Writes the HNSW graph to {@code file} (atomically), tagged with a fingerprint of the rows it covers,
     * so that {@link #readApproximateIndex} can install it in another process instead of building it.
     */
    public void writeApproximateIndex(Path file) throws IOException {
        if (graph == null) {
            throw new IllegalStateException("no HNSW graph to write");
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStreamDataOutput out =
                new OutputStreamDataOutput(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20))) {
            out.writeInt(GRAPH_FILE_VERSION);
            out.writeInt(settings.hnswMaxConnections());
            out.writeInt(settings.hnswBeamWidth());
            out.writeLong(fingerprint(graph.coveredRows()));
            graph.write(out);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Installs a graph written by {@link #writeApproximateIndex} if it was built over the same rows with
     * the same graph settings; returns false, leaving the index as it was, if not.
     */
    public boolean readApproximateIndex(Path file) throws IOException {
        try (InputStreamDataInput in =
                new InputStreamDataInput(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != GRAPH_FILE_VERSION
                    || in.readInt() != settings.hnswMaxConnections()
                    || in.readInt() != settings.hnswBeamWidth()) {
                return false;
            }
            long fingerprint = in.readLong();
            HnswIndex read = HnswIndex.read(in, matrix, settings.hnswMaxConnections(), settings.hnswBeamWidth());
            if (fingerprint != fingerprint(read.coveredRows()) || read.coveredRows() != matrix.rows()) {
                return false;
            }
            graph = read;
            return true;
        }
    }

    /** A hash of the row count and of sampled rows: tells a graph of other vectors apart. */
    private long fingerprint(int rows) {
        long hash = rows;
        int step = Math.max(1, rows / 4096);
        for (int row = 0; row < rows; row += step) {
            float[] vector = matrix.copyOfRow(row);
            for (int i = 0; i < Math.min(16, vector.length); i++) {
                hash = hash * 31 + Float.floatToIntBits(vector[i]);
            }
        }
        return hash;
    }

    /**
     * The {@code k} owners closest to each query, each with its closest row, best first.
     *
     * @param queries unit vectors of this index's dimension
     */
    public List<List<OwnerHit>> search(float[][] queries, int k) {
        return search(queries, k, settings.hnswEfSearch());
    }

    /** As {@link #search(float[][], int)}, with the HNSW search keeping {@code efSearch} candidates. */
    public List<List<OwnerHit>> search(float[][] queries, int k, int efSearch) {
        return search(queries, k, efSearch, graph);
    }

    /** Exact search even where a graph exists: the reference the approximate results are measured against. */
    public List<List<OwnerHit>> searchExact(float[][] queries, int k) {
        return search(queries, k, 0, null);
    }

    private List<List<OwnerHit>> search(float[][] queries, int k, int efSearch, HnswIndex approximate) {
        for (float[] query : queries) {
            if (query.length != matrix.dimension()) {
                throw new IllegalArgumentException(
                        "expected " + matrix.dimension() + " dimensions, got " + query.length);
            }
        }
        // An owner has at most maxRowsPerOwner rows, so the best k * that rows hold the best k owners.
        int wantedRows = (int) Math.min((long) k * maxRowsPerOwner, Math.max(1, matrix.rows()));
        TopRows[] best = newTops(queries.length, wantedRows);
        int scanFrom = 0;
        if (approximate != null) {
            Bits live = liveBits();
            for (int q = 0; q < queries.length; q++) {
                approximate.search(queries[q], wantedRows, efSearch, live, best[q]);
            }
            // Rows added since the graph was last extended are scanned.
            scanFrom = approximate.coveredRows();
        }
        scan(queries, scanFrom, matrix.rows(), best);
        List<List<OwnerHit>> results = new ArrayList<>(queries.length);
        for (TopRows top : best) {
            results.add(bestPerOwner(top, k));
        }
        return results;
    }

    private void scan(float[][] queries, int from, int to, TopRows[] into) {
        int rows = to - from;
        if (rows <= 0 || queries.length == 0) {
            return;
        }
        if (rows < settings.parallelAboveRows() || settings.threads() == 1) {
            scanRange(queries, from, to, into);
            return;
        }
        // One task per block of rows: each thread streams through its own contiguous memory.
        List<Callable<TopRows[]>> tasks = new ArrayList<>();
        int capacity = into[0].capacity();
        int perBlock = matrix.rowsPerBlock();
        for (int start = from; start < to; start = (start / perBlock + 1) * perBlock) {
            int end = Math.min(to, (start / perBlock + 1) * perBlock);
            int taskStart = start;
            tasks.add(() -> {
                TopRows[] local = newTops(queries.length, capacity);
                scanRange(queries, taskStart, end, local);
                return local;
            });
        }
        try {
            for (Future<TopRows[]> done : pool.invokeAll(tasks)) {
                TopRows[] local = done.get();
                for (int q = 0; q < into.length; q++) {
                    into[q].addAll(local[q]);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a gallery scan", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("gallery scan failed", e.getCause());
        }
    }

    /** Each row is read once for all queries, while it is in cache. */
    private void scanRange(float[][] queries, int from, int to, TopRows[] into) {
        int[] owners = ownerOfRow;
        int perBlock = matrix.rowsPerBlock();
        int dimension = matrix.dimension();
        for (int blockStart = from; blockStart < to; blockStart = (blockStart / perBlock + 1) * perBlock) {
            int blockEnd = Math.min(to, (blockStart / perBlock + 1) * perBlock);
            float[] block = matrix.block(blockStart / perBlock);
            int offset = (blockStart % perBlock) * dimension;
            for (int row = blockStart; row < blockEnd; row++, offset += dimension) {
                if (owners[row] == NO_OWNER) {
                    continue;
                }
                for (int q = 0; q < queries.length; q++) {
                    float dot = VectorMath.dot(queries[q], block, offset);
                    if (dot > into[q].threshold()) {
                        into[q].offer(row, dot);
                    }
                }
            }
        }
    }

    private List<OwnerHit> bestPerOwner(TopRows top, int k) {
        float[] dots = new float[top.size()];
        int[] rows = top.drainBestFirst(dots);
        List<OwnerHit> hits = new ArrayList<>(Math.min(k, rows.length));
        for (int i = 0; i < rows.length && hits.size() < k; i++) {
            int owner = ownerOfRow[rows[i]];
            if (hits.stream().noneMatch(hit -> hit.owner() == owner)) {
                hits.add(new OwnerHit(owner, rows[i], dots[i]));
            }
        }
        return hits;
    }

    private Bits liveBits() {
        int[] owners = ownerOfRow;
        int rows = matrix.rows();
        return new Bits() {
            @Override
            public boolean get(int row) {
                return owners[row] != NO_OWNER;
            }

            @Override
            public int length() {
                return rows;
            }
        };
    }

    private static TopRows[] newTops(int queries, int capacity) {
        TopRows[] tops = new TopRows[queries];
        for (int q = 0; q < queries; q++) {
            tops[q] = new TopRows(capacity);
        }
        return tops;
    }
}
