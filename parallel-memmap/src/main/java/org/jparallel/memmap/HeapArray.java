package org.jparallel.memmap;

import java.util.Objects;
import java.util.Optional;

/** What the heap 1-D arrays share: a window {@code [offset, offset + length)} of a Java array. */
abstract class HeapArray implements ElementBytes {
    private final DType dtype;
    final int offset;
    final int length;

    HeapArray(DType dtype, int offset, int length) {
        this.dtype = dtype;
        this.offset = offset;
        this.length = length;
    }

    public final DType dtype() {
        return dtype;
    }

    public final long length() {
        return length;
    }

    public final long size() {
        return length;
    }

    public final long[] shape() {
        return new long[] {length};
    }

    public final boolean isReadOnly() {
        return false;
    }

    public final boolean isMapped() {
        return false;
    }

    public final Optional<Handle> handle() {
        return Optional.empty();
    }

    /** Heap arrays own no file. */
    public final void close() {
    }

    /** Backing-array index of element {@code index}, after the bounds check. */
    final int indexOf(long index) {
        return offset + (int) Objects.checkIndex(index, length);
    }

    /** Backing-array index of the first of {@code count} elements from {@code index}, after the bounds check. */
    final int rangeStart(long index, long count) {
        return offset + (int) Objects.checkFromIndexSize(index, count, length);
    }

    /** Backing-array index of element {@code from} of the view {@code [from, to)}, after the bounds check. */
    final int sliceStart(long from, long to) {
        return offset + (int) Objects.checkFromToIndex(from, to, length);
    }
}
