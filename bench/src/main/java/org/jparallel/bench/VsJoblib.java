package org.jparallel.bench;

import org.jparallel.Parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * jparallel and Python's joblib (loky backend) side by side, on the same workloads, in one run, with
 * 2 workers each. The jparallel workloads run first ({@link JparallelWorkloads}, with the threads a
 * Java user would pick instead right after tiny and rowsum-shared: {@link ThreadsWorkloads}); then this
 * JVM's workers are stopped and {@code bench/src/main/python/joblib_bench.py} runs the joblib ones as a
 * child process ({@link JoblibDriver}), so the two never overlap. Both print medians of repeated runs,
 * measured after warm-up except for the cold start; the table ({@link ResultTable}) gives both and how
 * many times better jparallel is, then a second table gives PROCESSES against the threads.
 *
 * <p>The workloads, in the order they run (names as {@code --only} takes them): {@code cold},
 * {@code tiny}, {@code one_per_batch}, {@code warm}, {@code rowsum_shared}, {@code rowsum_auto},
 * {@code results}; each is described in {@link JparallelWorkloads}, the footprint rows in
 * {@link Footprint}, joblib's side in the script.
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
 * {@code --only tiny,rowsum_shared} runs only those workloads, on both sides, for a quick check (the
 * table then has only their rows). The system property {@code jparallel.bench.python} chooses the
 * interpreter (default {@code /usr/bin/python3}) and {@code jparallel.bench.script} the script (default:
 * found from this jar's location).
 */
public final class VsJoblib {
    static final int JOBS = 2;
    /** The workloads, in the order they run. */
    static final List<String> WORKLOADS = List.of("cold", "tiny", "one_per_batch", "warm", "rowsum_shared",
            "rowsum_auto", "results");

    private final Figures jp = new Figures();
    private final List<String> notes = new ArrayList<>();
    private final List<String> loads = new ArrayList<>();
    private final Footprint footprint = new Footprint(jp, notes);
    private final JparallelWorkloads jparallel = new JparallelWorkloads(jp, footprint, notes);
    private final ThreadsWorkloads threads = new ThreadsWorkloads(jp);
    /** The workloads to run, or null for all of them. */
    private final Set<String> only;

    private VsJoblib(Set<String> only) {
        this.only = only;
    }

    public static void main(String[] args) throws Exception {
        long mainNs = System.nanoTime();   // the cold start's end of "start up to main"
        if (args.length > 0 && args[0].equals("--cold")) {
            JparallelWorkloads.coldChild(mainNs, false);
            return;
        }
        if (args.length > 0 && args[0].equals("--prime")) {
            JparallelWorkloads.coldChild(mainNs, true);
            return;
        }
        Set<String> only = null;
        if (args.length == 2 && args[0].equals("--only")) {
            only = parseOnly(args[1]);
        } else if (args.length > 0) {
            usage("unknown arguments " + Arrays.toString(args));
        }
        new VsJoblib(only).run();
    }

    private static Set<String> parseOnly(String list) {
        Set<String> only = new LinkedHashSet<>();
        for (String name : list.split(",")) {
            String n = name.trim().replace('-', '_');
            if (!WORKLOADS.contains(n)) {
                usage("--only: no workload named '" + name.trim() + "'");
            }
            only.add(n);
        }
        return only;
    }

    private static void usage(String problem) {
        System.err.println("VsJoblib: " + problem + System.lineSeparator()
                + "usage: VsJoblib [--only NAME,NAME...]   (names: " + String.join(", ", WORKLOADS) + ")"
                + System.lineSeparator() + "  e.g. VsJoblib --only tiny,rowsum_shared");
        System.exit(2);
    }

    private boolean selected(String workload) {
        return only == null || only.contains(workload);
    }

    private void run() throws Exception {
        String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (selected("rowsum_auto") && maxHeap < RowData.MATRIX_BYTES + (1L << 30)) {
            System.err.printf("warning: max heap %d MiB is too small for the 2 GiB heap matrix; run with -Xmx4g or more%n",
                    maxHeap >> 20);
        }
        load("at start");
        workload("cold", jparallel::cold);
        workload("tiny", jparallel::tiny);
        workload("tiny_threads", threads::tinyThreads);
        workload("tiny_stream", threads::tinyStream);
        workload("one_per_batch", jparallel::onePerBatch);
        workload("warm", jparallel::warm);
        // Shared before auto: the heap matrix of auto would otherwise still be committed in this JVM.
        try (RowData.Shared shared = new RowData.Shared()) {   // one matrix, made at its first use, for the three
            workload("rowsum_shared", () -> jparallel.rowsumShared(shared));
            workload("rowsum_shared_threads", () -> threads.rowsumSharedThreads(shared));
            workload("rowsum_shared_stream", () -> threads.rowsumSharedStream(shared));
        }
        workload("rowsum_auto", jparallel::rowsumAuto);
        workload("results", jparallel::results);
        Parallel.shutdownWorkers();
        System.gc();

        load("after jparallel");
        JoblibDriver joblib = new JoblibDriver();
        joblib.run(only == null ? null : List.copyOf(only));
        load("after joblib");
        new ResultTable(jp, joblib, notes, loads, only).print(started, maxHeap);
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

    /**
     * Runs one workload unless {@code --only} leaves it out (the threads' workloads, {@code tiny_threads}
     * and the like, go with theirs); a failure is recorded under its name and the run goes on.
     */
    private void workload(String name, Workload w) {
        String base = name.replaceFirst("_(threads|stream)$", "");
        if (!selected(base)) {
            return;
        }
        System.err.println("[jparallel] " + name + "...");
        try {
            w.run();
        } catch (Throwable t) {
            t.printStackTrace();
            jp.fail(name, t.getClass().getName() + ": " + t.getMessage());
        }
    }
}
