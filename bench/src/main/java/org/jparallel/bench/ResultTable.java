package org.jparallel.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.jparallel.bench.RowData.MATRIX_BYTES;
import static org.jparallel.bench.RowData.TASKS;
import static org.jparallel.bench.VsJoblib.JOBS;

/**
 * The report of {@link VsJoblib}: the table of jparallel against joblib, row by row with the targets of
 * the speed issue, the spread of each figure, the details, notes and failures; then the table of
 * PROCESSES against threads in this JVM (the THREADS backend and a plain parallel stream).
 */
final class ResultTable {
    private enum Better { LOWER, HIGHER }

    private record Row(String label, String unit, String key, String workload, Better better, double target, String fmt) {
    }

    /** The speed issue's target: rowsum-shared on PROCESSES takes at most this times the parallel stream's time. */
    private static final double PROCESSES_OVER_STREAM_TARGET = 1.10;

    private final Figures jp;
    private final JoblibDriver joblib;
    private final List<String> notes;
    private final List<String> loads;
    private final Set<String> only;

    /** {@code only}: the workloads that ran, or null for all; the rows of the others are left out. */
    ResultTable(Figures jp, JoblibDriver joblib, List<String> notes, List<String> loads, Set<String> only) {
        this.jp = jp;
        this.joblib = joblib;
        this.notes = notes;
        this.loads = loads;
        this.only = only;
    }

    private boolean ran(Row row) {
        return only == null || only.contains(row.workload);
    }

