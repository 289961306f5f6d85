package org.jparallel.bench;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;

/**
 * Where rowsum-shared's time goes on PROCESSES, beside the parallel stream that reads the same
 * matrix, call after call of a fresh pool over a fresh matrix: each task stamps its start, end and
 * worker into a shared array. The matrix is VsJoblib's (2 GiB, 64 tasks of 256 rows, 2 workers).
 * It prints
 * <ul>
 *   <li>the first calls one by one, with the page faults each worker took in it: a worker maps the
 *       matrix into its own page tables as it first reads each part, where the stream's threads share
 *       the caller's, filled when the matrix was written;
 *   <li>medians of the calls after {@value #WARM_UP}: the call, split into the tasks' reading and the
 *       gaps between a worker's tasks, the parallel stream, and the calling JVM's own CPU time during
 *       the PROCESSES call (its JIT compiler threads apart), read from Linux's schedstat.
 * </ul>
 * <pre>
 * ./dev.sh sample >/dev/null   # builds everything
 * java -cp "bench/target/jparallel-bench.jar:bench/target/lib/*" org.jparallel.bench.RowsumGaps
 * </pre>
 */
public final class RowsumGaps {
    private static final int FIRST_SHOWN = 8;
    private static final int WARM_UP = 20;
    private static final int CALLS = 41;

    private RowsumGaps() {
    }

    public static void main(String[] args) throws InterruptedException, ExecutionException {
        int tasks = RowData.TASKS;
        long per = RowData.ROWS_PER_TASK;
        try (DoubleMatrix m = Memmap.doubleMatrix(RowData.ROWS, RowData.COLS);
             DoubleArray out = Memmap.doubles(tasks);
             DoubleArray stamps = Memmap.doubles(3L * tasks)) {   // start ns, end ns, worker pid per task
            for (int r = 0; r < RowData.ROWS; r++) {
                m.row(r).fill(1.0);
            }
            Parallel p = Parallel.of(2);
            ForkJoinPool twoThreads = new ForkJoinPool(2);
            List<Integer> blocks = IntStream.range(0, tasks).boxed().collect(Collectors.toList());
            Map<String, List<Double>> steady = new TreeMap<>();
            Map<Long, Long> faultsBefore = new TreeMap<>();
            for (int c = 0; c < CALLS; c++) {
                long[] cpuBefore = callerCpu();
                long t0 = System.nanoTime();
                p.map(delayed((Integer i) -> {
                    long start = System.nanoTime();
                    out.set(i, m.rowSlice(i * per, (i + 1) * per).sum());
                    stamps.set(3L * i, start);
                    stamps.set(3L * i + 1, System.nanoTime());
                    stamps.set(3L * i + 2, ProcessHandle.current().pid());
                    return null;
                }), blocks);
                long t1 = System.nanoTime();
                long[] cpuAfter = callerCpu();
                twoThreads.submit(() -> IntStream.range(0, tasks).parallel()
                        .forEach(i -> out.set(i, m.rowSlice(i * per, (i + 1) * per).sum()))).get();
                long t2 = System.nanoTime();
                if (c < FIRST_SHOWN) {
                    System.out.printf("call %d: PROCESSES %.1f ms, page faults per worker %s; parallel stream %.1f ms%n",
                            c + 1, (t1 - t0) / 1e6, faultsSince(stamps, tasks, faultsBefore), (t2 - t1) / 1e6);
                }
                if (c >= WARM_UP) {
                    double[] split = readingAndGaps(stamps, tasks);
                    add(steady, "call", (t1 - t0) / 1e6);
                    add(steady, "stream", (t2 - t1) / 1e6);
                    add(steady, "reading", split[0]);
                    add(steady, "gaps", split[1]);
                    add(steady, "jit", (cpuAfter[0] - cpuBefore[0]) / 1e6);
                    add(steady, "other", (cpuAfter[1] - cpuBefore[1]) / 1e6);
                    add(steady, "wait", (cpuAfter[2] - cpuBefore[2]) / 1e6);
                }
            }
            twoThreads.shutdown();
            System.out.printf("medians of calls %d to %d: PROCESSES %.1f ms = the tasks' reading %.1f ms per worker"
                            + " + gaps between a worker's tasks %.1f ms per worker (+ the rest); parallel stream %.1f ms"
                            + " (PROCESSES / stream %.2f)%n",
                    WARM_UP + 1, CALLS, median(steady.get("call")), median(steady.get("reading")),
                    median(steady.get("gaps")), median(steady.get("stream")),
                    median(steady.get("call")) / median(steady.get("stream")));
            System.out.printf("the calling JVM during a PROCESSES call: %.1f ms on a core in its JIT compiler threads,"
                            + " %.1f ms in its other threads, and its threads waited %.1f ms for a core%n",
                    median(steady.get("jit")), median(steady.get("other")), median(steady.get("wait")));
        }
        Parallel.shutdownWorkers();
    }

    private static void add(Map<String, List<Double>> figures, String name, double value) {
        figures.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    /** Minor page faults each worker (by the pids the tasks stamped) took since the last call of this. */
    private static List<Long> faultsSince(DoubleArray stamps, int tasks, Map<Long, Long> before) {
        List<Long> faults = new ArrayList<>();
        IntStream.range(0, tasks).mapToLong(i -> (long) stamps.get(3L * i + 2)).distinct().sorted().forEach(pid -> {
            long now = minorFaults(pid);
            faults.add(now - before.getOrDefault(pid, 0L));
            before.put(pid, now);
        });
        return faults;
    }

    private static long minorFaults(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);   // field 10, minflt
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This JVM's threads, summed, in nanoseconds (Linux schedstat): {run on a core by the JIT
     * compiler threads, run on a core by the others, waited on a run queue by all}.
     */
    private static long[] callerCpu() {
        long[] sum = new long[3];
        try (var threads = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : threads.toList()) {
                try {
                    String[] f = Files.readString(t.resolve("schedstat")).trim().split(" ");
                    boolean jit = Files.readString(t.resolve("comm")).contains("CompilerThre");
                    sum[jit ? 0 : 1] += Long.parseLong(f[0]);
                    sum[2] += Long.parseLong(f[1]);
                } catch (NoSuchFileException threadEnded) {
                    // it ended between the listing and the reading: its time is gone with it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sum;
    }

    /** Per worker, averaged over the 2: milliseconds inside tasks, and between a task's end and its next one's start. */
    private static double[] readingAndGaps(DoubleArray stamps, int tasks) {
        Map<Double, List<double[]>> byWorker = new TreeMap<>();
        double inside = 0;
        for (int i = 0; i < tasks; i++) {
            double start = stamps.get(3L * i);
            double end = stamps.get(3L * i + 1);
            byWorker.computeIfAbsent(stamps.get(3L * i + 2), w -> new ArrayList<>()).add(new double[] {start, end});
            inside += end - start;
        }
        double between = 0;
        for (List<double[]> runs : byWorker.values()) {
            runs.sort(Comparator.comparingDouble(run -> run[0]));
            for (int k = 1; k < runs.size(); k++) {
                between += runs.get(k)[0] - runs.get(k - 1)[1];
            }
        }
        return new double[] {inside / 2e6, between / 2e6};
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
