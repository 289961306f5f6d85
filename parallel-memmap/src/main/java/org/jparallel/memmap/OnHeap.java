package org.jparallel.memmap;

import java.util.Optional;

/**
 * What the heap arrays and heap matrices share: an element type, no file behind them, and so no
 * handle, no read-only mode and nothing to delete.
 */
abstract class OnHeap implements ElementBytes {
    private final DType dtype;

    OnHeap(DType dtype) {
        this.dtype = dtype;
    }

    public final DType dtype() {
        return dtype;
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
}
