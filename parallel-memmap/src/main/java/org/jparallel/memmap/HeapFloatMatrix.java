package org.jparallel.memmap;

import java.nio.ByteBuffer;

/** A {@link FloatMatrix} over a window of a {@code float[][]}. */
final class HeapFloatMatrix extends HeapMatrix implements FloatMatrix {
    private final float[][] data;

    private HeapFloatMatrix(float[][] data, int firstRow, int rowCount, int cols) {
        super(DType.FLOAT32, firstRow, rowCount, cols);
        this.data = data;
    }

    static HeapFloatMatrix wrap(float[][] rows) {
        return new HeapFloatMatrix(rows, 0, rows.length, commonRowLength(rows.length, r -> rows[r].length));
    }

    @Override
    public float get(long row, long col) {
        return data[rowIndex(row)][colIndex(col)];
    }

    @Override
    public void set(long row, long col, float value) {
        data[rowIndex(row)][colIndex(col)] = value;
    }

    @Override
    public FloatArray row(long row) {
        return FloatArray.of(data[rowIndex(row)]);
    }

    @Override
    public FloatMatrix rowSlice(long fromRow, long toRow) {
        return new HeapFloatMatrix(data, sliceStart(fromRow, toRow), (int) (toRow - fromRow), cols);
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
        dst.asFloatBuffer().put(data[row], col, count);
        dst.position(dst.position() + count * Float.BYTES);
    }
}
