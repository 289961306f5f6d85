package org.jparallel.memmap;

import java.nio.ByteBuffer;

/** A {@link DoubleMatrix} over a window of a {@code double[][]}. */
final class HeapDoubleMatrix extends HeapMatrix implements DoubleMatrix {
    private final double[][] data;

    private HeapDoubleMatrix(double[][] data, int firstRow, int rowCount, int cols) {
        super(DType.FLOAT64, firstRow, rowCount, cols);
        this.data = data;
    }

    static HeapDoubleMatrix wrap(double[][] rows) {
        return new HeapDoubleMatrix(rows, 0, rows.length, commonRowLength(rows.length, r -> rows[r].length));
    }

    @Override
    public double get(long row, long col) {
        return data[rowIndex(row)][colIndex(col)];
    }

    @Override
    public void set(long row, long col, double value) {
        data[rowIndex(row)][colIndex(col)] = value;
    }

    @Override
    public DoubleArray row(long row) {
        return DoubleArray.of(data[rowIndex(row)]);
    }

    @Override
    public DoubleMatrix rowSlice(long fromRow, long toRow) {
        return new HeapDoubleMatrix(data, sliceStart(fromRow, toRow), (int) (toRow - fromRow), cols);
    }

    @Override
    public double sum() {
        double total = 0;
        for (int r = firstRow; r < firstRow + rowCount; r++) {
            total += Sums.sum(data[r], 0, cols);
        }
        return total;
    }

    @Override
    void putRow(int row, int col, int count, ByteBuffer dst) {
        dst.asDoubleBuffer().put(data[row], col, count);
        dst.position(dst.position() + count * Double.BYTES);
    }
}