    void print(String started, long maxHeap) {
        Figures jl = joblib.jl;
        Map<String, String> jlInfo = joblib.info;
        double arrayMiB = MATRIX_BYTES / (double) (1 << 20);
        List<Row> rows = List.of(
                new Row("tiny: 100,000 x sqrt, auto batching", "us/task", "tiny_us", "tiny", Better.LOWER, 0.5, "%.3f"),
                new Row("one per batch: 2,000 x identity", "us/task", "one_per_batch_us", "one_per_batch", Better.LOWER, 30, "%.1f"),
                new Row("cold: first call, 2 fresh workers", "ms", "cold_first_call_ms", "cold", Better.LOWER, 200, "%.1f"),
                new Row("cold: the second call in that process", "ms", "cold_second_call_ms", "cold", Better.LOWER, Double.NaN, "%.2f"),
                new Row("cold: whole fresh process", "ms", "cold_process_ms", "cold", Better.LOWER, Double.NaN, "%.1f"),
                new Row("cold: process start to main/script", "ms", "cold_to_main_ms", "cold", Better.LOWER, Double.NaN, "%.1f"),
                new Row("cold: import joblib (python only)", "ms", "cold_import_ms", "cold", Better.LOWER, Double.NaN, "%.1f"),
                new Row("warm call: 2 tasks", "ms", "warm_call_ms", "warm", Better.LOWER, 0.3, "%.3f"),
                new Row("rowsum-auto: 2 GiB heap matrix", "s", "rowsum_auto_s", "rowsum_auto", Better.LOWER, 1.1, "%.3f"),
                new Row("rowsum-shared: 2 GiB memmap", "s", "rowsum_shared_s", "rowsum_shared", Better.LOWER, 0.12, "%.3f"),
                new Row("rowsum-shared: read rate", "GB/s", "rowsum_shared_gbps", "rowsum_shared", Better.HIGHER, MATRIX_BYTES / 0.12 / 1e9, "%.2f"),
                new Row("results: 64 x 4 MiB returned", "s", "results_s", "results", Better.LOWER, 0.1, "%.3f"),
                new Row("results: rate", "MB/s", "results_mbps", "results", Better.HIGHER,
                        TASKS * JparallelWorkloads.RESULT_LEN * 8.0 / 0.1 / 1e6, "%.0f"),
                new Row("footprint at peak: rowsum-auto", "MiB", "mem_auto_mib", "rowsum_auto", Better.LOWER, 2 * arrayMiB + 200, "%.0f"),
                new Row("footprint at peak: rowsum-shared", "MiB", "mem_shared_mib", "rowsum_shared", Better.LOWER, arrayMiB + 200, "%.0f"))
                .stream().filter(this::ran).toList();

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%njparallel vs joblib (loky), %d workers each, medians of repeated runs%n", JOBS));
        sb.append(String.format(Locale.ROOT, "date: %s; cores: %d; JDK %s (%s), parent max heap %d MiB%n", started,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), System.getProperty("java.vm.name"),
                maxHeap >> 20));
        if (only != null) {
            sb.append("only the workloads ").append(String.join(", ", only)).append(" (--only)").append(System.lineSeparator());
        }
        if (joblib.missing == null) {
            sb.append(String.format(Locale.ROOT, "python %s, joblib %s (loky %s), numpy %s%n", jlInfo.get("python"),
                    jlInfo.get("joblib"), jlInfo.get("loky"), jlInfo.get("numpy")));
        } else {
            sb.append("joblib: NOT MEASURED: ").append(joblib.missing).append(System.lineSeparator());
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
                    cell(a, row.fmt, jp, row.workload), cell(b, row.fmt, jl, row.workload), ratio, target).stripTrailing())
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
            if (jp.details.containsKey(key)) {
                sb.append(String.format(Locale.ROOT, "%s, jparallel: %s%n", key, jp.details.get(key)));
            }
        }
        for (Row row : rows) {
            if (row.key.startsWith("mem_")) {
                sb.append(String.format(Locale.ROOT, "%s at the median peak: jparallel %s; joblib %s%n", row.key,
                        jp.details.getOrDefault(row.key, "-"), jl.details.getOrDefault(row.key, "-")));
            }
        }
        if (jlInfo.containsKey("joblib_worker_pids")) {
            sb.append("joblib worker pids at the end: ").append(jlInfo.get("joblib_worker_pids")).append(System.lineSeparator());
        }
        threadsTable(sb);
        notes.forEach(n -> sb.append(n).append(System.lineSeparator()));
        jlInfo.entrySet().stream().filter(e -> e.getKey().startsWith("leak")).forEach(e ->
                sb.append("joblib ").append(e.getValue()).append(System.lineSeparator()));
        jp.fails.forEach((k, v) -> sb.append("FAILED jparallel ").append(k).append(": ").append(v).append(System.lineSeparator()));
        jl.fails.forEach((k, v) -> sb.append("FAILED joblib ").append(k).append(": ").append(v).append(System.lineSeparator()));
        if (joblib.missing != null) {
            sb.append("To measure joblib too: ").append(JoblibDriver.APT).append(System.lineSeparator());
        }
        System.out.print(sb);
        System.out.flush();
    }

    /**
     * PROCESSES (the figure of the table above) against the THREADS backend and a parallel stream, for
     * tiny and rowsum-shared; the figures of the threads are under the PROCESSES key plus
     * {@code _threads} and {@code _stream}, their failures under the workload's name plus the same.
     */
    private void threadsTable(StringBuilder sb) {
        List<Row> rows = List.of(
                new Row("tiny: 100,000 x sqrt", "us/task", "tiny_us", "tiny", Better.LOWER, Double.NaN, "%.3f"),
                new Row("rowsum-shared: 2 GiB memmap", "s", "rowsum_shared_s", "rowsum_shared", Better.LOWER,
                        PROCESSES_OVER_STREAM_TARGET, "%.3f"))
                .stream().filter(this::ran).toList();
        if (rows.isEmpty()) {
            return;
        }
        String nl = System.lineSeparator();
        sb.append(nl).append(String.format(Locale.ROOT, "jparallel PROCESSES against threads in this JVM, %d threads of work "
                + "each, medians of repeated runs (the same warm-up and runs as PROCESSES)%n", JOBS));
        sb.append(String.format(Locale.ROOT, "THREADS backend: Parallel.of(%d).backend(Backend.THREADS), the same tasks; "
                + "parallel stream: the plain Java loop, args.parallelStream() or IntStream.range(0, %d).parallel(), run in a "
                + "ForkJoinPool of parallelism %d (the caller waits)%n", JOBS, TASKS, JOBS));
        String format = "%-30s %-8s %10s %16s %16s %28s";
        String header = String.format(Locale.ROOT, format, "workload", "unit", "PROCESSES", "THREADS backend",
                "parallel stream", "PROCESSES / parallel stream");
        sb.append(header).append(nl).append("-".repeat(header.length())).append(nl);
        for (Row row : rows) {
            double[] proc = jp.get(row.key);
            double[] stream = jp.get(row.key + "_stream");
            String ratio = proc != null && stream != null ? String.format(Locale.ROOT, "%.2f", proc[0] / stream[0]) : "";
            sb.append(String.format(Locale.ROOT, format, row.label, row.unit, cell(proc, row.fmt, jp, row.workload),
                    cell(jp.get(row.key + "_threads"), row.fmt, jp, row.workload + "_threads"),
                    cell(stream, row.fmt, jp, row.workload + "_stream"), ratio).stripTrailing()).append(nl);
        }
        for (Row row : rows) {
            if (Double.isNaN(row.target)) {
                continue;
            }
            double[] proc = jp.get(row.key);
            double[] stream = jp.get(row.key + "_stream");
            String verdict = "not measured";
            if (proc != null && stream != null) {
                double r = proc[0] / stream[0];
                verdict = String.format(Locale.ROOT, "%.2f, %s", r, r <= row.target ? "met" : "MISSED");
            }
            sb.append(String.format(Locale.ROOT, "target (speed issue): %s with PROCESSES within %.0f%% of the parallel "
                    + "stream (PROCESSES / parallel stream <= %.2f): %s%n", row.workload.replace('_', '-'),
                    (row.target - 1) * 100, row.target, verdict));
        }
        sb.append("spread (min .. max, n runs):").append(nl);
        for (Row row : rows) {
            sb.append(String.format(Locale.ROOT, "  %-20s THREADS backend %-28s parallel stream %s%n", row.key,
                    spread(jp.get(row.key + "_threads"), row.fmt), spread(jp.get(row.key + "_stream"), row.fmt)));
        }
        double[] threadsRate = jp.get("rowsum_shared_gbps_threads");
        double[] streamRate = jp.get("rowsum_shared_gbps_stream");
        if (threadsRate != null || streamRate != null) {
            sb.append(String.format(Locale.ROOT, "rowsum-shared read rate: THREADS backend %s GB/s, parallel stream %s GB/s%n",
                    threadsRate == null ? "-" : String.format(Locale.ROOT, "%.2f", threadsRate[0]),
                    streamRate == null ? "-" : String.format(Locale.ROOT, "%.2f", streamRate[0])));
        }
    }

    private static String cell(double[] v, String fmt, Figures side, String workload) {
        if (v != null) {
            return String.format(Locale.ROOT, fmt, v[0]);
        }
        return side.failed(workload) ? "FAILED" : "-";
    }

    private static String spread(double[] v, String fmt) {
        if (v == null) {
            return "-";
        }
        return String.format(Locale.ROOT, fmt + " .. " + fmt + " (%d)", v[1], v[2], (int) v[3]);
    }
}
