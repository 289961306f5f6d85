package org.jparallel.memmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Raw element bytes for serializers: little-endian, row-major, read back into heap arrays. */
@ExtendWith(NoLeftovers.class)
class ArrayBytesTest {

    @AfterEach
    void closeSideArrays() throws Exception {
        ArrayKind.closeAll();
    }

    private static byte[] bytesOf(SharedArray array) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArrayBytes.write(array, out);
        return out.toByteArray();
    }

    private static SharedArray roundTrip(SharedArray array) {
        return ArrayBytes.read(array.dtype(), array.shape(), new ByteArrayInputStream(bytesOf(array)));
    }

    @Test
    void elementsAreWrittenLittleEndianInRowMajorOrder() {
        ByteBuffer expected = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(1).putDouble(2).putDouble(3).putDouble(4);
        assertArrayEquals(expected.array(), bytesOf(DoubleMatrix.of(new double[][] {{1, 2}, {3, 4}})));
        assertArrayEquals(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x01020304).array(),
                bytesOf(IntArray.of(0x01020304)));
        assertArrayEquals(new byte[0], bytesOf(LongArray.of()));
    }

    @ParameterizedTest
    @EnumSource(value = ArrayKind.class, names = {"HEAP", "ALLOCATED"})
    void everyTypeRoundTripsIntoHeapArrays(ArrayKind kind) {
        int n = 20_000;   // more than one pass through the buffer for every type
        try (DoubleArray doubles = (DoubleArray) kind.create(DType.FLOAT64, n);
             FloatArray floats = (FloatArray) kind.create(DType.FLOAT32, n);
             LongArray longs = (LongArray) kind.create(DType.INT64, n);
             IntArray ints = (IntArray) kind.create(DType.INT32, n);
             ByteArray bytes = (ByteArray) kind.create(DType.INT8, n);
             DoubleMatrix doubleMatrix = (DoubleMatrix) kind.create(DType.FLOAT64, 5000, 3);
             FloatMatrix floatMatrix = (FloatMatrix) kind.create(DType.FLOAT32, 3, 5000)) {
            for (int i = 0; i < n; i++) {
                doubles.set(i, i * 0.5);
                floats.set(i, i * 0.25f);
                longs.set(i, (long) i << 40);
                ints.set(i, -i);
                bytes.set(i, (byte) i);
            }
            for (int i = 0; i < 15_000; i++) {
                doubleMatrix.set(i / 3, i % 3, i);
                floatMatrix.set(i / 5000, i % 5000, i);
            }
            assertArrayEquals(doubles.toArray(), ((DoubleArray) roundTrip(doubles)).toArray());
            assertArrayEquals(floats.toArray(), ((FloatArray) roundTrip(floats)).toArray());
            assertArrayEquals(longs.toArray(), ((LongArray) roundTrip(longs)).toArray());
            assertArrayEquals(ints.toArray(), ((IntArray) roundTrip(ints)).toArray());
            assertArrayEquals(bytes.toArray(), ((ByteArray) roundTrip(bytes)).toArray());
            DoubleMatrix doubleCopy = (DoubleMatrix) roundTrip(doubleMatrix);
            assertArrayEquals(new long[] {5000, 3}, doubleCopy.shape());
            assertEquals(14_999.0, doubleCopy.get(4999, 2));
            assertEquals(doubleMatrix.sum(), doubleCopy.sum());
            FloatMatrix floatCopy = (FloatMatrix) roundTrip(floatMatrix.rowSlice(1, 3));
            assertArrayEquals(new long[] {2, 5000}, floatCopy.shape());
            assertEquals(5000f, floatCopy.get(0, 0));
            assertFalse(roundTrip(doubles).isMapped());
        }
    }

    @Test
    void readCopiesIntoFreshArraysAndRefusesBadInput() {
        SharedArray copy = roundTrip(DoubleArray.of(1, 2));
        assertInstanceOf(DoubleArray.class, copy);

        byte[] tooShort = Arrays.copyOf(bytesOf(LongArray.of(1, 2, 3)), 20);
        UncheckedIOException ended = assertThrows(UncheckedIOException.class,
                () -> ArrayBytes.read(DType.INT64, new long[] {3}, new ByteArrayInputStream(tooShort)));
        assertInstanceOf(EOFException.class, ended.getCause());
        IllegalArgumentException byteMatrix = assertThrows(IllegalArgumentException.class,
                () -> ArrayBytes.read(DType.INT8, new long[] {2, 2}, new ByteArrayInputStream(new byte[4])));
        assertTrue(byteMatrix.getMessage().contains("2-D int8"), byteMatrix.getMessage());
        IntMatrix ints = (IntMatrix) roundTrip(IntMatrix.of(new int[][] {{1, -2}, {Integer.MAX_VALUE, 4}}));
        assertEquals(Integer.MAX_VALUE, ints.get(1, 0));
        assertEquals(-2, ints.get(0, 1));
        LongMatrix longs = (LongMatrix) roundTrip(LongMatrix.of(new long[][] {{Long.MIN_VALUE}, {5}}));
        assertArrayEquals(new long[] {2, 1}, longs.shape());
        assertEquals(Long.MIN_VALUE, longs.get(0, 0));
        assertEquals(5, longs.row(1).get(0));
        assertThrows(IllegalArgumentException.class,
                () -> ArrayBytes.read(DType.INT8, new long[] {1L << 32}, new ByteArrayInputStream(new byte[0])));
    }
}
