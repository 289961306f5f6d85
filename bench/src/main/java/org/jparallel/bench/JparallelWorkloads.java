package org.jparallel.bench;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;
import static org.jparallel.bench.RowData.MATRIX_BYTES;
import static org.jparallel.bench.RowData.ROWS;
import static org.jparallel.bench.RowData.ROWS_PER_TASK;
import static org.jparallel.bench.RowData.TASKS;
import static org.jparallel.bench.RowData.check;
import static org.jparallel.bench.RowData.checkSum;
import static org.jparallel.bench.RowData.patternRow;
import static org.jparallel.bench.Timing.repeat;
import static org.jparallel.bench.Timing.scale;
import static org.jparallel.bench.Timing.stats;
import static org.jparallel.bench.VsJoblib.JOBS;

/**
 * The jparallel side of {@link VsJoblib}: each workload on the PROCESSES backend (the default) with
 * {@value VsJoblib#JOBS} workers, its figures medians of repeated runs after warm-up (except cold):
 *
 * <ol>
 *   <li>tiny: {@code map(delayed(Math::sqrt), 0..99_999)}, automatic batching: µs per task;</li>
 *   <li>one per batch: 2,000 identity tasks with {@code batchSize(1)}: µs per task;</li>
 *   <li>cold: the first 2-task call of a fresh process (a fresh JVM started with {@code --cold}), workers'
 *       start included, and that process's whole wall time and its start up to main. One untimed fresh
 *       JVM runs first and waits for the workers' start-up archive, which jparallel makes in the
 *       background when a pool first idles, so the figure is that of every start but the very first one
 *       after a build; warm: a 2-task call on running workers;</li>
 *   <li>rowsum-auto: a 2 GiB heap matrix ({@code DoubleMatrix.of(double[][])}, 16384 x 16384) captured by
 *       64 tasks that each sum 256 rows; over maxBytes (1 MiB), it is dumped to /dev/shm by every call:
 *       seconds per call. The timed calls run back to back on the same workers, as a user's would; if a
 *       call leaves files mapped after deletion (a leak: the report says so and how much), the workers are
 *       restarted, untimed, before the timed calls, between them only if memory runs short, and before each
 *       footprint call;</li>
 *   <li>rowsum-shared: the same matrix allocated once in /dev/shm ({@link RowData.Shared}) and a shared
 *       output ({@code Memmap.doubles(64)}) that the tasks write into: seconds per call and GB/s;</li>
 *   <li>results: 64 tasks each returning 4 MiB of doubles: seconds and MB/s;</li>
 *   <li>footprint of 4 and 5 at its peak, sampled every 10 ms during extra calls (see {@link Footprint}).</li>
 * </ol>
 */
final class JparallelWorkloads {
    static final int RESULT_LEN = 524_288;

    private final Figures jp;
    private final Footprint footprint;
    private final List<String> notes;

    JparallelWorkloads(Figures jp, Footprint footprint, List<String> notes) {
        this.jp = jp;
        this.footprint = footprint;
        this.notes = notes;
    }

