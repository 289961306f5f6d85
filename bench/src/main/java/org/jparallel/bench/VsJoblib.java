package org.jparallel.bench;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;

/**
 * jparallel and Python's joblib (loky backend) side by side, on the same workloads, in one run, with
 * 2 workers each. The jparallel workloads run first; then this JVM's workers are stopped and
 * {@code bench/src/main/python/joblib_bench.py} runs the joblib ones with Debian's
 * {@code /usr/bin/python3} (packages python3-joblib and python3-numpy) as a child process, so the two
 * never overlap. Both print medians of repeated runs, measured after warm-up except for the cold start;
 * the table gives both and how many times better jparallel is.
 *
 * <ol>
 *   <li>tiny: {@code map(delayed(Math::sqrt), 0..99_999)}, automatic batching: µs per task;</li>
 *   <li>one per batch: 2,000 identity tasks with {@code batchSize(1)}: µs per task;</li>
 *   <li>cold: the first 2-task call of a fresh process (a fresh JVM started with {@code --cold}, a fresh
 *       python), workers' start included, and that process's whole wall time and its start up to main
 *       (or the script's first line); joblib's import is reported apart. One untimed fresh JVM runs
 *       first and waits for the workers' start-up archive, which jparallel makes in the background
 *       when a pool first idles, so the figure is that of every start but the very first one after a
 *       build; warm: a 2-task call on running workers;</li>
 *   <li>rowsum-auto: a 2 GiB heap matrix ({@code DoubleMatrix.of(double[][])}, 16384 x 16384; a numpy
 *       array) captured by 64 tasks that each sum 256 rows; over maxBytes (1 MiB), it is dumped to
 *       /dev/shm by every call: seconds per call. The timed calls run back to back on the same workers,
 *       as a user's would; if a call leaves files mapped after deletion (a leak: the report says so and
 *       how much), the workers are restarted, untimed, before the timed calls, between them only if memory
 *       runs short, and before each footprint call;</li>
 *   <li>rowsum-shared: the same matrix allocated once in /dev/shm ({@code Memmap.doubleMatrix}; a
 *       numpy memmap) and a shared output ({@code Memmap.doubles(64)}; {@code open_memmap(mode='w+')})
 *       that the tasks write into: seconds per call and GB/s;</li>
 *   <li>results: 64 tasks each returning 4 MiB of doubles: seconds and MB/s;</li>
 *   <li>footprint of 4 and 5 at its peak, sampled every 10 ms during extra calls: for the parent and
 *       each descendant process, Pss - Pss_Shmem from /proc/PID/smaps_rollup (its own memory plus its share
 *       of libraries and other mapped files, but none of the /dev/shm pages), plus the allocated size of
 *       the job's files in /dev/shm ({@code du}, each inode once), plus the Pss of deleted /dev/shm files
 *       that processes still map, so each shared page counts once.</li>
 * </ol>
 *
 * <p>The load average and the share of the cores used by other processes are printed too: the machine
 * is shared, and figures taken while others ran are not worth much.
 *
 * <p>To reproduce (a few minutes; the parent needs about 3 GiB of heap and the run about 16 GiB of
 * memory; the default heap, a quarter of RAM, is enough on a machine with 16 GiB or more, else add
 * {@code -Xmx4g}):
 * <pre>
 * ./dev.sh sample >/dev/null && java -cp "bench/target/jparallel-bench.jar:bench/target/lib/*" org.jparallel.bench.VsJoblib
 * </pre>
 * The system property {@code jparallel.bench.python} chooses the interpreter (default
 * {@code /usr/bin/python3}) and {@code jparallel.bench.script} the script (default: found from this
 * jar's location).
 */
public final class VsJoblib {
    private static final int JOBS = 2;
    private static final int ROWS = 16384;
    private static final int COLS = 16384;
    private static final int TASKS = 64;
    private static final int ROWS_PER_TASK = ROWS / TASKS;
    private static final long MATRIX_BYTES = (long) ROWS * COLS * 8;
    private static final int RESULT_LEN = 524_288;
    private static final String APT = "apt-get install -y python3-joblib python3-numpy";

