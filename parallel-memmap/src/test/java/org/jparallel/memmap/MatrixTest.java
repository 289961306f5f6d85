package org.jparallel.memmap;

import static org.jparallel.memmap.ArrayBehaviourTest.assertOutOfBounds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Row-major matrices: element access, row and row-slice views, sums; heap and mapped alike. */
@ExtendWith(NoLeftovers.class)
class MatrixTest {

    @AfterEach
    void closeSideArrays() throws Exception {
        ArrayKind.closeAll();
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void doubleMatrix(ArrayKind kind) {
        try (DoubleMatrix m = (DoubleMatrix) kind.create(DType.FLOAT64, 3, 4)) {
            assertEquals(3, m.rows());
            assertEquals(4, m.cols());
            assertArrayEquals(new long[] {3, 4}, m.shape());
            assertEquals(12, m.size());
            assertEquals(96, m.byteSize());
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    m.set(r, c, 10 * r + c);
                }
            }
            assertEquals(23.0, m.get(2, 3));
            DoubleArray row = m.row(1);
            assertArrayEquals(new double[] {10, 11, 12, 13}, row.toArray());
            row.set(2, -1);
            assertEquals(-1.0, m.get(1, 2), "a write through a row view shows in the matrix");
            m.set(1, 3, -2);
            assertEquals(-2.0, row.get(3), "a write to the matrix shows in the row view");

            DoubleMatrix lower = m.rowSlice(1, 3);
            assertEquals(2, lower.rows());
            assertEquals(20.0, lower.get(1, 0));
            lower.set(0, 0, 100);
            assertEquals(100.0, m.get(1, 0));
            assertEquals(21.0, lower.row(1).get(1));

            double loop = 0;
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    loop += m.get(r, c);
                }
            }
            assertEquals(loop, m.sum());
            assertEquals(100 + 11 - 1 - 2 + 20 + 21 + 22 + 23, lower.sum());

            assertOutOfBounds("3", () -> m.get(3, 0));
            assertOutOfBounds("4", () -> m.set(0, 4, 1));
            assertOutOfBounds("2", () -> lower.row(2));
            assertOutOfBounds("4", () -> m.rowSlice(2, 4));
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void floatMatrix(ArrayKind kind) {
        try (FloatMatrix m = (FloatMatrix) kind.create(DType.FLOAT32, 2, 3)) {
            assertEquals(24, m.byteSize());
            m.set(1, 2, 1.5f);
            FloatArray row = m.row(1);
            assertEquals(1.5f, row.get(2));
            row.set(0, 2f);
            assertEquals(2f, m.get(1, 0));
            assertEquals(3.5, m.sum());
            assertEquals(3.5, m.rowSlice(1, 2).sum());
            assertEquals(0.0, m.rowSlice(0, 1).sum());
            assertOutOfBounds("3", () -> m.get(0, 3));
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void longMatrix(ArrayKind kind) {
        try (LongMatrix m = (LongMatrix) kind.create(DType.INT64, 3, 4)) {
            assertEquals(DType.INT64, m.dtype());
            assertArrayEquals(new long[] {3, 4}, m.shape());
            assertEquals(96, m.byteSize());
            assertEquals(kind != ArrayKind.HEAP, m.isMapped());
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    m.set(r, c, 10L * r + c);
                }
            }
            m.set(2, 3, Long.MAX_VALUE);
            assertEquals(Long.MAX_VALUE, m.get(2, 3));
            LongArray row = m.row(1);
            assertArrayEquals(new long[] {10, 11, 12, 13}, row.toArray());
            row.set(2, -1);
            assertEquals(-1, m.get(1, 2), "a write through a row view shows in the matrix");
            assertEquals(21, row.addAndGet(3, 8), "a row offers the full LongArray operation set");
            assertEquals(21, m.get(1, 3));
            assertTrue(m.row(0).compareAndSet(0, 0, 5));
            assertEquals(5, m.get(0, 0));

            LongMatrix lower = m.rowSlice(1, 3);
            assertEquals(2, lower.rows());
            assertEquals(20, lower.get(1, 0));
            lower.set(0, 0, 100);
            assertEquals(100, m.get(1, 0));
            assertEquals(100 + 11 - 1 + 21 + 20 + 21 + 22 + Long.MAX_VALUE, lower.sum(), "wraps on overflow, like +");
            m.set(2, 3, 23);
            assertEquals(5 + 1 + 2 + 3 + 100 + 11 - 1 + 21 + 20 + 21 + 22 + 23, m.sum());

            assertOutOfBounds("3", () -> m.get(3, 0));
            assertOutOfBounds("4", () -> m.set(0, 4, 1));
            assertOutOfBounds("2", () -> lower.row(2));
            assertOutOfBounds("4", () -> m.rowSlice(2, 4));
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayKind.class)
    void intMatrix(ArrayKind kind) {
        try (IntMatrix m = (IntMatrix) kind.create(DType.INT32, 2, 3)) {
            assertEquals(DType.INT32, m.dtype());
            assertEquals(24, m.byteSize());
            m.set(0, 0, Integer.MAX_VALUE);
            m.set(0, 1, Integer.MAX_VALUE);
            m.set(1, 2, 7);
            assertEquals(2L * Integer.MAX_VALUE + 7, m.sum(), "sums in long, without int overflow");
            IntArray row = m.row(1);
            assertEquals(7, row.get(2));
            row.set(0, -3);
            assertEquals(-3, m.get(1, 0));
            assertEquals(8, row.addAndGet(2, 1));
            row.setVolatile(1, 4);
            assertEquals(4, m.get(1, 1));
            assertEquals(9, m.rowSlice(1, 2).sum());
            assertEquals(9, m.rowSlice(1, 2).row(0).sum());
            assertEquals(0, m.rowSlice(1, 1).sum());
            assertOutOfBounds("3", () -> m.get(0, 3));
            assertOutOfBounds("2", () -> m.row(2));
        }
    }

    @Test
    void heapMatricesWrapTheirRowsWithoutCopying() {
        double[][] rows = {{1, 2}, {3, 4}};
        DoubleMatrix m = DoubleMatrix.of(rows);
        rows[1][0] = 30;
        assertEquals(30.0, m.get(1, 0));
        m.set(0, 1, 20);
        assertEquals(20.0, rows[0][1]);
        m.row(0).set(0, 10);
        assertEquals(10.0, rows[0][0]);

        float[][] floatRows = {{1f}, {2f}};
        FloatMatrix f = FloatMatrix.of(floatRows);
        floatRows[1][0] = 5f;
        assertEquals(6.0, f.sum());
        assertEquals(0, DoubleMatrix.of(new double[0][]).size());

        long[][] longRows = {{1, 2}, {3, 4}};
        LongMatrix l = LongMatrix.of(longRows);
        longRows[1][1] = 40;
        assertEquals(40, l.get(1, 1));
        l.row(0).set(1, 20);
        assertEquals(20, longRows[0][1]);
        int[][] intRows = {{1}, {2}};
        IntMatrix i = IntMatrix.of(intRows);
        intRows[0][0] = 10;
        assertEquals(12, i.sum());
    }

    @Test
    void raggedRowsAreRefusedNamingTheRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DoubleMatrix.of(new double[][] {{1, 2}, {3, 4}, {5}}));
        assertTrue(e.getMessage().contains("row 2 has 1 elements but row 0 has 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FloatMatrix.of(new float[][] {{1}, {}}));
        IllegalArgumentException longs = assertThrows(IllegalArgumentException.class,
                () -> LongMatrix.of(new long[][] {{1}, {2, 3}}));
        assertTrue(longs.getMessage().contains("row 1 has 2 elements but row 0 has 1"), longs.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IntMatrix.of(new int[][] {{}, {1}}));
    }

    @Test
    void aMappedMatrixIsFlatRowMajorInItsFile() {
        try (DoubleMatrix m = Memmap.doubleMatrix(3, 5)) {
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 5; c++) {
                    m.set(r, c, 100 * r + c);
                }
            }
            Handle h = m.handle().orElseThrow();
            assertArrayEquals(new long[] {3, 5}, h.shape());
            DoubleArray flat = (DoubleArray) Memmap.open(new Handle(h.file(), h.dataOffset(), DType.FLOAT64,
                    new long[] {15}, MmapMode.READ_ONLY));
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 5; c++) {
                    assertEquals(m.get(r, c), flat.get(5L * r + c));
                }
            }
            Handle rowHandle = m.row(2).handle().orElseThrow();
            assertEquals(h.dataOffset() + 2 * 5 * Double.BYTES, rowHandle.dataOffset());
            assertArrayEquals(new long[] {5}, rowHandle.shape());
            Handle sliceHandle = m.rowSlice(1, 3).handle().orElseThrow();
            assertArrayEquals(new long[] {2, 5}, sliceHandle.shape());
            DoubleMatrix reopened = (DoubleMatrix) Memmap.open(sliceHandle);
            assertEquals(204.0, reopened.get(1, 4));
        }
    }
}
