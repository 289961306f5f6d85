package org.jparallel.memmap;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * What the mapped matrices share: a flat mapped array of {@code rows * cols} elements seen row-major,
 * exactly the layout of a C-order {@code .npy} file.
 */
abstract class MappedMatrix<A extends MappedArray> implements ElementBytes {
    final A flat;
    final long rows;
    final long cols;

    MappedMatrix(A flat, long rows, long cols) {
        this.flat = flat;
        this.rows = rows;
        this.cols = cols;
    }

    public final DType dtype() {
        return flat.dtype();
    }

    public final long rows() {
        return rows;
    }

    public final long cols() {
        return cols;
    }

    public final long size() {
        return flat.length;
    }

    public final long[] shape() {
        return new long[] {rows, cols};
    }

    public final boolean isReadOnly() {
        return flat.isReadOnly();
    }

    public final boolean isMapped() {
        return true;
    }

    public final Optional<Handle> handle() {
        return Optional.of(flat.handle(shape()));
    }

    /** Deletes the file if {@link Memmap} allocated this matrix (the flat array then owns it). */
    public final void close() {
        flat.close();
    }

    @Override
    public final void readBytes(long fromByte, ByteBuffer dst) {
        flat.readBytes(fromByte, dst);
    }

    /** Index into {@link #flat} of element {@code (row, col)}, after the bounds checks. */
    final long flatIndex(long row, long col) {
        return Objects.checkIndex(row, rows) * cols + Objects.checkIndex(col, cols);
    }

    /** Index into {@link #flat} of the first element of row {@code row}, after the bounds check. */
    final long rowStart(long row) {
        return Objects.checkIndex(row, rows) * cols;
    }

    /** Index into {@link #flat} of the first element of the rows {@code [fromRow, toRow)}, after the bounds check. */
    final long rowSliceStart(long fromRow, long toRow) {
        return Objects.checkFromToIndex(fromRow, toRow, rows) * cols;
    }
}
