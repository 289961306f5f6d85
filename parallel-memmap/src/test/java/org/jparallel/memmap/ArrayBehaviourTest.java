package org.jparallel.memmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every kind of 1-D array (heap, allocated, loaded, opened) behaves the same. */
@ExtendWith(NoLeftovers.class)
class ArrayBehaviourTest {

    @AfterEach
    void closeSideArrays() throws Exception {
        ArrayKind.closeAll();
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void doubleArray(ArrayKind kind) {
        try (DoubleArray a = (DoubleArray) kind.create(DType.FLOAT64, 10)) {
            assertEquals(10, a.length());
            assertEquals(10, a.size());
            assertArrayEquals(new long[] {10}, a.shape());
            assertEquals(80, a.byteSize());
            assertEquals(DType.FLOAT64, a.dtype());
            assertFalse(a.isReadOnly());
            assertEquals(kind != ArrayKind.HEAP, a.isMapped());
            assertEquals(kind != ArrayKind.HEAP, Memmap.isShared(a));
            assertEquals(0.0, a.get(9));

            a.set(3, 1.5);
            assertEquals(1.5, a.get(3));
            DoubleArray view = a.slice(2, 6);
            assertEquals(4, view.length());
            assertEquals(1.5, view.get(1));
            view.set(0, -2.0);
            assertEquals(-2.0, a.get(2), "a write through the view shows in the parent");
            a.set(5, 7.0);
            assertEquals(7.0, view.get(3), "a write to the parent shows in the view");
            view.slice(1, 3).set(1, 8.0);
            assertEquals(8.0, a.get(4), "views of views are views");

            a.copyFrom(new double[] {9, 10, 11, 12}, 1, 6, 3);
            double[] copied = new double[6];
            a.copyTo(4, copied, 1, 5);
            assertArrayEquals(new double[] {0, 8, 7, 10, 11, 12}, copied);
            view.fill(0.25);
            assertArrayEquals(new double[] {0, 0, 0.25, 0.25, 0.25, 0.25, 10, 11, 12, 0}, a.toArray());
            assertEquals(34.0, a.sum());
            assertEquals(1.0, view.sum());

            assertEquals(10.5, a.addAndGet(6, 0.5));
            assertTrue(a.compareAndSet(6, 10.5, 3.0));
            assertFalse(a.compareAndSet(6, 10.5, 4.0));
            a.setVolatile(0, Double.NaN);
            assertTrue(a.compareAndSet(0, Double.NaN, 1.0), "CAS compares bit patterns, so NaN matches NaN");
            assertFalse(a.compareAndSet(1, -0.0, 1.0), "CAS compares bit patterns, so -0.0 is not 0.0");
            assertEquals(1.0, a.getVolatile(0));
            assertEquals(3.0, a.get(6));
            assertEquals(0, view.slice(4, 4).length(), "an empty view at the end is fine");

            assertOutOfBounds("10", () -> a.get(10));
            assertOutOfBounds("-1", () -> a.set(-1, 0));
            assertOutOfBounds("4", () -> view.get(4));
            assertOutOfBounds("11", () -> a.slice(5, 11));
            assertOutOfBounds("8", () -> a.copyTo(8, new double[3], 0, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> a.copyTo(0, new double[3], 1, 3));
            assertOutOfBounds("10", () -> a.addAndGet(10, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void floatArray(ArrayKind kind) {
        try (FloatArray a = (FloatArray) kind.create(DType.FLOAT32, 10)) {
            assertEquals(40, a.byteSize());
            a.set(3, 1.5f);
            FloatArray view = a.slice(2, 6);
            view.set(0, -2f);
            assertEquals(-2f, a.get(2));
            assertEquals(1.5f, view.get(1));
            a.copyFrom(new float[] {9, 10, 11}, 0, 7, 3);
            float[] copied = new float[3];
            a.copyTo(7, copied, 0, 3);
            assertArrayEquals(new float[] {9, 10, 11}, copied);
            view.fill(0.25f);
            assertArrayEquals(new float[] {0, 0, 0.25f, 0.25f, 0.25f, 0.25f, 0, 9, 10, 11}, a.toArray());
            assertEquals(31.0, a.sum());
            assertOutOfBounds("10", () -> a.get(10));

            assertEquals(9.5f, a.addAndGet(7, 0.5f));
            assertTrue(a.compareAndSet(7, 9.5f, 3f));
            assertFalse(a.compareAndSet(7, 9.5f, 4f));
            assertEquals(3f, a.get(7));
            a.setVolatile(0, Float.NaN);
            assertTrue(a.compareAndSet(0, Float.NaN, 1f), "CAS compares bit patterns, so NaN matches NaN");
            assertFalse(a.compareAndSet(1, -0f, 1f), "CAS compares bit patterns, so -0.0 is not 0.0");
            assertEquals(1f, a.getVolatile(0));
            assertEquals(2.25f, view.addAndGet(3, 2f), "atomics work through views too");
            assertEquals(2.25f, a.getVolatile(5));
            assertOutOfBounds("10", () -> a.addAndGet(10, 1f));
            assertOutOfBounds("-1", () -> a.compareAndSet(-1, 0f, 1f));
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void longArray(ArrayKind kind) {
        try (LongArray a = (LongArray) kind.create(DType.INT64, 10)) {
            assertEquals(80, a.byteSize());
            a.set(3, Long.MAX_VALUE);
            LongArray view = a.slice(2, 6);
            view.set(0, -2);
            assertEquals(-2, a.get(2));
            assertEquals(Long.MAX_VALUE, view.get(1));
            a.copyFrom(new long[] {9, 10, 11}, 0, 7, 3);
            long[] copied = new long[3];
            a.copyTo(7, copied, 0, 3);
            assertArrayEquals(new long[] {9, 10, 11}, copied);
            view.fill(5);
            assertArrayEquals(new long[] {0, 0, 5, 5, 5, 5, 0, 9, 10, 11}, a.toArray());
            assertEquals(50, a.sum());
            assertEquals(15, a.addAndGet(8, 5));
            assertTrue(a.compareAndSet(8, 15, 1));
            assertFalse(a.compareAndSet(8, 15, 2));
            a.setVolatile(9, -1);
            assertEquals(-1, a.getVolatile(9));
            assertOutOfBounds("10", () -> a.getVolatile(10));
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void intArray(ArrayKind kind) {
        try (IntArray a = (IntArray) kind.create(DType.INT32, 10)) {
            assertEquals(40, a.byteSize());
            a.set(3, Integer.MAX_VALUE);
            IntArray view = a.slice(2, 6);
            view.set(0, -2);
            assertEquals(-2, a.get(2));
            assertEquals(Integer.MAX_VALUE, view.get(1));
            a.copyFrom(new int[] {9, 10, 11}, 0, 7, 3);
            int[] copied = new int[3];
            a.copyTo(7, copied, 0, 3);
            assertArrayEquals(new int[] {9, 10, 11}, copied);
            a.set(3, Integer.MAX_VALUE);
            a.set(4, Integer.MAX_VALUE);
            assertEquals(2L * Integer.MAX_VALUE - 2 + 30, a.sum(), "sums in long, without int overflow");
            view.fill(5);
            assertArrayEquals(new int[] {0, 0, 5, 5, 5, 5, 0, 9, 10, 11}, a.toArray());
            assertEquals(15, a.addAndGet(8, 5));
            assertTrue(a.compareAndSet(8, 15, 1));
            assertFalse(a.compareAndSet(8, 15, 2));
            a.setVolatile(9, -1);
            assertEquals(-1, a.getVolatile(9));
            assertOutOfBounds("-1", () -> a.setVolatile(-1, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void byteArray(ArrayKind kind) {
        try (ByteArray a = (ByteArray) kind.create(DType.INT8, 10)) {
            assertEquals(10, a.byteSize());
            a.set(3, (byte) -128);
            ByteArray view = a.slice(2, 6);
            view.set(0, (byte) 127);
            assertEquals(127, a.get(2));
            assertEquals(-128, view.get(1));
            assertEquals(-1, a.sum(), "bytes are signed");
            a.copyFrom(new byte[] {9, 10, 11}, 0, 7, 3);
            byte[] copied = new byte[3];
            a.copyTo(7, copied, 0, 3);
            assertArrayEquals(new byte[] {9, 10, 11}, copied);
            view.fill((byte) 5);
            assertArrayEquals(new byte[] {0, 0, 5, 5, 5, 5, 0, 9, 10, 11}, a.toArray());
            assertEquals(50, a.sum());
            assertOutOfBounds("10", () -> a.slice(0, 11));

            a.setVolatile(9, (byte) -7);
            assertEquals(-7, a.getVolatile(9));
            assertEquals(-7, a.get(9));
            view.setVolatile(3, (byte) 100);
            assertEquals(100, a.getVolatile(5), "volatile access works through views too");
            assertEquals(0, a.getVolatile(0));
            assertOutOfBounds("10", () -> a.getVolatile(10));
            assertOutOfBounds("-1", () -> a.setVolatile(-1, (byte) 0));
        }
    }

    /** Every element type refuses every kind of write on a read-only mapping, volatile and atomic ones too. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void aReadOnlyMappingRefusesEveryWrite(DType dtype) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("memmap-test-", ".npy");
        try {
            try (SharedArray zeros = ArrayKind.ALLOCATED.create(dtype, 4)) {
                Memmap.dump(zeros, file);
            }
            SharedArray a = Memmap.load(file, MmapMode.READ_ONLY);
            List<Runnable> writes;
            if (a instanceof DoubleArray d) {
                writes = List.of(() -> d.set(0, 1), () -> d.setVolatile(0, 1), () -> d.addAndGet(0, 1),
                        () -> d.compareAndSet(0, 0, 1), () -> d.fill(1), () -> d.copyFrom(new double[1], 0, 0, 1));
            } else if (a instanceof FloatArray f) {
                writes = List.of(() -> f.set(0, 1), () -> f.setVolatile(0, 1), () -> f.addAndGet(0, 1),
                        () -> f.compareAndSet(0, 0, 1), () -> f.fill(1), () -> f.copyFrom(new float[1], 0, 0, 1));
            } else if (a instanceof LongArray l) {
                writes = List.of(() -> l.set(0, 1), () -> l.setVolatile(0, 1), () -> l.addAndGet(0, 1),
                        () -> l.compareAndSet(0, 0, 1), () -> l.fill(1), () -> l.copyFrom(new long[1], 0, 0, 1));
            } else if (a instanceof IntArray i) {
                writes = List.of(() -> i.set(0, 1), () -> i.setVolatile(0, 1), () -> i.addAndGet(0, 1),
                        () -> i.compareAndSet(0, 0, 1), () -> i.fill(1), () -> i.copyFrom(new int[1], 0, 0, 1));
            } else {
                ByteArray bytes = (ByteArray) a;
                writes = List.of(() -> bytes.set(0, (byte) 1), () -> bytes.setVolatile(0, (byte) 1),
                        () -> bytes.fill((byte) 1), () -> bytes.copyFrom(new byte[1], 0, 0, 1));
            }
            for (Runnable write : writes) {
                ReadOnlyArrayException e = assertThrows(ReadOnlyArrayException.class, write::run);
                assertTrue(e.getMessage().contains("READ_WRITE"), e.getMessage());
            }
            assertEquals(4, a.size());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void sumMatchesASimpleLoopForEveryLengthAndOffset(ArrayKind kind) {
        try (DoubleArray doubles = (DoubleArray) kind.create(DType.FLOAT64, 1000);
             LongArray longs = (LongArray) kind.create(DType.INT64, 1000);
             ByteArray bytes = (ByteArray) kind.create(DType.INT8, 1000)) {
            for (int i = 0; i < 1000; i++) {
                doubles.set(i, (i % 17) * 0.125 - 1);   // exact in binary, so any summation order gives the same result
                longs.set(i, (long) i * i * i * 1_000_000L);
                bytes.set(i, (byte) (i * 31));
            }
            for (int from = 0; from < 9; from++) {
                for (int to = from; to <= 1000; to += 37) {
                    double doubleLoop = 0;
                    long longLoop = 0;
                    long byteLoop = 0;
                    for (int i = from; i < to; i++) {
                        doubleLoop += doubles.get(i);
                        longLoop += longs.get(i);
                        byteLoop += bytes.get(i);
                    }
                    assertEquals(doubleLoop, doubles.slice(from, to).sum());
                    assertEquals(longLoop, longs.slice(from, to).sum());
                    assertEquals(byteLoop, bytes.slice(from, to).sum());
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void emptyArraysWork(ArrayKind kind) {
        try (DoubleArray empty = (DoubleArray) kind.create(DType.FLOAT64, 0)) {
            assertEquals(0, empty.length());
            assertEquals(0.0, empty.sum());
            assertArrayEquals(new double[0], empty.toArray());
            empty.fill(1);
            assertOutOfBounds("0", () -> empty.get(0));
        }
    }

    static void assertOutOfBounds(String index, Runnable access) {
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, access::run);
        assertTrue(e.getMessage().contains(index), () -> "message should name " + index + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("length"), () -> "message should name the length: " + e.getMessage());
    }
}
