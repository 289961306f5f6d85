package org.jparallel.memmap;

/**
 * A long-indexed array of signed {@code byte}s, on the heap or memory-mapped. NumPy {@code uint8} files
 * load as this type; read such values with {@code Byte.toUnsignedInt(a.get(i))}.
 *
 * <pre>{@code
 * ByteArray heap = ByteArray.of((byte) 1, (byte) 2);   // wraps, no copy
 * try (ByteArray mask = Memmap.bytes(5_000_000_000L)) {
 *     mask.set(4_999_999_999L, (byte) 1);
 *     long ones = mask.sum();                          // 1
 * }
 * }</pre>
 */
public sealed interface ByteArray extends SharedArray permits HeapByteArray, MappedByteArray {

    /** Wraps {@code values} without copying: writes to either are seen by both. */
    static ByteArray of(byte... values) {
        return new HeapByteArray(values, 0, values.length);
    }

    /** Number of elements. */
    long length();

    byte get(long index);

    void set(long index, byte value);

    /** A view of elements {@code [from, to)}: writes through it are seen here and vice versa. */
    ByteArray slice(long from, long to);

    /** Copies {@code length} elements from {@code srcIndex} into {@code dst} at {@code dstOffset}. */
    void copyTo(long srcIndex, byte[] dst, int dstOffset, int length);

    /** Copies {@code length} elements of {@code src} from {@code srcOffset} into this array at {@code dstIndex}. */
    void copyFrom(byte[] src, int srcOffset, long dstIndex, int length);

    /**
     * A copy of all elements.
     *
     * @throws IllegalStateException if there are more than {@code Integer.MAX_VALUE - 8} elements
     */
    byte[] toArray();

    void fill(byte value);

    /** Sum of all elements (signed), accumulated in a {@code long}. */
    long sum();
}
