package org.jparallel.memmap;

import java.util.Arrays;

/**
 * Measures {@link DoubleArray#sum()} over a 2 GiB mapped array: five runs, median printed in GB/s.
 * Run with {@code java -cp target/classes:target/test-classes org.jparallel.memmap.SumSpeed}.
 */
public final class SumSpeed {
    private static final int RUNS = 5;

    private SumSpeed() {
    }

    public static void main(String[] args) {
        long length = (2L << 30) / Double.BYTES;
        try (DoubleArray data = Memmap.doubles(length)) {
            data.fill(1.0);
            double[] gigabytesPerSecond = new double[RUNS];
            for (int run = 0; run < RUNS; run++) {
                long start = System.nanoTime();
                double sum = data.sum();
                long nanos = System.nanoTime() - start;
                if (sum != length) {
                    throw new AssertionError("sum " + sum + " != " + length);
                }
                gigabytesPerSecond[run] = data.byteSize() / (double) nanos;
                System.out.printf("run %d: %.2f GB/s%n", run + 1, gigabytesPerSecond[run]);
            }
            Arrays.sort(gigabytesPerSecond);
            System.out.printf("median: %.2f GB/s (%s, %s)%n", gigabytesPerSecond[RUNS / 2],
                    System.getProperty("java.vm.name"), System.getProperty("java.version"));
        }
    }
}