    /** Figures by key: {median, min, max, n}. */
    private final Map<String, double[]> jp = new LinkedHashMap<>();
    private final Map<String, double[]> jl = new LinkedHashMap<>();
    private final Map<String, String> jpDetail = new HashMap<>();
    private final Map<String, String> jlDetail = new HashMap<>();
    private final Map<String, String> jpFail = new LinkedHashMap<>();
    private final Map<String, String> jlFail = new LinkedHashMap<>();
    private final Map<String, String> jlInfo = new LinkedHashMap<>();
    private String joblibMissing;
    private final List<String> notes = new ArrayList<>();
    private final List<String> loads = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--cold")) {
            coldChild(false);
            return;
        }
        if (args.length > 0 && args[0].equals("--prime")) {
            coldChild(true);
            return;
        }
        new VsJoblib().run();
    }

    /**
     * In a fresh JVM: the first call, with pool start. Prints when main began and ended on the monotonic
     * clock that {@code System.nanoTime} reads on Linux, which the parent shares. With {@code prime}, waits
     * instead for the workers' start-up archive (see {@code StartupArchive}), which the pool trains in the
     * background once idle, so that the timed cold starts do not each pay for, and race with, its training.
     */
    private static void coldChild(boolean prime) throws InterruptedException {
        long mainNs = System.nanoTime();
        List<Integer> out = Parallel.of(JOBS).map(delayed((Integer x) -> x), List.of(1, 2));
        long ns = System.nanoTime() - mainNs;
        if (!out.equals(List.of(1, 2))) {
            throw new AssertionError("cold call returned " + out);
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
        System.out.printf(Locale.ROOT, "first_call_ms %.3f%nmain_ns %d%nend_ns %d%n", ns / 1e6, mainNs, System.nanoTime());
        System.out.flush();
    }

    private void run() throws Exception {
        String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (maxHeap < MATRIX_BYTES + (1L << 30)) {
            System.err.printf("warning: max heap %d MiB is too small for the 2 GiB heap matrix; run with -Xmx4g or more%n",
                    maxHeap >> 20);
        }
        load("at start");
        workload("cold", this::cold);
        workload("tiny", this::tiny);
        workload("one_per_batch", this::onePerBatch);
        workload("warm", this::warm);
        // Shared before auto: the heap matrix of auto would otherwise still be committed in this JVM.
        workload("rowsum_shared", this::rowsumShared);
        workload("rowsum_auto", this::rowsumAuto);
        workload("results", this::results);
        Parallel.shutdownWorkers();
        System.gc();

        load("after jparallel");
        runJoblib();
        load("after joblib");
        printTable(started, maxHeap);
        Parallel.shutdownWorkers();
    }

    private long[] lastCpu;

    /**
     * The load average, and the share of the 2 cores that processes other than this one and its children
     * used since the last call (from /proc/stat and /proc/self/stat), to judge how quiet the shared machine was.
     */
    private void load(String when) {
        String text;
        try {
            String[] l = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            text = when + " " + l[0] + " " + l[1] + " " + l[2];
            long[] cpu = cpuTicks();
            if (lastCpu != null) {
                double elapsed = (cpu[2] - lastCpu[2]) / 1e9 * 100 * Runtime.getRuntime().availableProcessors();
                double others = (cpu[0] - lastCpu[0]) - (cpu[1] - lastCpu[1]);
                text += String.format(Locale.ROOT, " (others used %.0f%% of the cores meanwhile)", Math.max(0, 100 * others / elapsed));
            }
            lastCpu = cpu;
        } catch (IOException | RuntimeException e) {
            text = when + " ?";
        }
        loads.add(text);
    }

    /** {busy ticks of the machine, ticks of this process and its reaped children, nanoTime}; ticks are 1/100 s. */
    private static long[] cpuTicks() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {   // user nice system irq softirq steal
            busy += Long.parseLong(cpu[i]);
        }
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
        long own = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return new long[] {busy, own, System.nanoTime()};
    }

    private interface Workload {
        void run() throws Exception;
    }

    private void workload(String name, Workload w) {
        System.err.println("[jparallel] " + name + "...");
        try {
            w.run();
        } catch (Throwable t) {
            t.printStackTrace();
            jpFail.put(name, t.getClass().getName() + ": " + t.getMessage());
        }
    }

    // ------------------------------------------------------------------ jparallel workloads

    private void cold() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        coldJvm(java, "--prime");
        List<Double> first = new ArrayList<>();
        List<Double> whole = new ArrayList<>();
        List<Double> toMain = new ArrayList<>();
        List<Double> exit = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            double[] r = coldJvm(java, "--cold");
            first.add(r[0]);
            whole.add(r[1]);
            toMain.add(r[2]);
            exit.add(r[3]);
        }
        jp.put("cold_first_call_ms", stats(first));
        jp.put("cold_process_ms", stats(whole));
        jp.put("cold_to_main_ms", stats(toMain));
        jpDetail.put("cold", String.format(Locale.ROOT, "after the first call: shutdownWorkers() and JVM exit %.1f ms "
                + "(median); an untimed JVM ran first so that the workers' start-up archive exists", stats(exit)[0]));
    }

    /** {first call ms, whole process ms, launch to main ms, end of main to exit ms}. */
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
                (Long.parseLong(v.get("main_ns")) - start) / 1e6, (end - Long.parseLong(v.get("end_ns"))) / 1e6};
    }

    private void tiny() {
        List<Double> args = IntStream.range(0, 100_000).asDoubleStream().boxed().collect(Collectors.toList());
        Parallel p = Parallel.of(JOBS);
        List<Double> samples = repeat(11, 10, () -> {
            List<Double> out = p.map(delayed(Math::sqrt), args);
            check(out.size() == 100_000 && out.get(99_999) == Math.sqrt(99_999), "tiny: wrong results");
        });
        jp.put("tiny_us", stats(scale(samples, 1e6 / 100_000)));
    }

    private void onePerBatch() {
        List<Integer> args = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
        Parallel p = Parallel.of(JOBS).batchSize(1);
        List<Double> samples = repeat(11, 10, () -> check(p.map(delayed((Integer x) -> x), args).equals(args),
                "one per batch: wrong results"));
        jp.put("one_per_batch_us", stats(scale(samples, 1e6 / 2000)));
    }

    private void warm() {
        List<Integer> two = List.of(0, 1);
        Parallel p = Parallel.of(JOBS);
        List<Double> samples = repeat(301, 100, () -> check(p.map(delayed((Integer x) -> x), two).equals(two),
                "warm: wrong results"));
        jp.put("warm_call_ms", stats(scale(samples, 1e3)));
    }

    private void rowsumShared() {
        List<Integer> blocks = IntStream.range(0, TASKS).boxed().collect(Collectors.toList());
        try (DoubleMatrix m = Memmap.doubleMatrix(ROWS, COLS); DoubleArray out = Memmap.doubles(TASKS)) {
            for (int r = 0; r < ROWS; r++) {
                m.row(r).copyFrom(patternRow(r), 0, 0, COLS);
            }
            Parallel p = Parallel.of(JOBS);
            Runnable call = () -> {
                out.fill(0);
                p.map(delayed((Integer i) -> {
                    out.set(i, m.rowSlice((long) i * ROWS_PER_TASK, (long) (i + 1) * ROWS_PER_TASK).sum());
                    return null;
                }), blocks);
                for (int i = 0; i < TASKS; i++) {
                    checkSum(i, out.get(i), "rowsum-shared");
                }
            };
            List<Double> samples = repeat(11, 2, call);
            jp.put("rowsum_shared_s", stats(samples));
            jp.put("rowsum_shared_gbps", stats(samples.stream().map(s -> MATRIX_BYTES / s / 1e9).collect(Collectors.toList())));
            footprint("mem_shared_mib", call);
        }
    }

    private void rowsumAuto() throws InterruptedException {
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
        boolean leaks = leakCheck("rowsum_auto", "1 call");
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
        jpDetail.put("rowsum_auto", String.format(Locale.ROOT, "Memmap.dump of the heap matrix to /dev/shm alone: %.3f s "
                + "(median of 3, %.2f GB/s)", stats(dumps)[0], MATRIX_BYTES / stats(dumps)[0] / 1e9));
        // Timed as a user would run them, on the same workers, unless retained dumps would exhaust memory.
        int[] restarts = {0};
        List<Double> samples = repeat(5, 0, call, () -> {
            if (leaks && memAvailableBytes() < 3 * MATRIX_BYTES) {
                restartWorkers();
                restarts[0]++;
            }
        });
        jp.put("rowsum_auto_s", stats(samples));
        jpDetail.put("rowsum_auto", jpDetail.get("rowsum_auto") + "; the timed calls in order: " + samples.stream()
                .map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(", ")) + " s");
        if (leaks) {
            leakCheck("rowsum_auto", "the 5 timed calls since the workers were restarted" + (restarts[0] > 0
                    ? " (workers were restarted " + restarts[0] + " times between timed calls, untimed, to avoid running out of memory)" : ""));
            restartWorkers();
        }
        footprint("mem_auto_mib", call, leaks);
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

    /**
     * Whether this JVM or its workers still map /dev/shm files that were deleted (dumps of finished calls),
     * a second after the call, when the background deletion is done; noted for the report.
     */
    private boolean leakCheck(String workload, String after) throws InterruptedException {
        Thread.sleep(1000);
        long[] d = deletedShmMapped();
        if (d[0] == 0 || d[1] < 1024) {
            return false;
        }
        notes.add(String.format(Locale.ROOT, "LEAK in %s: after %s, %d processes still map %d deleted /dev/shm files "
                + "holding %,d MiB (kernel cannot free them until the mapping goes)", workload, after, d[2], d[0], d[1] >> 10));
        return true;
    }

    /** {deleted /dev/shm files mapped (per process, summed), their Pss in KiB summed over processes, processes}. */
    static long[] deletedShmMapped() {
        long files = 0;
        long kib = 0;
        long procs = 0;
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        ProcessHandle.current().descendants().forEach(h -> pids.add(h.pid()));
        for (long pid : pids) {
            long[] one = deletedShmMapped(pid);
            files += one[0];
            kib += one[1];
            procs += one[0] > 0 ? 1 : 0;
        }
        return new long[] {files, kib, procs};
    }

    /** For one process: {distinct deleted /dev/shm files mapped, Pss of those mappings in KiB}. */
    static long[] deletedShmMapped(long pid) {
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/" + pid + "/maps"));
            if (maps.stream().noneMatch(VsJoblib::isDeletedShm)) {
                return new long[] {0, 0};
            }
            Set<String> files = new java.util.HashSet<>();
            long kib = 0;
            boolean in = false;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
                String first = line.split(" ", 2)[0];
                if (!first.endsWith(":")) {   // a mapping's header line; its fields follow, "Name:  value kB"
                    in = isDeletedShm(line);
                    if (in) {
                        files.add(line.substring(line.indexOf("/dev/shm/")));
                    }
                } else if (in && line.startsWith("Pss:")) {
                    kib += Long.parseLong(line.trim().split("\\s+")[1]);
                }
            }
            return new long[] {files.size(), kib};
        } catch (IOException | UncheckedIOException e) {
            return new long[] {0, 0};
        }
    }

    private static boolean isDeletedShm(String mapsLine) {
        return mapsLine.contains(" /dev/shm/") && !mapsLine.contains(" /dev/shm/sem.") && mapsLine.endsWith("(deleted)");
    }

    static long memAvailableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.trim().split("\\s+")[1]) << 10;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return Long.MAX_VALUE;
    }

    private void results() {
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
            if (leakCheck("results", "9 calls")) {
                Parallel.shutdownWorkers();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jp.put("results_mbps", stats(samples.stream().map(s -> (double) TASKS * RESULT_LEN * 8 / s / 1e6)
                .collect(Collectors.toList())));
    }

    // ------------------------------------------------------------------ data

    private static final double[][] PATTERNS = new double[13][];

    /** Row r: r % 13 + 0.25 * (c % 4). Every block sum is exact in doubles, in any order of summation. */
    private static double[] patternRow(int r) {
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

    private static void checkSum(int block, double sum, String what) {
        double expected = 0;
        for (int r = block * ROWS_PER_TASK; r < (block + 1) * ROWS_PER_TASK; r++) {
            expected += (double) COLS * (r % 13) + 0.375 * COLS;
        }
        check(sum == expected, what + ": block " + block + " sums to " + sum + ", expected " + expected);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    // ------------------------------------------------------------------ footprint

    private void footprint(String key, Runnable call) {
        footprint(key, call, false);
    }

    /** Peak footprint of {@code call}, median of 3; with {@code restart}, each on freshly started (and warmed) workers. */
    private void footprint(String key, Runnable call, boolean restart) {
        List<long[]> peaks = new ArrayList<>();
        List<Long> before = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (restart) {
                restartWorkers();
            }
            System.gc();   // the garbage of earlier calls is not the job's footprint
            Sampler s = new Sampler();
            s.sample();
            s.start();
            try {
                call.run();
            } finally {
                s.finish();
            }
            peaks.add(s.peak);
            before.add(s.parentBefore);
        }
        Collections.sort(before);
        peaks.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] mid = peaks.get(1);
        jp.put(key, stats(peaks.stream().map(pk -> pk[0] / 1024.0).collect(Collectors.toList())));
        jpDetail.put(key, String.format(Locale.ROOT, "parent %d + %d other processes %d + /dev/shm files %d MiB%s",
                mid[1] >> 10, mid[3], mid[2] >> 10, mid[4] >> 10,
                mid[5] > 0 ? String.format(Locale.ROOT, " + deleted but still mapped %d MiB", mid[5] >> 10) : "")
                + String.format(Locale.ROOT, " (the parent was %d MiB before the call)", before.get(1) >> 10)
                + (restart ? " (each measured call on freshly restarted workers, because of the leak)" : ""));
    }

    /** Samples this JVM, its descendants and their /dev/shm files every 10 ms; keeps the peak total. */
    private static final class Sampler extends Thread {
        /** {total, parent, others, number of others, shm files, deleted shm still mapped}, in KiB (the count is a count). */
        volatile long[] peak = {0, 0, 0, 0, 0, 0};
        private volatile boolean stop;
        /** The parent's own memory at the first sample, before the call. */
        volatile long parentBefore = -1;

        Sampler() {
            super("footprint-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop) {
                sample();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void finish() {
            stop = true;
            try {
                join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sample();
        }

        void sample() {
            long self = ProcessHandle.current().pid();
            List<Long> others = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toList());
            long parent = privateKiB(self);
            long other = 0;
            int n = 0;
            for (long pid : others) {
                long k = privateKiB(pid);
                if (k >= 0) {
                    other += k;
                    n++;
                }
            }
            Set<Long> pids = new java.util.HashSet<>(others);
            pids.add(self);
            // Deleted files first, then files: a file deleted in between is missed by this sample rather than
            // counted twice (the peak of many samples is kept, so a miss does no harm, a double count would).
            long deleted = 0;
            for (long pid : pids) {
                deleted += deletedShmMapped(pid)[1];
            }
            long shm = shmKiB(pids);
            if (parentBefore < 0) {
                parentBefore = parent;
            }
            long total = parent + other + shm + deleted;
            if (total > peak[0]) {
                peak = new long[] {total, parent, other, n, shm, deleted};
            }
        }
    }

    /** Pss - Pss_Shmem of a process, in KiB, or -1 if it is gone. */
    static long privateKiB(long pid) {
        long pss = -1;
        long shmem = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 3 && parts[0].equals("Pss:")) {
                    pss = Long.parseLong(parts[1]);
                } else if (parts.length == 3 && parts[0].equals("Pss_Shmem:")) {
                    shmem = Long.parseLong(parts[1]);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
        return pss < 0 ? -1 : pss - shmem;
    }

    /** Allocated KiB of the /dev/shm entries named after these processes ({@code jparallel-<pid>-...}), by du. */
    static long shmKiB(Set<Long> pids) {
        List<String> cmd = new ArrayList<>(List.of("du", "-skc", "--"));
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/dev/shm"), "jparallel-*")) {
            for (Path p : dir) {
                String[] parts = p.getFileName().toString().split("-");
                if (parts.length > 2 && pids.contains(Long.parseLong(parts[1]))) {
                    cmd.add(p.toString());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        if (cmd.size() == 3) {
            return 0;
        }
        try {
            Process du = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            du.waitFor();
            String[] lines = out.trim().split("\n");
            String last = lines[lines.length - 1];   // "<KiB>\ttotal"
            return last.endsWith("total") ? Long.parseLong(last.split("\\s+")[0]) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    // ------------------------------------------------------------------ joblib

    private void runJoblib() throws Exception {
        String python = System.getProperty("jparallel.bench.python", "/usr/bin/python3");
        Path script = findScript();
        if (script == null) {
            joblibMissing = "joblib_bench.py not found: run from the repository root, or set -Djparallel.bench.script=PATH";
            return;
        }
        String probe;
        int rc;
        try {
            Process p = new ProcessBuilder(python, "-c", "import joblib, numpy").redirectErrorStream(true).start();
            probe = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            rc = p.waitFor();
        } catch (IOException e) {
            probe = e.getMessage();
            rc = -1;
        }
        if (rc != 0) {
            String last = probe.isEmpty() ? "" : probe.substring(probe.lastIndexOf('\n') + 1);
            joblibMissing = python + " cannot import joblib and numpy (" + last + "); install them with: " + APT;
            return;
        }
        System.err.println("[joblib] running " + python + " " + script);
        Process p = new ProcessBuilder(python, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] parts = line.trim().split("\\s+", 3);
                if (parts.length < 2) {
                    continue;
                }
                String rest = parts.length > 2 ? parts[2] : "";
                switch (parts[0]) {
                    case "fig": {
                        String[] v = rest.split("\\s+");
                        jl.put(parts[1], new double[] {Double.parseDouble(v[0]), Double.parseDouble(v[1]),
                                Double.parseDouble(v[2]), Double.parseDouble(v[3])});
                        break;
                    }
                    case "detail":
                        jlDetail.put(parts[1], rest);
                        break;
                    case "fail":
                        jlFail.put(parts[1], rest);
                        break;
                    case "info":
                        jlInfo.put(parts[1], rest);
                        break;
                    default:
                        System.err.println("[joblib] unexpected line: " + line);
                }
            }
        }
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            jlFail.put("script", "timed out");
        } else if (p.exitValue() != 0) {
            jlFail.put("script", "exited with " + p.exitValue());
        }
    }

    private static Path findScript() {
        String configured = System.getProperty("jparallel.bench.script");
        if (configured != null) {
            return Path.of(configured);
        }
        List<Path> candidates = new ArrayList<>();
        try {
            // bench/target/jparallel-bench.jar or bench/target/classes: both two levels below bench/.
            Path code = Path.of(VsJoblib.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            candidates.add(code.getParent().getParent().resolve("src/main/python/joblib_bench.py"));
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        candidates.add(Path.of("bench/src/main/python/joblib_bench.py"));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    }

    // ------------------------------------------------------------------ table

    private enum Better { LOWER, HIGHER }

    private record Row(String label, String unit, String key, String workload, Better better, double target, String fmt) {
    }

    private void printTable(String started, long maxHeap) {
        double arrayMiB = MATRIX_BYTES / (double) (1 << 20);
        List<Row> rows = List.of(
                new Row("tiny: 100,000 x sqrt, auto batching", "us/task", "tiny_us", "tiny", Better.LOWER, 0.5, "%.3f"),
                new Row("one per batch: 2,000 x identity", "us/task", "one_per_batch_us", "one_per_batch", Better.LOWER, 30, "%.1f"),
                new Row("cold: first call, 2 fresh workers", "ms", "cold_first_call_ms", "cold", Better.LOWER, 200, "%.1f"),
                new Row("cold: whole fresh process", "ms", "cold_process_ms", "cold", Better.LOWER, Double.NaN, "%.1f"),
                new Row("cold: process start to main/script", "ms", "cold_to_main_ms", "cold", Better.LOWER, Double.NaN, "%.1f"),
                new Row("cold: import joblib (python only)", "ms", "cold_import_ms", "cold", Better.LOWER, Double.NaN, "%.1f"),
                new Row("warm call: 2 tasks", "ms", "warm_call_ms", "warm", Better.LOWER, 0.3, "%.3f"),
                new Row("rowsum-auto: 2 GiB heap matrix", "s", "rowsum_auto_s", "rowsum_auto", Better.LOWER, 1.1, "%.3f"),
                new Row("rowsum-shared: 2 GiB memmap", "s", "rowsum_shared_s", "rowsum_shared", Better.LOWER, 0.12, "%.3f"),
                new Row("rowsum-shared: read rate", "GB/s", "rowsum_shared_gbps", "rowsum_shared", Better.HIGHER, MATRIX_BYTES / 0.12 / 1e9, "%.2f"),
                new Row("results: 64 x 4 MiB returned", "s", "results_s", "results", Better.LOWER, 0.1, "%.3f"),
                new Row("results: rate", "MB/s", "results_mbps", "results", Better.HIGHER, TASKS * RESULT_LEN * 8.0 / 0.1 / 1e6, "%.0f"),
                new Row("footprint at peak: rowsum-auto", "MiB", "mem_auto_mib", "rowsum_auto", Better.LOWER, 2 * arrayMiB + 200, "%.0f"),
                new Row("footprint at peak: rowsum-shared", "MiB", "mem_shared_mib", "rowsum_shared", Better.LOWER, arrayMiB + 200, "%.0f"));

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%njparallel vs joblib (loky), %d workers each, medians of repeated runs%n", JOBS));
        sb.append(String.format(Locale.ROOT, "date: %s; cores: %d; JDK %s (%s), parent max heap %d MiB%n", started,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), System.getProperty("java.vm.name"),
                maxHeap >> 20));
        if (joblibMissing == null) {
            sb.append(String.format(Locale.ROOT, "python %s, joblib %s (loky %s), numpy %s%n", jlInfo.get("python"),
                    jlInfo.get("joblib"), jlInfo.get("loky"), jlInfo.get("numpy")));
        } else {
            sb.append("joblib: NOT MEASURED: ").append(joblibMissing).append(System.lineSeparator());
        }
        sb.append("load average (1, 5, 15 min): ").append(String.join("; ", loads)).append(System.lineSeparator());
        sb.append("ratio = how many times better jparallel is: joblib/jparallel for times and memory, "
                + "jparallel/joblib for rates (> 1: jparallel better)").append(System.lineSeparator());
        String header = String.format(Locale.ROOT, "%-38s %-8s %12s %12s %8s   %s", "workload", "unit", "jparallel",
                "joblib", "ratio", "jparallel target");
        sb.append(header).append(System.lineSeparator()).append("-".repeat(header.length() + 8)).append(System.lineSeparator());
        for (Row row : rows) {
            double[] a = jp.get(row.key);
            double[] b = jl.get(row.key);
            String ratio = "";
            if (a != null && b != null) {
                ratio = String.format(Locale.ROOT, "%.2f", row.better == Better.LOWER ? b[0] / a[0] : a[0] / b[0]);
            }
            String target = "";
            if (!Double.isNaN(row.target)) {
                target = (row.better == Better.LOWER ? "<= " : ">= ") + String.format(Locale.ROOT, row.fmt, row.target);
                if (a != null) {
                    boolean met = row.better == Better.LOWER ? a[0] <= row.target : a[0] >= row.target;
                    target += met ? "  met" : "  MISSED";
                }
            }
            sb.append(String.format(Locale.ROOT, "%-38s %-8s %12s %12s %8s   %s", row.label, row.unit,
                    cell(a, row, jpFail), cell(b, row, jlFail), ratio, target).stripTrailing())
                    .append(System.lineSeparator());
        }
        sb.append(System.lineSeparator()).append("spread (min .. max, n runs):").append(System.lineSeparator());
        for (Row row : rows) {
            double[] a = jp.get(row.key);
            double[] b = jl.get(row.key);
            sb.append(String.format(Locale.ROOT, "  %-20s jparallel %-28s joblib %s%n", row.key, spread(a, row.fmt),
                    spread(b, row.fmt)));
        }
        for (String key : List.of("cold", "rowsum_auto")) {
            if (jpDetail.containsKey(key)) {
                sb.append(String.format(Locale.ROOT, "%s, jparallel: %s%n", key, jpDetail.get(key)));
            }
        }
        for (String key : List.of("mem_auto_mib", "mem_shared_mib")) {
            sb.append(String.format(Locale.ROOT, "%s at the median peak: jparallel %s; joblib %s%n", key,
                    jpDetail.getOrDefault(key, "-"), jlDetail.getOrDefault(key, "-")));
        }
        if (jlInfo.containsKey("joblib_worker_pids")) {
            sb.append("joblib worker pids at the end: ").append(jlInfo.get("joblib_worker_pids")).append(System.lineSeparator());
        }
        notes.forEach(n -> sb.append(n).append(System.lineSeparator()));
        jlInfo.entrySet().stream().filter(e -> e.getKey().startsWith("leak")).forEach(e ->
                sb.append("joblib ").append(e.getValue()).append(System.lineSeparator()));
        jpFail.forEach((k, v) -> sb.append("FAILED jparallel ").append(k).append(": ").append(v).append(System.lineSeparator()));
        jlFail.forEach((k, v) -> sb.append("FAILED joblib ").append(k).append(": ").append(v).append(System.lineSeparator()));
        if (joblibMissing != null) {
            sb.append("To measure joblib too: ").append(APT).append(System.lineSeparator());
        }
        System.out.print(sb);
        System.out.flush();
    }

    private static String cell(double[] v, Row row, Map<String, String> fails) {
        if (v != null) {
            return String.format(Locale.ROOT, row.fmt, v[0]);
        }
        boolean failed = fails.containsKey(row.workload) || fails.containsKey("script");
        return failed ? "FAILED" : "-";
    }

    private static String spread(double[] v, String fmt) {
        if (v == null) {
            return "-";
        }
        return String.format(Locale.ROOT, fmt + " .. " + fmt + " (%d)", v[1], v[2], (int) v[3]);
    }

    // ------------------------------------------------------------------ timing

    /** Runs {@code warmup} times untimed, then {@code runs} times timed; seconds. */
    private static List<Double> repeat(int runs, int warmup, Runnable r) {
        return repeat(runs, warmup, r, () -> { });
    }

    /** The same, running {@code before} untimed before each timed run. */
    private static List<Double> repeat(int runs, int warmup, Runnable r, Runnable before) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            before.run();
            long start = System.nanoTime();
            r.run();
            out.add((System.nanoTime() - start) / 1e9);
        }
        return out;
    }

    private static List<Double> scale(List<Double> xs, double factor) {
        return xs.stream().map(x -> x * factor).collect(Collectors.toList());
    }

    /** {median, min, max, n}. */
    private static double[] stats(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        double median = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        return new double[] {median, s.get(0), s.get(n - 1), n};
    }
}
