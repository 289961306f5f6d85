package org.jparallel.memmap;

/**
 * A row-major 2-D array of {@code float}s, on the heap (one Java array per row) or memory-mapped (one flat
 * run of elements in the file).
 *
 * <pre>{@code
 * FloatMatrix small = FloatMatrix.of(new float[][] {{1, 2}, {3, 4}});   // wraps the rows, no copy
 * try (FloatMatrix big = Memmap.floatMatrix(100_000, 10_000)) {            // 4 GB, shared
 *     big.set(99_999, 9_999, 1.0f);
 *     FloatArray lastRow = big.row(99_999);         // a view: lastRow.set(...) writes into big
 *     double total = big.rowSlice(50_000, 100_000).sum();
 * }
 * }</pre>
 */
public sealed interface FloatMatrix extends SharedArray permits HeapFloatMatrix, MappedFloatMatrix {

    /**
     * Wraps the row arrays without copying: writes to either are seen by both.
     *
     * @throws IllegalArgumentException if the rows differ in length (the message names the row)
     */
    static FloatMatrix of(float[][] rows) {
        return HeapFloatMatrix.wrap(rows);
    }

    long rows();

    long cols();

    float get(long row, long col);

    void set(long row, long col, float value);

    /** A view of one row: writes through it are seen in this matrix and vice versa. */
    FloatArray row(long row);

    /** A view of rows {@code [fromRow, toRow)}. */
    FloatMatrix rowSlice(long fromRow, long toRow);

    /** Sum of all elements, accumulated in {@code double} precision. */
    double sum();
}
