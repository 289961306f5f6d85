package org.jparallel.memmap;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.IntUnaryOperator;

/** What the heap matrices share: rows {@code [firstRow, firstRow + rowCount)} of an array of row arrays. */
abstract class HeapMatrix extends OnHeap {
    final int firstRow;
    final int rowCount;
    final int cols;

    HeapMatrix(DType dtype, int firstRow, int rowCount, int cols) {
        super(dtype);
        this.firstRow = firstRow;
        this.rowCount = rowCount;
        this.cols = cols;
    }

    /**
     * The common row length, so that a ragged {@code double[][]} is refused up front rather than failing
     * on some later access.
     */
    static int commonRowLength(int rowCount, IntUnaryOperator rowLength) {
        int cols = rowCount == 0 ? 0 : rowLength.applyAsInt(0);
        for (int r = 1; r < rowCount; r++) {
            if (rowLength.applyAsInt(r) != cols) {
                throw new IllegalArgumentException("row " + r + " has " + rowLength.applyAsInt(r)
                        + " elements but row 0 has " + cols + "; all rows of a matrix must have the same length");
            }
        }
        return cols;
    }

    public final long rows() {
        return rowCount;
    }

    public final long cols() {
        return cols;
    }

    public final long size() {
        return (long) rowCount * cols;
    }

    public final long[] shape() {
        return new long[] {rowCount, cols};
    }

    /** Index into the row arrays of row {@code row}, after the bounds check. */
    final int rowIndex(long row) {
        return firstRow + (int) Objects.checkIndex(row, rowCount);
    }

    /** Column {@code col} as an int, after the bounds check. */
    final int colIndex(long col) {
        return (int) Objects.checkIndex(col, cols);
    }

    /** Index into the row arrays of row {@code fromRow} of the view {@code [fromRow, toRow)}, after the bounds check. */
    final int sliceStart(long fromRow, long toRow) {
        return firstRow + (int) Objects.checkFromToIndex(fromRow, toRow, rowCount);
    }

    /** Walks the rows so that no flat copy of the matrix is ever made. */
    @Override
    public final void readBytes(long fromByte, ByteBuffer dst) {
        long rowBytes = (long) cols * dtype().itemSize();
        long position = fromByte;
        while (dst.hasRemaining()) {
            int row = firstRow + (int) (position / rowBytes);
            int col = (int) (position % rowBytes) / dtype().itemSize();
            int count = Math.min(cols - col, dst.remaining() / dtype().itemSize());
            putRow(row, col, count, dst);
            position += (long) count * dtype().itemSize();
        }
    }

    /** Puts {@code count} elements of row array {@code row} from {@code col} into {@code dst}, advancing it. */
    abstract void putRow(int row, int col, int count, ByteBuffer dst);
}
