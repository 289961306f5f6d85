package org.jparallel.samples;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;

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
 * without a copy in each. The matrix lives in a memory-mapped file, so it travels to the workers as a
 * file name and each worker maps the same pages.
 *
 * <ul>
 *   <li>{@code SharedMatrix [GiB]}: a temporary matrix in /dev/shm ({@link Memmap#doubleMatrix}), deleted
 *       at the end; each worker sums the whole matrix, the worst case for a copy-per-worker design.</li>
 *   <li>{@code SharedMatrix <file.npy> [GiB]}: a persistent matrix on disk, created with
 *       {@link Memmap#createDoubleMatrix} if the file is not there (it may be larger than memory), else
 *       mapped as it is with {@code Memmap.loadDoubleMatrix(file, MmapMode.READ_ONLY)} (a file NumPy saved
 *       works too); each worker sums a fifth of the rows, and the speed is that of reading the file from
 *       the page cache or, for a matrix larger than memory, from the disk. The file is kept.</li>
 * </ul>
 *
 * <p>Each worker then reports its proportional set size (PSS, from /proc/self/smaps_rollup): shared
 * pages are divided among the processes that map them, so if the matrix were copied into each worker,
 * each would show the whole matrix.
 *
 * <pre>
 * java -cp "samples/target/jparallel-samples.jar:samples/target/lib/*" org.jparallel.samples.SharedMatrix [GiB]
 * java -cp "samples/target/jparallel-samples.jar:samples/target/lib/*" org.jparallel.samples.SharedMatrix /var/tmp/big.npy 30
 * </pre>
 */
public final class SharedMatrix {
    private static final int WORKERS = 5;
    private static final long COLS = 1 << 16;

    /** What a worker sends back: its sum and a line about itself. */
    record Report(double sum, String line) {
    }

    public static void main(String[] args) throws IOException {
        boolean onDisk = args.length > 0 && !isNumber(args[0]);
        Path file = onDisk ? Path.of(args[0]).toAbsolutePath() : null;
        String size = onDisk ? (args.length > 1 ? args[1] : null) : (args.length > 0 ? args[0] : null);
        double gib = size != null ? Double.parseDouble(size) : 2.0;
        long wantedRows = Math.max(WORKERS, (long) (gib * (1L << 30) / 8 / COLS));

        DoubleMatrix matrix;
        String origin;
        boolean filledHere = true;
        long start = System.nanoTime();
        if (!onDisk) {
            matrix = Memmap.doubleMatrix(wantedRows, COLS);
            fill(matrix);
            origin = "in " + matrix.handle().orElseThrow().file().getParent();
        } else if (Files.exists(file)) {
            matrix = Memmap.loadDoubleMatrix(file, MmapMode.READ_ONLY);
            filledHere = false;
            origin = "in " + file + " (existing, mapped read-only" + (size != null ? "; the size given is ignored" : "")
                    + ")";
        } else {
            try (DoubleMatrix created = Memmap.createDoubleMatrix(file, wantedRows, COLS)) {
                fill(created);
            }
            matrix = Memmap.loadDoubleMatrix(file, MmapMode.READ_ONLY);
            origin = String.format("in %s (created and filled in %.1f s)", file, (System.nanoTime() - start) / 1e9);
        }
        long rows = matrix.rows();
        long cols = matrix.cols();
        double matrixGiB = rows * cols * 8 / (double) (1L << 30);
        System.out.printf("matrix: %d x %d doubles = %.2f GiB %s%s%n", rows, cols, matrixGiB, origin,
                onDisk ? String.format("; this machine has %.1f GiB of memory", memTotalKiB() / (double) (1 << 20)) : "");

        List<Integer> workers = IntStream.range(0, WORKERS).boxed().collect(Collectors.toList());
        List<Report> reports;
        String fileName = onDisk ? file.toString() : null;   // a String travels to the workers, a Path need not
        double seconds;
        try (Parallel parallel = Parallel.of(WORKERS).batchSize(1)) {
            parallel.map(delayed((Integer w) -> w), workers);   // starts the workers, so that the timing is the reading
            start = System.nanoTime();
            reports = parallel.map(delayed((Integer w) -> {
                // In /dev/shm every worker reads the whole matrix: the worst case for a copy-per-worker design.
                // On disk each reads its fifth: the matrix may be larger than memory, read at disk speed.
                long from = onDisk ? rows * w / WORKERS : 0;
                long to = onDisk ? rows * (w + 1) / WORKERS : rows;
                double sum = matrix.rowSlice(from, to).sum();
                return new Report(sum, String.format("worker %d (pid %d): sum %.0f%s, %s", w,
                        ProcessHandle.current().pid(), sum, onDisk ? " of rows " + from + "-" + (to - 1) : "",
                        memory(fileName)));
            }), workers);
            seconds = (System.nanoTime() - start) / 1e9;
        }
        reports.forEach(report -> System.out.println(report.line()));
        System.out.printf("parent (pid %d): %s%n", ProcessHandle.current().pid(), memory(fileName));
        if (onDisk) {
            double total = reports.stream().mapToDouble(Report::sum).sum();
            System.out.printf("summed %.2f GiB on %d workers in %.1f s: %.2f GB/s%s%n", matrixGiB, WORKERS, seconds,
                    rows * cols * 8 / seconds / 1e9, filledHere ? check(total, rows, cols) : "");
        }
        System.out.printf("A copy per worker would need %,d MiB more; the pages are mapped once and counted once.%n",
                WORKERS * rows * cols * 8 >> 20);
        matrix.close();
        Parallel.shutdownWorkers();
    }

    /** Row {@code r} holds {@code r % 7}: any sum is then known without reading the matrix again. */
    private static void fill(DoubleMatrix matrix) {
        for (long r = 0; r < matrix.rows(); r++) {
            matrix.row(r).fill(r % 7);
        }
    }

    private static String check(double total, long rows, long cols) {
        double expected = 0;
        for (long r = 0; r < rows; r++) {
            expected += r % 7 * (double) cols;
        }
        return total == expected ? "; the total is right" : "; WRONG total, expected " + expected;
    }

    private static boolean isNumber(String arg) {
        try {
            Double.parseDouble(arg);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static long memTotalKiB() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(0);
    }

    /**
     * This process's PSS and the part of it that is the matrix: its shared memory for a matrix in /dev/shm,
     * its mapping of {@code file} for one on disk.
     */
    static String memory(String file) {
        Map<String, Long> rollup = pss(Path.of("/proc/self/smaps_rollup"));
        long matrixKiB = file == null ? rollup.getOrDefault("Pss_Shmem", 0L) : mappedPssKiB(Path.of("/proc/self/smaps"), file);
        return String.format("PSS %,d MiB (of which %s %,d MiB)", rollup.get("Pss") >> 10,
                file == null ? "shared memory" : "the matrix file", matrixKiB >> 10);
    }

    /** The PSS of the mappings of {@code file}, from /proc/PID/smaps, in KiB. */
    static long mappedPssKiB(Path smaps, String file) {
        long total = 0;
        boolean inFile = false;
        try {
            for (String line : Files.readAllLines(smaps)) {
                if (line.matches("[0-9a-f]+-[0-9a-f]+ .*")) {   // the first line of a mapping, ending with its path
                    inFile = line.endsWith(" " + file);
                } else if (inFile && line.startsWith("Pss:")) {
                    total += Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + smaps + " (Linux only): " + e, e);
        }
        return total;
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
