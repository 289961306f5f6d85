package org.jparallel.memmap;

/**
 * A long-indexed array of {@code long}s, on the heap or memory-mapped.
 *
 * <pre>{@code
 * LongArray heap = LongArray.of(1, 2, 3);          // wraps, no copy
 * try (LongArray counters = Memmap.longs(16)) {
 *     counters.addAndGet(3, 1);    // atomic, also against other processes mapping the file
 *     long total = counters.sum();
 * }
 * }</pre>
 */
public sealed interface LongArray extends SharedArray permits HeapLongArray, MappedLongArray {

    /** Wraps {@code values} without copying: writes to either are seen by both. */
    static LongArray of(long... values) {
        return new HeapLongArray(values, 0, values.length);
    }

    /** Number of elements. */
    long length();

    long get(long index);

    void set(long index, long value);

    /** A view of elements {@code [from, to)}: writes through it are seen here and vice versa. */
    LongArray slice(long from, long to);

    /** Copies {@code length} elements from {@code srcIndex} into {@code dst} at {@code dstOffset}. */
    void copyTo(long srcIndex, long[] dst, int dstOffset, int length);

    /** Copies {@code length} elements of {@code src} from {@code srcOffset} into this array at {@code dstIndex}. */
    void copyFrom(long[] src, int srcOffset, long dstIndex, int length);

    /**
     * A copy of all elements.
     *
     * @throws IllegalStateException if there are more than {@code Integer.MAX_VALUE - 8} elements
     */
    long[] toArray();

    void fill(long value);

    /** Sum of all elements (wrapping on overflow, like Java's {@code +}). */
    long sum();

    /** Reads with volatile semantics: sees the latest write of any thread or process. */
    long getVolatile(long index);

    /** Writes with volatile semantics. */
    void setVolatile(long index, long value);

    /** Atomically adds {@code delta} and returns the new value. */
    long addAndGet(long index, long delta);

    /** Atomically sets {@code update} if the element equals {@code expect}. */
    boolean compareAndSet(long index, long expect, long update);
}
