package org.jparallel.memmap;

/**
 * A row-major 2-D array of {@code double}s, on the heap (one Java array per row) or memory-mapped (one flat
 * run of elements in the file).
 *
 * <pre>{@code
 * DoubleMatrix small = DoubleMatrix.of(new double[][] {{1, 2}, {3, 4}});   // wraps the rows, no copy
 * try (DoubleMatrix big = Memmap.doubleMatrix(100_000, 10_000)) {          // 8 GB, shared
 *     big.set(99_999, 9_999, 1.0);
 *     DoubleArray lastRow = big.row(99_999);        // a view: lastRow.set(...) writes into big
 *     double total = big.rowSlice(50_000, 100_000).sum();
 * }
 * }</pre>
 */
public sealed interface DoubleMatrix extends SharedArray permits HeapDoubleMatrix, MappedDoubleMatrix {

    /**
     * Wraps the row arrays without copying: writes to either are seen by both.
     *
     * @throws IllegalArgumentException if the rows differ in length (the message names the row)
     */
    static DoubleMatrix of(double[][] rows) {
        return HeapDoubleMatrix.wrap(rows);
    }

    long rows();

    long cols();

    double get(long row, long col);

    void set(long row, long col, double value);

    /** A view of one row: writes through it are seen in this matrix and vice versa. */
    DoubleArray row(long row);

    /** A view of rows {@code [fromRow, toRow)}. */
    DoubleMatrix rowSlice(long fromRow, long toRow);

    /** Sum of all elements, with several accumulators (so not bit-identical to a left-to-right loop). */
    double sum();
}
