package org.jparallel.bench;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;

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
 * matrix: each task stamps its start, end and worker into a shared array, and each call is split
 * into the tasks' own reading (per worker) and the gaps between one task's end and the next one's
 * start on the same worker. The matrix is VsJoblib's (2 GiB, 64 tasks of 256 rows, 2 workers);
 * medians of 16 calls after 5 untimed ones.
 * <pre>
 * ./dev.sh sample >/dev/null   # builds everything
 * java -cp "bench/target/jparallel-bench.jar:bench/target/lib/*" org.jparallel.bench.RowsumGaps
 * </pre>
 */
public final class RowsumGaps {
    private static final int WARM_UP = 5;
    private static final int CALLS = 21;

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
            List<Double> call = new ArrayList<>();
            List<Double> reading = new ArrayList<>();
            List<Double> gaps = new ArrayList<>();
            List<Double> stream = new ArrayList<>();
            for (int c = 0; c < CALLS; c++) {
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
                twoThreads.submit(() -> IntStream.range(0, tasks).parallel()
                        .forEach(i -> out.set(i, m.rowSlice(i * per, (i + 1) * per).sum()))).get();
                long t2 = System.nanoTime();
                if (c >= WARM_UP) {
                    call.add((t1 - t0) / 1e6);
                    stream.add((t2 - t1) / 1e6);
                    double[] split = readingAndGaps(stamps, tasks);
                    reading.add(split[0]);
                    gaps.add(split[1]);
                }
            }
            twoThreads.shutdown();
            System.out.printf("rowsum-shared, medians of %d calls: PROCESSES %.1f ms = the tasks' reading %.1f ms per worker"
                            + " + gaps between a worker's tasks %.1f ms per worker (+ the rest); parallel stream %.1f ms%n",
                    call.size(), median(call), median(reading), median(gaps), median(stream));
        }
        Parallel.shutdownWorkers();
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
