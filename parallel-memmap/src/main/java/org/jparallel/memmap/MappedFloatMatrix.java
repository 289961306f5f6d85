package org.jparallel.memmap;

/** A {@link FloatMatrix} in a memory-mapped file. */
final class MappedFloatMatrix extends MappedMatrix<MappedFloatArray> implements FloatMatrix {

    MappedFloatMatrix(MappedFloatArray flat, long rows, long cols) {
        super(flat, rows, cols);
    }

    @Override
    public float get(long row, long col) {
        return flat.get(flatIndex(row, col));
    }

    @Override
    public void set(long row, long col, float value) {
        flat.set(flatIndex(row, col), value);
    }

    @Override
    public FloatArray row(long row) {
        long start = rowStart(row);
        return flat.slice(start, start + cols);
    }

    @Override
    public FloatMatrix rowSlice(long fromRow, long toRow) {
        long start = rowSliceStart(fromRow, toRow);
        long rowCount = toRow - fromRow;
        return new MappedFloatMatrix((MappedFloatArray) flat.slice(start, start + rowCount * cols), rowCount, cols);
    }

    @Override
    public double sum() {
        return flat.sum();
    }
}
