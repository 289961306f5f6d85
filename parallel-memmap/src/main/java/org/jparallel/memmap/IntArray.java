package org.jparallel.memmap;

/**
 * A long-indexed array of {@code int}s, on the heap or memory-mapped.
 *
 * <pre>{@code
 * IntArray heap = IntArray.of(1, 2, 3);                 // wraps, no copy
 * try (IntArray labels = Memmap.ints(3_000_000_000L)) {  // more elements than a Java array can hold
 *     labels.set(2_999_999_999L, 7);
 *     labels.addAndGet(0, 1);     // atomic, also against other processes mapping the file
 * }
 * }</pre>
 */
public sealed interface IntArray extends SharedArray permits HeapIntArray, MappedIntArray {

    /** Wraps {@code values} without copying: writes to either are seen by both. */
    static IntArray of(int... values) {
        return new HeapIntArray(values, 0, values.length);
    }

    /** Number of elements. */
    long length();

    int get(long index);

    void set(long index, int value);

    /** A view of elements {@code [from, to)}: writes through it are seen here and vice versa. */
    IntArray slice(long from, long to);

    /** Copies {@code length} elements from {@code srcIndex} into {@code dst} at {@code dstOffset}. */
    void copyTo(long srcIndex, int[] dst, int dstOffset, int length);

    /** Copies {@code length} elements of {@code src} from {@code srcOffset} into this array at {@code dstIndex}. */
    void copyFrom(int[] src, int srcOffset, long dstIndex, int length);

    /**
     * A copy of all elements.
     *
     * @throws IllegalStateException if there are more than {@code Integer.MAX_VALUE - 8} elements
     */
    int[] toArray();

    void fill(int value);

    /** Sum of all elements, accumulated in a {@code long}. */
    long sum();

    /** Reads with volatile semantics: sees the latest write of any thread or process. */
    int getVolatile(long index);

    /** Writes with volatile semantics. */
    void setVolatile(long index, int value);

    /** Atomically adds {@code delta} and returns the new value. */
    int addAndGet(long index, int delta);

    /** Atomically sets {@code update} if the element equals {@code expect}. */
    boolean compareAndSet(long index, int expect, int update);
}
