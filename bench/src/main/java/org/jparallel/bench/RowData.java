package org.jparallel.bench;

import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;

/**
 * The matrix of the row-sum workloads (16384 x 16384 doubles, 2 GiB, summed by 64 tasks of 256 rows
 * each), its values and their expected block sums, and the shared (memory-mapped) copy that
 * rowsum-shared sums in three ways.
 */
final class RowData {
    static final int ROWS = 16384;
    static final int COLS = 16384;
    static final int TASKS = 64;
    static final int ROWS_PER_TASK = ROWS / TASKS;
    static final long MATRIX_BYTES = (long) ROWS * COLS * 8;

    private static final double[][] PATTERNS = new double[13][];

    private RowData() {
    }

    /** Row r: r % 13 + 0.25 * (c % 4). Every block sum is exact in doubles, in any order of summation. */
    static double[] patternRow(int r) {
        synchronized (PATTERNS) {
            if (PATTERNS[r % 13] == null) {
                double[] row = new double[COLS];
                for (int c = 0; c < COLS; c++) {
                    row[c] = r % 13 + 0.25 * (c % 4);
                }
                PATTERNS[r % 13] = row;
            }
            return PATTERNS[r % 13];
        }
    }

    static void checkSum(int block, double sum, String what) {
        double expected = 0;
        for (int r = block * ROWS_PER_TASK; r < (block + 1) * ROWS_PER_TASK; r++) {
            expected += (double) COLS * (r % 13) + 0.375 * COLS;
        }
        check(sum == expected, what + ": block " + block + " sums to " + sum + ", expected " + expected);
    }

    /** Checks every block sum in {@code out}, as the tasks of rowsum-shared wrote them. */
    static void checkSums(DoubleArray out, String what) {
        for (int i = 0; i < TASKS; i++) {
            checkSum(i, out.get(i), what);
        }
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    /**
     * The input and output of rowsum-shared: the matrix in /dev/shm ({@code Memmap.doubleMatrix}) and
     * an output of one double per task ({@code Memmap.doubles(64)}). Made and filled on the first
     * {@link #matrix()} or {@link #out()}, so that its ways of summing share one matrix (filling 2 GiB
     * takes seconds) and a workload left out with {@code --only} costs nothing; deleted on close.
     */
    static final class Shared implements AutoCloseable {
        private DoubleMatrix m;
        private DoubleArray out;

        DoubleMatrix matrix() {
            make();
            return m;
        }

        DoubleArray out() {
            make();
            return out;
        }

        private void make() {
            if (m != null) {
                return;
            }
            DoubleMatrix matrix = Memmap.doubleMatrix(ROWS, COLS);
            try {
                for (int r = 0; r < ROWS; r++) {
                    matrix.row(r).copyFrom(patternRow(r), 0, 0, COLS);
                }
                out = Memmap.doubles(TASKS);
            } catch (RuntimeException | Error e) {
                matrix.close();
                throw e;
            }
            m = matrix;
        }

        @Override
        public void close() {
            try (DoubleMatrix a = m; DoubleArray b = out) {
                m = null;
                out = null;
            }
        }
    }
}
