package org.jparallel.runtime;

import org.jparallel.Backend;
import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.jparallel.Parallel.delayed;

/**
 * Run by {@link LargerThanMemoryTest} inside a memory cgroup much smaller than the matrix: creates a
 * matrix on disk with {@link Memmap#createDoubleMatrix}, fills row {@code r} with {@code r % 7 + 1}, and
 * row-sums it on 2 worker JVMs, which map the file read-only. Prints one line per phase, the memory
 * cgroups of the caller and of the workers, then
 * {@code "OK <rows> row sums, total <sum of all>"} or the first wrong sum.
 *
 * <p>Arguments: file, rows, columns.
 */
public final class LargerThanMemoryParent {
    /** Rows per task: 64 tasks or so, enough to keep both workers busy to the end. */
    private static final int TASKS = 64;

    private LargerThanMemoryParent() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        long rows = Long.parseLong(args[1]);
        long cols = Long.parseLong(args[2]);

        long start = System.nanoTime();
        try (DoubleMatrix m = Memmap.createDoubleMatrix(file, rows, cols)) {
            for (long r = 0; r < rows; r++) {
                m.row(r).fill(r % 7 + 1);
            }
        }
        System.out.printf("filled %d x %d doubles in %.1f s%n", rows, cols, seconds(start));

        start = System.nanoTime();
        DoubleMatrix matrix = Memmap.loadDoubleMatrix(file, MmapMode.READ_ONLY);
        long step = Math.max(1, rows / TASKS);
        List<Long> firstRows = LongStream.iterate(0, r -> r < rows, r -> r + step).boxed().collect(Collectors.toList());
        List<Block> blocks;
        try (Parallel parallel = Parallel.of(2).backend(Backend.PROCESSES).batchSize(1)) {
            blocks = parallel.map(delayed((Long from) -> {
                long to = Math.min(rows, from + step);
                double[] out = new double[(int) (to - from)];
                for (long r = from; r < to; r++) {
                    out[(int) (r - from)] = matrix.row(r).sum();
                }
                return new Block(ProcessHandle.current().pid(), memoryCgroup(), out);
            }), firstRows);
        }
        System.out.printf("summed %d rows on 2 workers in %.1f s%n", rows, seconds(start));
        System.out.println("caller in memory cgroup " + memoryCgroup() + "; workers "
                + blocks.stream().map(Block::pid).distinct().sorted().collect(Collectors.toList()) + " in "
                + blocks.stream().map(Block::cgroup).distinct().collect(Collectors.toList()));
        List<double[]> sums = blocks.stream().map(Block::sums).collect(Collectors.toList());

        long checked = 0;
        double total = 0;
        for (int t = 0; t < sums.size(); t++) {
            double[] block = sums.get(t);
            for (int i = 0; i < block.length; i++) {
                long r = firstRows.get(t) + i;
                double expected = (r % 7 + 1) * (double) cols;
                if (block[i] != expected) {
                    System.out.println("WRONG sum of row " + r + ": " + block[i] + ", expected " + expected);
                    Parallel.shutdownWorkers();
                    System.exit(1);
                }
                total += block[i];
                checked++;
            }
        }
        Parallel.shutdownWorkers();
        System.out.println("OK " + checked + " row sums, total " + total);
    }

    /** What a task sends back: who summed, in which cgroup, and the sums of its rows. */
    record Block(long pid, String cgroup, double[] sums) {
    }

    /** This process's memory cgroup, from /proc/self/cgroup (v1's memory line, else v2's). */
    static String memoryCgroup() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
            return lines.stream().filter(line -> line.matches("\\d+:[^:]*\\bmemory\\b[^:]*:.*")).findFirst()
                    .or(() -> lines.stream().filter(line -> line.startsWith("0::")).findFirst())
                    .map(line -> line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1)).orElse("?");
        } catch (IOException e) {
            return "? (" + e + ")";
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
