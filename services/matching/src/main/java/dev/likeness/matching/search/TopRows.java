package dev.likeness.matching.search;

/**
 * The {@code capacity} highest-scoring rows seen so far: a min-heap on primitive arrays, so a scan over a
 * million rows allocates nothing per row.
 */
final class TopRows {

    private final float[] scores;
    private final int[] rows;
    private int size;

    TopRows(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        scores = new float[capacity];
        rows = new int[capacity];
    }

    /** The score a row must beat to enter; minus infinity while there is room. */
    float threshold() {
        return size < scores.length ? Float.NEGATIVE_INFINITY : scores[0];
    }

    void offer(int row, float score) {
        if (size < scores.length) {
            scores[size] = score;
            rows[size] = row;
            siftUp(size++);
        } else if (score > scores[0]) {
            scores[0] = score;
            rows[0] = row;
            siftDown(0);
        }
    }

    void addAll(TopRows other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.rows[i], other.scores[i]);
        }
    }

    int size() {
        return size;
    }

    int capacity() {
        return scores.length;
    }

    /** Row numbers, best first (ties: lower row first), emptying the heap. */
    int[] drainBestFirst(float[] scoresOut) {
        int n = size;
        int[] order = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            order[i] = rows[0];
            scoresOut[i] = scores[0];
            size--;
            if (size > 0) {
                scores[0] = scores[size];
                rows[0] = rows[size];
                siftDown(0);
            }
        }
        return order;
    }

    /** a ranks below b: lower score, or the same score and a higher row number. */
    private boolean below(int a, int b) {
        return scores[a] < scores[b] || (scores[a] == scores[b] && rows[a] > rows[b]);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!below(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int smallest = left;
            int right = left + 1;
            if (right < size && below(right, left)) {
                smallest = right;
            }
            if (!below(smallest, i)) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    private void swap(int a, int b) {
        float score = scores[a];
        scores[a] = scores[b];
        scores[b] = score;
        int row = rows[a];
        rows[a] = rows[b];
        rows[b] = row;
    }
}
