package org.jparallel.memmap;

import java.util.Objects;

/** What the heap 1-D arrays share: a window {@code [offset, offset + length)} of a Java array. */
abstract class HeapArray extends OnHeap {
    final int offset;
    final int length;

    HeapArray(DType dtype, int offset, int length) {
        super(dtype);
        this.offset = offset;
        this.length = length;
    }

    public final long length() {
        return length;
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
