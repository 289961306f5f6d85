package org.jparallel.memmap;

import java.util.Optional;

/**
 * A typed, long-indexed array held either on the heap or in a memory-mapped {@code .npy} file.
 * Mapped arrays can be shared with other processes through their {@link #handle()}.
 *
 * <pre>{@code
 * try (DoubleArray data = Memmap.doubles(1_000_000)) {   // zero-filled, in /dev/shm
 *     data.fill(1.5);
 *     Handle handle = data.handle().orElseThrow();     // send this to a worker process
 *     SharedArray sameBytes = Memmap.open(handle);     // ... which maps the same memory
 * }                                                    // close() deletes the file
 * }</pre>
 *
 * <p>The set of implementations is closed so that the library can rely on knowing every layout.
 */
public sealed interface SharedArray extends AutoCloseable
        permits DoubleArray, FloatArray, LongArray, IntArray, ByteArray,
                DoubleMatrix, FloatMatrix, LongMatrix, IntMatrix {

    /** Element type. */
    DType dtype();

    /** Dimensions, row-major; a fresh copy. */
    long[] shape();

    /** Number of elements. */
    long size();

    /** Number of data bytes: {@code size() * dtype().itemSize()}. */
    default long byteSize() {
        return size() * dtype().itemSize();
    }

    /** True if writes are refused with {@link ReadOnlyArrayException}. */
    boolean isReadOnly();

    /** True if the elements live in a memory-mapped file. */
    boolean isMapped();

    /**
     * Where the elements live in their file, present iff {@link #isMapped()}. For a view (a slice, a row)
     * the handle describes just the view: its first element's offset and its own shape.
     */
    Optional<Handle> handle();

    /**
     * Deletes the backing file of an array allocated by {@link Memmap} in a temp folder ({@code Memmap.doubles}
     * and the like; not of its views); a no-op for every other array, a file made by {@link Memmap#create}
     * or mapped by {@code Memmap.load...} included. The mapping itself is released by the garbage collector once unreachable, so
     * views still in use stay valid.
     */
    @Override
    void close();
}
