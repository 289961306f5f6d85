package org.jparallel.samples;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;

/**
 * The question this library exists for: one large read-only matrix shared by 5 worker JVMs
 * without a copy in each. The matrix lives in a memory-mapped file (here allocated with
 * {@link Memmap#doubleMatrix}; an existing .npy file would be opened with
 * {@code Memmap.loadDoubleMatrix(path, MmapMode.READ_ONLY)}), so it travels to the workers as a
 * file name and each worker maps the same pages.
 *
 * <p>Each worker sums the whole matrix, then reports its proportional set size (PSS, from
 * /proc/self/smaps_rollup): shared pages are divided among the processes that map them, so if the
 * matrix were copied into each worker, each would show the whole matrix.
 *
 * <pre>
 * java -cp "samples/target/jparallel-samples.jar:samples/target/lib/*" org.jparallel.samples.SharedMatrix [GiB]
 * </pre>
 */
public final class SharedMatrix {
    private static final int WORKERS = 5;

    public static void main(String[] args) throws IOException {
        double gib = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        long cols = 1 << 16;
        long rows = Math.max(WORKERS, (long) (gib * (1L << 30) / 8 / cols));
        DoubleMatrix matrix = Memmap.doubleMatrix(rows, cols);
        for (long r = 0; r < rows; r++) {
            matrix.row(r).fill(r % 7);
        }
        System.out.printf("matrix: %d x %d doubles = %.2f GiB in %s%n", rows, cols, rows * cols * 8 / (double) (1L << 30),
                matrix.handle().orElseThrow().file().getParent());

        List<Integer> workers = IntStream.range(0, WORKERS).boxed().collect(Collectors.toList());
        List<String> reports;
        try (Parallel parallel = Parallel.of(WORKERS).batchSize(1)) {
            reports = parallel.map(delayed((Integer w) -> {
                // Every worker reads the whole matrix: the worst case for a copy-per-worker design.
                double sum = 0;
                for (long r = 0; r < rows; r++) {
                    sum += matrix.row(r).sum();
                }
                Map<String, Long> pss = pss(Path.of("/proc/self/smaps_rollup"));
                return String.format("worker %d (pid %d): sum %.0f, PSS %,d MiB (of which shared memory %,d MiB)",
                        w, ProcessHandle.current().pid(), sum, pss.get("Pss") >> 10, pss.getOrDefault("Pss_Shmem", 0L) >> 10);
            }), workers);
        }
        reports.forEach(System.out::println);
        Map<String, Long> parent = pss(Path.of("/proc/self/smaps_rollup"));
        System.out.printf("parent (pid %d): PSS %,d MiB (of which shared memory %,d MiB)%n",
                ProcessHandle.current().pid(), parent.get("Pss") >> 10, parent.getOrDefault("Pss_Shmem", 0L) >> 10);
        System.out.printf("A copy per worker would need %,d MiB more; the pages are mapped once and counted once.%n",
                WORKERS * rows * cols * 8 >> 20);
        matrix.close();
        Parallel.shutdownWorkers();
    }

    /** The kB fields of /proc/PID/smaps_rollup, in KiB. */
    static Map<String, Long> pss(Path smapsRollup) {
        Map<String, Long> fields = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(smapsRollup)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 3 && parts[2].equals("kB")) {
                    fields.put(parts[0].replace(":", ""), Long.parseLong(parts[1]));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + smapsRollup + " (Linux only): " + e, e);
        }
        return fields;
    }
}
