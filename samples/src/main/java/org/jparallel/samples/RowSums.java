package org.jparallel.samples;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;

import java.util.Random;

/**
 * joblib's row-sum example in Java: worker JVMs sum the rows of a matrix into a shared output
 * array, and the result is checked against a sequential sum.
 *
 * <p>The 64 MiB matrix is larger than {@code maxBytes} (1 MiB), so it is written once to a
 * memory-mapped file and every worker maps it instead of receiving a copy. The output array is
 * allocated with {@link Memmap#doubles}: it is a memory-mapped file already, so the workers' writes
 * land in this JVM's array without being sent back.
 *
 * <pre>
 * java -jar samples/target/jparallel-samples.jar [rows] [cols]
 * </pre>
 */
public final class RowSums {
    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;

        Random random = new Random(42);
        double[][] data = new double[rows][cols];
        for (double[] row : data) {
            for (int c = 0; c < cols; c++) {
                row[c] = random.nextDouble();
            }
        }
        DoubleMatrix matrix = DoubleMatrix.of(data);     // a view of the heap arrays, no copy
        DoubleArray sums = Memmap.doubles(rows);          // shared output, zero-filled

        try (Parallel parallel = Parallel.of(4)) {
            parallel.forEach(0, rows, r -> {                // one task per row; a batch travels as its two ends
                double sum = matrix.row(r).sum();
                sums.set(r, sum);
                System.out.println("[Worker " + ProcessHandle.current().pid() + "] Sum for row " + r + " is " + sum);
            });
        }

        double worst = 0;
        for (int r = 0; r < rows; r++) {
            double expected = 0;
            for (double v : data[r]) {
                expected += v;
            }
            worst = Math.max(worst, Math.abs(expected - sums.get(r)) / Math.abs(expected));
        }
        sums.close();
        if (worst > 1e-9) {
            System.out.println("MISMATCH: the parallel row sums differ from the sequential ones (relative error "
                    + worst + ")");
            System.exit(1);
        }
        System.out.println("OK: " + rows + " row sums from worker JVMs match the sequential sums (relative error "
                + String.format("%.1e", worst) + ")");
        Parallel.shutdownWorkers();
    }
}
