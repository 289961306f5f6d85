package org.jparallel.memmap;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Raw element bytes of small arrays, for serializers that send arrays inline rather than through a file.
 * The format is the {@code .npy} data section: little-endian elements in row-major order, no header.
 *
 * <pre>{@code
 * ByteArrayOutputStream out = new ByteArrayOutputStream();
 * ArrayBytes.write(DoubleArray.of(1, 2, 3), out);                       // 24 bytes
 * SharedArray copy = ArrayBytes.read(DType.FLOAT64, new long[] {3},
 *         new ByteArrayInputStream(out.toByteArray()));                 // a heap DoubleArray
 * }</pre>
 */
public final class ArrayBytes {
    /** Bytes converted per step: a multiple of every item size. */
    private static final int BUFFER_BYTES = 64 << 10;

    private ArrayBytes() {
    }

    /** Decodes {@code count} little-endian elements from {@code bytes} into a Java array at {@code offset}. */
    @FunctionalInterface
    interface Decoder {
        void decode(ByteBuffer bytes, int offset, int count);
    }

    /**
     * Writes the elements of {@code array} (heap or mapped) to {@code out}, {@code array.byteSize()} bytes.
     *
     * @throws UncheckedIOException if {@code out} fails
     */
    public static void write(SharedArray array, OutputStream out) {
        ElementBytes elements = (ElementBytes) array;
        long total = array.byteSize();
        byte[] buffer = new byte[(int) Math.min(total, BUFFER_BYTES)];
        ByteBuffer view = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        try {
            for (long done = 0; done < total; done += buffer.length) {
                int count = (int) Math.min(buffer.length, total - done);
                elements.readBytes(done, view.clear().limit(count));
                out.write(buffer, 0, count);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads an array written by {@link #write} into fresh heap arrays: 1-D as the matching
     * {@code XxxArray}, 2-D float64, float32, int64 or int32 as a {@link DoubleMatrix}, {@link FloatMatrix},
     * {@link LongMatrix} or {@link IntMatrix}.
     *
     * @throws IllegalArgumentException for other shapes, or more elements (per row) than a Java array holds
     * @throws UncheckedIOException     if {@code in} fails or ends early
     */
    public static SharedArray read(DType dtype, long[] shape, InputStream in) {
        byte[] buffer = new byte[(int) Math.min(Math.multiplyExact(Shapes.elementCount(shape), dtype.itemSize()),
                BUFFER_BYTES)];
        try {
            if (shape.length == 1) {
                int length = heapLength(shape[0]);
                return switch (dtype) {
                    case FLOAT64 -> HeapDoubleArray.read(in, buffer, length);
                    case FLOAT32 -> HeapFloatArray.read(in, buffer, length);
                    case INT64 -> HeapLongArray.read(in, buffer, length);
                    case INT32 -> HeapIntArray.read(in, buffer, length);
                    case INT8 -> HeapByteArray.read(in, buffer, length);
                };
            }
            if (shape.length == 2) {
                int rows = heapLength(shape[0]);
                int cols = heapLength(shape[1]);
                switch (dtype) {
                    case FLOAT64: return HeapDoubleMatrix.read(in, buffer, rows, cols);
                    case FLOAT32: return HeapFloatMatrix.read(in, buffer, rows, cols);
                    case INT64: return HeapLongMatrix.read(in, buffer, rows, cols);
                    case INT32: return HeapIntMatrix.read(in, buffer, rows, cols);
                    default: break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("cannot read a " + shape.length + "-D " + dtype.numpyName() + " array of shape "
                + Shapes.format(shape) + "; supported: 1-D arrays and 2-D float64, float32, int64 or int32 matrices");
    }

    private static int heapLength(long length) {
        if (length > Shapes.MAX_JAVA_ARRAY) {
            throw new IllegalArgumentException(length + " elements do not fit in a heap array (at most "
                    + Shapes.MAX_JAVA_ARRAY + "); share such arrays through a memory-mapped file");
        }
        return (int) length;
    }

    /** Reads {@code count} elements of {@code itemSize} bytes through {@code buffer}, decoding each piece. */
    static void readElements(InputStream in, byte[] buffer, int count, int itemSize, Decoder decoder)
            throws IOException {
        int perStep = buffer.length / itemSize;
        for (int done = 0; done < count; done += perStep) {
            int n = Math.min(perStep, count - done);
            int bytes = n * itemSize;
            if (in.readNBytes(buffer, 0, bytes) != bytes) {
                throw new EOFException("array data ended after fewer than " + (done + n) + " of " + count + " elements");
            }
            decoder.decode(ByteBuffer.wrap(buffer, 0, bytes).order(ByteOrder.LITTLE_ENDIAN), done, n);
        }
    }
}