    /**
     * In a fresh JVM ({@code VsJoblib --cold}): the first call, with pool start. Prints when main began
     * ({@code mainNs}) and ended on the monotonic clock that {@code System.nanoTime} reads on Linux, which
     * the parent shares. With {@code prime} ({@code --prime}), waits instead for the workers' start-up
     * archive (see {@code StartupArchive}), which the pool trains in the background once idle, so that the
     * timed cold starts do not each pay for, and race with, its training.
     */
    static void coldChild(long mainNs, boolean prime) throws InterruptedException {
        List<Integer> out = twoTasks();
        long ns = System.nanoTime() - mainNs;
        if (!out.equals(List.of(1, 2))) {
            throw new AssertionError("cold call returned " + out);
        }
        long secondStart = System.nanoTime();
        out = twoTasks();   // the same call again: a user's second cell, before the JIT has warmed up
        long secondNs = System.nanoTime() - secondStart;
        if (!out.equals(List.of(1, 2))) {
            throw new AssertionError("second call returned " + out);
        }
        if (prime) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Thread.sleep(200);
            while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("jparallel-cds-training"))) {
                Thread.sleep(100);
            }
        }
        Parallel.shutdownWorkers();
        System.out.printf(Locale.ROOT, "first_call_ms %.3f%nsecond_call_ms %.3f%nmain_ns %d%nend_ns %d%n", ns / 1e6,
                secondNs / 1e6, mainNs, System.nanoTime());
        System.out.flush();
    }

    private static List<Integer> twoTasks() {
        return Parallel.of(JOBS).map(delayed((Integer x) -> x), List.of(1, 2));
    }

    void cold() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        coldJvm(java, "--prime");
        List<Double> first = new ArrayList<>();
        List<Double> whole = new ArrayList<>();
        List<Double> toMain = new ArrayList<>();
        List<Double> exit = new ArrayList<>();
        List<Double> second = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            double[] r = coldJvm(java, "--cold");
            first.add(r[0]);
            whole.add(r[1]);
            toMain.add(r[2]);
            exit.add(r[3]);
            second.add(r[4]);
        }
        jp.put("cold_first_call_ms", stats(first));
        jp.put("cold_second_call_ms", stats(second));
        jp.put("cold_process_ms", stats(whole));
        jp.put("cold_to_main_ms", stats(toMain));
        jp.detail("cold", String.format(Locale.ROOT, "after the first call: shutdownWorkers() and JVM exit %.1f ms "
                + "(median); an untimed JVM ran first so that the workers' start-up archive exists", stats(exit)[0]));
    }

    /** {first call ms, whole process ms, launch to main ms, end of main to exit ms, second call ms}. */
    private static double[] coldJvm(String java, String mode) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                VsJoblib.class.getName(), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        long end = System.nanoTime();
        Map<String, String> v = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                v.put(kv[0], kv[1]);
            }
        }
        if (rc != 0 || !v.containsKey("first_call_ms") || !v.containsKey("main_ns")) {
            throw new IllegalStateException("cold JVM (" + mode + ") exited with " + rc + ", printed: " + out);
        }
        return new double[] {Double.parseDouble(v.get("first_call_ms")), (end - start) / 1e6,
                (Long.parseLong(v.get("main_ns")) - start) / 1e6, (end - Long.parseLong(v.get("end_ns"))) / 1e6,
                Double.parseDouble(v.get("second_call_ms"))};
    }

    /** The arguments of tiny: 0.0 to 99,999.0. */
    static List<Double> tinyArgs() {
        return IntStream.range(0, 100_000).asDoubleStream().boxed().collect(Collectors.toList());
    }

    /** The check of tiny's results, whichever way they were computed. */
    static void checkTiny(List<Double> out, String what) {
        check(out.size() == 100_000 && out.get(99_999) == Math.sqrt(99_999), what + ": wrong results");
    }

    void tiny() {
        List<Double> args = tinyArgs();
        Parallel p = Parallel.of(JOBS);
        List<Double> samples = repeat(11, 10, () -> checkTiny(p.map(delayed(Math::sqrt), args), "tiny"));
        jp.put("tiny_us", stats(scale(samples, 1e6 / 100_000)));
    }

    void onePerBatch() {
        List<Integer> args = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
        Parallel p = Parallel.of(JOBS).batchSize(1);
        List<Double> samples = repeat(11, 10, () -> check(p.map(delayed((Integer x) -> x), args).equals(args),
                "one per batch: wrong results"));
        jp.put("one_per_batch_us", stats(scale(samples, 1e6 / 2000)));
    }

    void warm() {
        List<Integer> two = List.of(0, 1);
        Parallel p = Parallel.of(JOBS);
        List<Double> samples = repeat(301, 100, () -> check(p.map(delayed((Integer x) -> x), two).equals(two),
                "warm: wrong results"));
        jp.put("warm_call_ms", stats(scale(samples, 1e3)));
    }

    void rowsumShared(RowData.Shared shared) {
        List<Integer> blocks = IntStream.range(0, TASKS).boxed().collect(Collectors.toList());
        DoubleMatrix m = shared.matrix();
        DoubleArray out = shared.out();
        Parallel p = Parallel.of(JOBS);
        Runnable call = () -> {
            out.fill(0);
            p.map(delayed((Integer i) -> {
                out.set(i, m.rowSlice((long) i * ROWS_PER_TASK, (long) (i + 1) * ROWS_PER_TASK).sum());
                return null;
            }), blocks);
            RowData.checkSums(out, "rowsum-shared");
        };
        List<Double> samples = repeat(11, 2, call);
        jp.put("rowsum_shared_s", stats(samples));
        jp.put("rowsum_shared_gbps", stats(samples.stream().map(s -> MATRIX_BYTES / s / 1e9).collect(Collectors.toList())));
        footprint.measure("mem_shared_mib", call);
    }

    void rowsumAuto() throws InterruptedException {
        double[][] rows = new double[ROWS][];
        for (int r = 0; r < ROWS; r++) {
            rows[r] = patternRow(r).clone();
        }
        DoubleMatrix heap = DoubleMatrix.of(rows);
        List<Integer> blocks = IntStream.range(0, TASKS).boxed().collect(Collectors.toList());
        Parallel p = Parallel.of(JOBS);   // maxBytes: the default, 1 MiB
        Runnable call = () -> {
            List<Double> sums = p.map(delayed((Integer i) ->
                    heap.rowSlice((long) i * ROWS_PER_TASK, (long) (i + 1) * ROWS_PER_TASK).sum()), blocks);
            for (int i = 0; i < TASKS; i++) {
                checkSum(i, sums.get(i), "rowsum-auto");
            }
        };
        call.run();   // warm-up
        boolean leaks = footprint.leakCheck("rowsum_auto", "1 call");
        if (leaks) {
            restartWorkers();
        }
        // A part of the call: writing the matrix to /dev/shm, as the call does (Memmap.dump), alone.
        List<Double> dumps = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Path f = Path.of("/dev/shm", "vsjoblib-" + ProcessHandle.current().pid() + "-dump.npy");
            try {
                long t0 = System.nanoTime();
                Memmap.dump(heap, f);
                dumps.add((System.nanoTime() - t0) / 1e9);
            } finally {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    notes.add("could not delete " + f + ": " + e);
                }
            }
        }
        jp.detail("rowsum_auto", String.format(Locale.ROOT, "Memmap.dump of the heap matrix to /dev/shm alone: %.3f s "
                + "(median of 3, %.2f GB/s)", stats(dumps)[0], MATRIX_BYTES / stats(dumps)[0] / 1e9));
        // Timed as a user would run them, on the same workers, unless retained dumps would exhaust memory.
        int[] restarts = {0};
        List<Double> samples = repeat(5, 0, call, () -> {
            if (leaks && Footprint.memAvailableBytes() < 3 * MATRIX_BYTES) {
                restartWorkers();
                restarts[0]++;
            }
        });
        jp.put("rowsum_auto_s", stats(samples));
        jp.detail("rowsum_auto", jp.details.get("rowsum_auto") + "; the timed calls in order: " + samples.stream()
                .map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(", ")) + " s");
        if (leaks) {
            footprint.leakCheck("rowsum_auto", "the 5 timed calls since the workers were restarted" + (restarts[0] > 0
                    ? " (workers were restarted " + restarts[0] + " times between timed calls, untimed, to avoid running out of memory)" : ""));
            restartWorkers();
        }
        footprint.measure("mem_auto_mib", call, leaks ? JparallelWorkloads::restartWorkers : null);
        if (leaks) {
            restartWorkers();
        }
    }

    /** Stops the workers (releasing what they retain) and warms fresh ones up, untimed. */
    private static void restartWorkers() {
        Parallel.shutdownWorkers();
        double[][] small = new double[ROWS_PER_TASK][];
        for (int r = 0; r < small.length; r++) {
            small[r] = patternRow(r);
        }
        DoubleMatrix m = DoubleMatrix.of(small);   // 32 MiB: dumped like the big one
        for (int k = 0; k < 3; k++) {
            List<Double> sums = Parallel.of(JOBS).map(delayed((Integer i) -> m.rowSlice(i, i + 1).sum()),
                    IntStream.range(0, TASKS).boxed().collect(Collectors.toList()));
            check(sums.size() == TASKS, "warm-up");
        }
    }

    void results() {
        List<Integer> blocks = IntStream.range(0, TASKS).boxed().collect(Collectors.toList());
        Parallel p = Parallel.of(JOBS);
        List<Double> samples = repeat(7, 2, () -> {
            List<double[]> out = p.map(delayed((Integer i) -> {
                double[] a = new double[RESULT_LEN];
                Arrays.fill(a, i);
                return a;
            }), blocks);
            for (int i = 0; i < TASKS; i++) {
                double[] a = out.get(i);
                check(a.length == RESULT_LEN && a[0] == i && a[RESULT_LEN - 1] == i, "results: wrong array " + i);
            }
        });
        jp.put("results_s", stats(samples));
        try {
            if (footprint.leakCheck("results", "9 calls")) {
                Parallel.shutdownWorkers();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jp.put("results_mbps", stats(samples.stream().map(s -> (double) TASKS * RESULT_LEN * 8 / s / 1e6)
                .collect(Collectors.toList())));
    }
}
