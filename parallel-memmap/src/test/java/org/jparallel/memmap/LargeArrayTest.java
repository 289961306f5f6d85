package org.jparallel.memmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Arrays beyond 2 GiB, 4 GiB and 2^31 elements, in /dev/shm. Allocated files are sparse, so the tests
 * only pay memory for the pages they touch, except where they fill an array on purpose.
 */
@ExtendWith(NoLeftovers.class)
class LargeArrayTest {
    private static final long GIB = 1L << 30;

    /** Index of the first element at or after absolute file offset {@code fileOffset}. */
    private static long indexAtFileOffset(SharedArray array, long fileOffset, int itemSize) {
        return (fileOffset - array.handle().orElseThrow().dataOffset() + itemSize - 1) / itemSize;
    }

    private static Path fileOf(SharedArray array) {
        return array.handle().orElseThrow().file();
    }

    @Test
    void doubleArrayOfMoreThan4GiB() {
        long length = 600_000_000L;   // 4.8 GB
        Path file;
        try (DoubleArray a = Memmap.doubles(length)) {
            file = fileOf(a);
            assertTrue(file.startsWith("/dev/shm"), file.toString());
            long beyond4GiB = indexAtFileOffset(a, 4 * GIB, Double.BYTES) + 3;
            a.set(beyond4GiB, 1.25);
            a.set(length - 1, 2.5);
            assertEquals(1.25, a.get(beyond4GiB));
            assertEquals(2.5, a.get(length - 1));
            assertEquals(3.25, a.addAndGet(beyond4GiB, 2));
            assertEquals(3.25, ((DoubleArray) Memmap.open(a.slice(beyond4GiB, length).handle().orElseThrow())).get(0));

            for (long chunk = 1; chunk <= 4; chunk++) {
                long boundary = indexAtFileOffset(a, chunk * GIB, Double.BYTES);
                double[] values = new double[10_001];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (i % 11) * 0.5 - 2;
                }
                a.copyFrom(values, 0, boundary - 5000, values.length);
                double[] back = new double[values.length];
                a.copyTo(boundary - 5000, back, 0, back.length);
                assertArrayEquals(values, back);
                DoubleArray acrossBoundary = a.slice(boundary - 5003, boundary + 5007);
                assertEquals(loopSum(acrossBoundary), acrossBoundary.sum());
            }
        }
        assertFalse(Files.exists(file), "deleted on close");
    }

    private static double loopSum(DoubleArray array) {
        double sum = 0;
        for (long i = 0; i < array.length(); i++) {
            sum += array.get(i);
        }
        return sum;
    }

    @Test
    void denseDoubleArrayAcrossAChunkBoundarySumsLikeASimpleLoop() {
        try (DoubleArray a = Memmap.doubles(GIB / Double.BYTES + 100_000)) {
            double[] block = new double[1 << 16];
            for (long start = 0; start < a.length(); start += block.length) {
                int count = (int) Math.min(block.length, a.length() - start);
                for (int i = 0; i < count; i++) {
                    block[i] = ((start + i) % 1000) * 0.25;   // exact, so summation order does not matter
                }
                a.copyFrom(block, 0, start, count);
            }
            assertEquals(loopSum(a), a.sum());
            DoubleArray tail = a.slice(a.length() - 300_000, a.length());
            assertEquals(loopSum(tail), tail.sum());
        }
    }

    @Test
    void doubleMatrixOfMoreThan4GiB() {
        long rows = 70_000;
        long cols = 8_192;   // 64 KiB rows, 4.6 GB in all
        Path file;
        try (DoubleMatrix m = Memmap.doubleMatrix(rows, cols)) {
            file = fileOf(m);
            long dataOffset = m.handle().orElseThrow().dataOffset();
            long rowAcrossFirstBoundary = (GIB - dataOffset) / (cols * Double.BYTES);
            DoubleArray row = m.row(rowAcrossFirstBoundary);
            for (long c = 0; c < cols; c++) {
                row.set(c, c % 7);
                m.set(rowAcrossFirstBoundary + 1, c, 1);
            }
            assertEquals(loopSum(row), row.sum());
            assertEquals(loopSum(row) + cols, m.rowSlice(rowAcrossFirstBoundary, rowAcrossFirstBoundary + 2).sum());

            long rowBeyond4GiB = (4 * GIB - dataOffset) / (cols * Double.BYTES) + 1;
            m.set(rowBeyond4GiB, 5, 9.5);
            m.set(rows - 1, cols - 1, -3);
            assertEquals(9.5, m.row(rowBeyond4GiB).get(5));
            assertEquals(-3.0, m.get(rows - 1, cols - 1));
            DoubleMatrix reopened = (DoubleMatrix) Memmap.open(m.rowSlice(rowBeyond4GiB, rows).handle().orElseThrow());
            assertEquals(9.5, reopened.get(0, 5));
            assertEquals(-3.0, reopened.get(rows - 1 - rowBeyond4GiB, cols - 1));
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void intArrayOfMoreThan2Pow31Elements() {
        long length = (1L << 31) + 1000;   // 8 GiB
        try (IntArray a = Memmap.ints(length)) {
            assertEquals(length, a.length());
            a.set(Integer.MAX_VALUE + 10L, 7);
            a.set(length - 1, -7);
            assertEquals(7, a.get(Integer.MAX_VALUE + 10L));
            assertEquals(-7, a.get(length - 1));
            assertEquals(8, a.addAndGet(Integer.MAX_VALUE + 10L, 1));
            assertTrue(a.compareAndSet(length - 1, -7, 1));

            long boundary = indexAtFileOffset(a, 8 * GIB, Integer.BYTES);   // element 2^31 sits near here
            IntArray acrossBoundary = a.slice(boundary - 1000, boundary + 900);
            acrossBoundary.fill(3);
            assertEquals(3 * 1900, acrossBoundary.sum());
            assertEquals(3, a.get(1L << 31));
            IllegalStateException tooLong = assertThrows(IllegalStateException.class, a::toArray);
            assertTrue(tooLong.getMessage().contains(Long.toString(length)), tooLong.getMessage());
        }
    }

    @Test
    void byteArrayOfMoreThan2Pow31ElementsFilledAndSummed() {
        long length = (1L << 31) + 4096;
        try (ByteArray a = Memmap.bytes(length)) {
            a.fill((byte) 1);
            a.set(length - 1, (byte) -1);
            assertEquals(length - 2, a.sum());
            assertEquals(-1, a.get(length - 1));
            ByteArray tail = a.slice((1L << 31) - 10, length);
            assertEquals(tail.length() - 2, tail.sum());
        }
    }
}
