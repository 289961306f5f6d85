package org.jparallel.memmap;

/** A {@link DoubleMatrix} in a memory-mapped file. */
final class MappedDoubleMatrix extends MappedMatrix<MappedDoubleArray> implements DoubleMatrix {

    MappedDoubleMatrix(MappedDoubleArray flat, long rows, long cols) {
        super(flat, rows, cols);
    }

    @Override
    public double get(long row, long col) {
        return flat.get(flatIndex(row, col));
    }

    @Override
    public void set(long row, long col, double value) {
        flat.set(flatIndex(row, col), value);
    }

    @Override
    public DoubleArray row(long row) {
        long start = rowStart(row);
        return flat.slice(start, start + cols);
    }

    @Override
    public DoubleMatrix rowSlice(long fromRow, long toRow) {
        long start = rowSliceStart(fromRow, toRow);
        long rowCount = toRow - fromRow;
        return new MappedDoubleMatrix((MappedDoubleArray) flat.slice(start, start + rowCount * cols), rowCount, cols);
    }

    @Override
    public double sum() {
        return flat.sum();
    }
}
