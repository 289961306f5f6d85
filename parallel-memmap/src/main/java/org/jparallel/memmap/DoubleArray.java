package org.jparallel.memmap;

/**
 * A long-indexed array of {@code double}s, on the heap or memory-mapped.
 *
 * <pre>{@code
 * DoubleArray heap = DoubleArray.of(1.0, 2.0, 3.0);    // wraps, no copy
 * try (DoubleArray shared = Memmap.doubles(3_000_000_000L)) {
 *     shared.set(2_999_999_999L, 4.0);
 *     DoubleArray tail = shared.slice(2_000_000_000L, 3_000_000_000L);   // a view
 *     double total = tail.sum();                                           // 4.0
 *     shared.addAndGet(0, 1.0);     // atomic, also against other processes mapping the file
 * }
 * }</pre>
 */
public sealed interface DoubleArray extends SharedArray permits HeapDoubleArray, MappedDoubleArray {

    /** Wraps {@code values} without copying: writes to either are seen by both. */
    static DoubleArray of(double... values) {
        return new HeapDoubleArray(values, 0, values.length);
    }

    /** Number of elements. */
    long length();

    double get(long index);

    void set(long index, double value);

    /** A view of elements {@code [from, to)}: writes through it are seen here and vice versa. */
    DoubleArray slice(long from, long to);

    /** Copies {@code length} elements from {@code srcIndex} into {@code dst} at {@code dstOffset}. */
    void copyTo(long srcIndex, double[] dst, int dstOffset, int length);

    /** Copies {@code length} elements of {@code src} from {@code srcOffset} into this array at {@code dstIndex}. */
    void copyFrom(double[] src, int srcOffset, long dstIndex, int length);

    /**
     * A copy of all elements.
     *
     * @throws IllegalStateException if there are more than {@code Integer.MAX_VALUE - 8} elements
     */
    double[] toArray();

    void fill(double value);

    /** Sum of all elements, with several accumulators (so not bit-identical to a left-to-right loop). */
    double sum();

    /** Reads with volatile semantics: sees the latest write of any thread or process. */
    double getVolatile(long index);

    /** Writes with volatile semantics. */
    void setVolatile(long index, double value);

    /** Atomically adds {@code delta} and returns the new value. */
    double addAndGet(long index, double delta);

    /** Atomically sets {@code update} if the element's bit pattern equals that of {@code expect}. */
    boolean compareAndSet(long index, double expect, double update);
}
