package org.jparallel.memmap;

/**
 * A long-indexed array of {@code float}s, on the heap or memory-mapped.
 *
 * <pre>{@code
 * FloatArray heap = FloatArray.of(1f, 2f, 3f);   // wraps, no copy
 * try (FloatArray shared = Memmap.floats(100)) {
 *     shared.fill(0.5f);
 *     double total = shared.sum();                // 50.0, accumulated in double precision
 * }
 * }</pre>
 */
public sealed interface FloatArray extends SharedArray permits HeapFloatArray, MappedFloatArray {

    /** Wraps {@code values} without copying: writes to either are seen by both. */
    static FloatArray of(float... values) {
        return new HeapFloatArray(values, 0, values.length);
    }

    /** Number of elements. */
    long length();

    float get(long index);

    void set(long index, float value);

    /** A view of elements {@code [from, to)}: writes through it are seen here and vice versa. */
    FloatArray slice(long from, long to);

    /** Copies {@code length} elements from {@code srcIndex} into {@code dst} at {@code dstOffset}. */
    void copyTo(long srcIndex, float[] dst, int dstOffset, int length);

    /** Copies {@code length} elements of {@code src} from {@code srcOffset} into this array at {@code dstIndex}. */
    void copyFrom(float[] src, int srcOffset, long dstIndex, int length);

    /**
     * A copy of all elements.
     *
     * @throws IllegalStateException if there are more than {@code Integer.MAX_VALUE - 8} elements
     */
    float[] toArray();

    void fill(float value);

    /** Sum of all elements, accumulated in {@code double} precision. */
    double sum();
}
