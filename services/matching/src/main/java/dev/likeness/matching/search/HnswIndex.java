package dev.likeness.matching.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;

import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.NeighborArray;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * An approximate nearest-neighbour graph (Lucene's HNSW) over the first {@link #coveredRows()} rows of an
 * {@link EmbeddingMatrix}. The graph reads the vectors in place: it stores only the neighbour lists.
 * It is built on several threads, then extended one row at a time as rows are appended. Not thread-safe:
 * the caller keeps additions and searches apart.
 */
final class HnswIndex {

    /** Fixed, so that a graph built on one thread from the same rows is the same on every replica. */
    private static final long SEED = 42;

    private final EmbeddingMatrix matrix;
    private final OnHeapHnswGraph graph;
    private final Extender extender;
    private int coveredRows;

    private HnswIndex(EmbeddingMatrix matrix, OnHeapHnswGraph graph, Extender extender, int coveredRows) {
        this.matrix = matrix;
        this.graph = graph;
        this.extender = extender;
        this.coveredRows = coveredRows;
    }

    /**
     * Builds a graph of rows [0, rows).
     *
     * @param threads  builder threads, on {@code executor}; 1 builds on the calling thread, deterministically
     */
    static HnswIndex build(
            EmbeddingMatrix matrix, int rows, int maxConnections, int beamWidth, int threads, Executor executor) {
        MatrixScorers scorers = new MatrixScorers(matrix);
        try {
            if (threads > 1 && rows > 0) {
                // Lucene's concurrent builder fills a graph of fixed size; a copy that can grow takes new rows.
                OnHeapHnswGraph full = HnswGraphBuilder.create(scorers, maxConnections, beamWidth, SEED, rows)
                        .getGraph();
                new HnswConcurrentMergeBuilder(
                                new TaskExecutor(executor), threads, scorers, maxConnections, beamWidth, full, null)
                        .build(rows);
                OnHeapHnswGraph graph = growableGraph(scorers, maxConnections, beamWidth);
                copyInto(graph, full);
                return new HnswIndex(matrix, graph, new Extender(scorers, maxConnections, beamWidth, graph), rows);
            }
            OnHeapHnswGraph graph = growableGraph(scorers, maxConnections, beamWidth);
            HnswIndex index = new HnswIndex(matrix, graph, new Extender(scorers, maxConnections, beamWidth, graph), 0);
            index.extendTo(rows);
            return index;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OnHeapHnswGraph growableGraph(MatrixScorers scorers, int maxConnections, int beamWidth)
            throws IOException {
        return HnswGraphBuilder.create(scorers, maxConnections, beamWidth, SEED).getGraph();
    }

    /** Copies every level's neighbour lists, top level first: Lucene sizes a node's levels when it first sees it. */
    private static void copyInto(OnHeapHnswGraph copy, OnHeapHnswGraph source) {
        for (int level = source.numLevels() - 1; level >= 0; level--) {
            HnswGraph.NodesIterator nodes = source.getNodesOnLevel(level);
            while (nodes.hasNext()) {
                int node = nodes.nextInt();
                copy.addNode(level, node);
                NeighborArray from = source.getNeighbors(level, node);
                NeighborArray to = copy.getNeighbors(level, node);
                for (int i = 0; i < from.size(); i++) {
                    to.addOutOfOrder(from.nodes()[i], from.getScores(i));
                }
            }
        }
        copy.trySetNewEntryNode(source.entryNode(), source.numLevels() - 1);
    }

    /**
     * Writes the neighbour lists of every level (not the vectors: they stay in the matrix), so that a graph
     * that took minutes to build can be read back by {@link #read} over the same rows.
     */
    void write(DataOutput out) throws IOException {
        out.writeInt(coveredRows);
        out.writeInt(graph.numLevels());
        out.writeInt(graph.entryNode());
        // Top level first, as read() adds them back. Every row below coveredRows is a node (removed rows too),
        // so Lucene can list the nodes of each level.
        for (int level = graph.numLevels() - 1; level >= 0; level--) {
            HnswGraph.NodesIterator nodes = graph.getNodesOnLevel(level);
            out.writeInt(nodes.size());
            while (nodes.hasNext()) {
                int node = nodes.nextInt();
                NeighborArray neighbours = graph.getNeighbors(level, node);
                out.writeInt(node);
                out.writeInt(neighbours.size());
                for (int i = 0; i < neighbours.size(); i++) {
                    out.writeInt(neighbours.nodes()[i]);
                    out.writeInt(Float.floatToIntBits(neighbours.getScores(i)));
                }
            }
        }
    }

    /** A graph written by {@link #write} over the same first rows of {@code matrix}. */
    static HnswIndex read(DataInput in, EmbeddingMatrix matrix, int maxConnections, int beamWidth) throws IOException {
        int coveredRows = in.readInt();
        int levels = in.readInt();
        int entryNode = in.readInt();
        if (coveredRows > matrix.rows() || levels < 1) {
            throw new IOException("the graph covers " + coveredRows + " rows, the matrix has " + matrix.rows());
        }
        MatrixScorers scorers = new MatrixScorers(matrix);
        OnHeapHnswGraph graph = growableGraph(scorers, maxConnections, beamWidth);
        for (int level = levels - 1; level >= 0; level--) {
            int nodes = in.readInt();
            for (int n = 0; n < nodes; n++) {
                int node = in.readInt();
                if (node < 0 || node >= coveredRows) {
                    throw new IOException("node " + node + " outside the " + coveredRows + " rows of the graph");
                }
                graph.addNode(level, node);
                NeighborArray neighbours = graph.getNeighbors(level, node);
                int size = in.readInt();
                for (int i = 0; i < size; i++) {
                    // Out of order: the lists were written as they were, partly unsorted after a concurrent build.
                    neighbours.addOutOfOrder(in.readInt(), Float.intBitsToFloat(in.readInt()));
                }
            }
        }
        if (graph.size() != coveredRows) {
            throw new IOException("the graph lists " + graph.size() + " nodes for " + coveredRows + " rows");
        }
        graph.trySetNewEntryNode(entryNode, levels - 1);
        return new HnswIndex(matrix, graph, new Extender(scorers, maxConnections, beamWidth, graph), coveredRows);
    }

    /** Adds rows [coveredRows, rows) to the graph, removed rows too (searches skip them). */
    void extendTo(int rows) {
        try {
            for (int row = coveredRows; row < rows; row++) {
                extender.addGraphNode(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        coveredRows = Math.max(coveredRows, rows);
    }

    int coveredRows() {
        return coveredRows;
    }

    /**
     * The best live rows for {@code query} the graph finds, with their exact dot products.
     *
     * @param beamWidth how many candidates the search keeps (ef); at least n are
     * @param live      the rows that may be returned
     */
    void search(float[] query, int n, int beamWidth, Bits live, TopRows into) {
        if (graph.size() == 0) {
            return;
        }
        TopKnnCollector collector = new TopKnnCollector(Math.max(n, beamWidth), Integer.MAX_VALUE);
        try {
            HnswGraphSearcher.search(new QueryScorer(matrix, query), collector, graph, live);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TopDocs found = collector.topDocs();
        for (var hit : found.scoreDocs) {
            // The exact dot product, so that approximate and exact results rank and report alike.
            into.offer(hit.doc, matrix.dot(query, hit.doc));
        }
    }

    long ramBytesUsed() {
        return graph.ramBytesUsed();
    }

    /** Lucene wants non-negative scores, higher = closer: (1 + dot) / 2, as its DOT_PRODUCT similarity. */
    private static float toScore(float dot) {
        return Math.max(0f, (1f + dot) / 2f);
    }

    /** Adds single nodes to an existing graph (Lucene's builder, bound to a graph built elsewhere). */
    private static final class Extender extends HnswGraphBuilder {
        Extender(RandomVectorScorerSupplier scorers, int maxConnections, int beamWidth, OnHeapHnswGraph graph)
                throws IOException {
            super(scorers, maxConnections, beamWidth, SEED, graph);
        }
    }

    /** Scores a query against rows of the matrix without copying them. */
    private static final class QueryScorer implements RandomVectorScorer {
        private final EmbeddingMatrix matrix;
        private final float[] query;

        QueryScorer(EmbeddingMatrix matrix, float[] query) {
            this.matrix = matrix;
            this.query = query;
        }

        @Override
        public float score(int row) {
            return toScore(matrix.dot(query, row));
        }

        @Override
        public int maxOrd() {
            return matrix.rows();
        }
    }

    /** What the graph builders need: a scorer from each row's point of view. */
    private record MatrixScorers(EmbeddingMatrix matrix) implements RandomVectorScorerSupplier {
        @Override
        public RandomVectorScorer scorer(int row) {
            return new QueryScorer(matrix, matrix.copyOfRow(row));
        }

        @Override
        public RandomVectorScorerSupplier copy() {
            return this;
        }
    }
}
