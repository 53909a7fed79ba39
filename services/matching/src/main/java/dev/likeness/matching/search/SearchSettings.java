package dev.likeness.matching.search;

/**
 * How a {@link VectorIndex} searches.
 *
 * @param threads              threads of one exact scan
 * @param parallelAboveRows    scan on one thread below this many rows (forking costs more than it saves)
 * @param approximateAboveRows use the HNSW graph from this many live rows on; below, exact search only
 * @param hnswMaxConnections   HNSW M: neighbours per node (level 0 keeps twice as many)
 * @param hnswBeamWidth        candidates kept while inserting a node (efConstruction)
 * @param hnswEfSearch         candidates kept while searching (ef): recall against latency
 * @param compactRemovedFraction rewrite the matrix (and graph) once this fraction of rows is removed
 */
public record SearchSettings(
        int threads,
        int parallelAboveRows,
        int approximateAboveRows,
        int hnswMaxConnections,
        int hnswBeamWidth,
        int hnswEfSearch,
        double compactRemovedFraction) {

    public SearchSettings {
        if (threads < 1 || hnswMaxConnections < 1 || hnswBeamWidth < 1 || hnswEfSearch < 1) {
            throw new IllegalArgumentException("threads and HNSW parameters must be positive");
        }
        if (compactRemovedFraction <= 0 || compactRemovedFraction > 1) {
            throw new IllegalArgumentException("compactRemovedFraction must be in (0, 1]");
        }
    }

    /** Exact search always, with every core: what the service does below its HNSW threshold. */
    public static SearchSettings exactOnly(int threads) {
        return new SearchSettings(threads, 32_768, Integer.MAX_VALUE, 16, 100, 100, 0.25);
    }

    public SearchSettings withApproximateAboveRows(int rows) {
        return new SearchSettings(
                threads,
                parallelAboveRows,
                rows,
                hnswMaxConnections,
                hnswBeamWidth,
                hnswEfSearch,
                compactRemovedFraction);
    }
}
