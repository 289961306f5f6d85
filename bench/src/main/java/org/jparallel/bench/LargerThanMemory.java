package org.jparallel.bench;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.jparallel.Parallel.delayed;

/**
 * Row sums over a matrix larger than the memory the processes may use, as a fraction of the disk's
 * sequential read speed measured in the same run.
 *
 * <p>The main JVM makes a memory cgroup (v1, or v2 with the memory controller delegated; needs root)
 * with a limit of {@code limitMiB}, and runs the measurement in a child JVM inside it, so that the
 * child and its 2 workers share that limit. The child creates a {@code gib} GiB matrix in
 * {@code folder} with {@link Memmap#createDoubleMatrix} and fills it (and {@code sync}s it to disk),
 * measures the disk's sequential read speed on that file with {@code dd iflag=direct} (which bypasses
 * the page cache), then row-sums the matrix on 2 workers that map it read-only, 64 tasks per call. The
 * matrix being several times the limit, each call reads it from disk again: the page cache cannot
 * keep it. Figures are medians of repeated runs. While the sums run, the caller's and the workers'
 * private memory (the {@code Anonymous} line of /proc/PID/smaps_rollup: heap and other memory not
 * backed by the file) is sampled, to show that it stays flat however much of the file goes through.
 * Without a cgroup the run goes on without a limit and says so; the matrix is then larger than memory
 * only if {@code gib} is larger than the machine's.
 *
 * <pre>
 * ./dev.sh sample >/dev/null   # builds everything
 * java -cp "bench/target/jparallel-bench.jar:bench/target/lib/*" org.jparallel.bench.LargerThanMemory [folder] [gib] [limitMiB]
 * </pre>
 * Defaults: {@code java.io.tmpdir}, 4 GiB, 1024 MiB. The folder must be on a disk, not tmpfs. The
 * cgroup and the file are removed at the end.
 */
public final class LargerThanMemory {
    private static final long COLS = 1 << 16;
    private static final int TASKS = 64;
    private static final int DD_RUNS = 3;
    private static final int SUM_RUNS = 5;
    private static final String INSIDE = "--inside";

    private LargerThanMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(INSIDE)) {
            measure(Path.of(args[1]), Long.parseLong(args[2]), args[3]);
            return;
        }
        Path folder = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir")).toAbsolutePath();
        double gib = args.length > 1 ? Double.parseDouble(args[1]) : 4;
        long limitMiB = args.length > 2 ? Long.parseLong(args[2]) : 1024;
        long rows = (long) (gib * (1L << 30) / 8 / COLS);
        Path file = folder.resolve("larger-than-memory-" + ProcessHandle.current().pid() + ".npy");

        String name = "jparallel-bench-" + ProcessHandle.current().pid() + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        Optional<MemoryCgroup> cgroup = MemoryCgroup.create(name, limitMiB << 20);
        String limit = cgroup.map(c -> limitMiB + " MiB (" + c.version() + ")")
                .orElse("none (no memory cgroup could be made: run as root on Linux)");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LargerThanMemory.class.getName(), INSIDE,
                file.toString(), Long.toString(rows), limit);
        ProcessBuilder builder = cgroup.map(c -> c.starting(command)).orElseGet(() -> new ProcessBuilder(command));
        try {
            Process child = builder.inheritIO().start();
            int exit = child.waitFor();
            cgroup.ifPresent(c -> System.out.println("  cgroup: " + c.describe(limitMiB)));
            if (exit != 0) {
                System.out.println("the measuring JVM exited with " + exit);
            }
        } finally {
            Files.deleteIfExists(file);
            cgroup.ifPresent(MemoryCgroup::close);
        }
    }

    /** The child, inside the limit. */
    private static void measure(Path file, long rows, String limit) throws Exception {
        double bytes = rows * COLS * 8.0;
        System.out.printf("larger than memory: a %.2f GiB matrix (%d x %d doubles) in %s, memory limit %s,"
                        + " 2 workers; JDK %s, %d cores%n", bytes / (1L << 30), rows, COLS, file.getParent(), limit,
                Runtime.version(), Runtime.getRuntime().availableProcessors());

        long start = System.nanoTime();
        try (DoubleMatrix m = Memmap.createDoubleMatrix(file, rows, COLS)) {
            for (long r = 0; r < rows; r++) {
                m.row(r).fill(r % 7 + 1);
            }
        }
        run("sync", file.toString());
        double fillSeconds = seconds(start);
        System.out.printf("  create + fill + sync to disk              %7.1f s     %6.2f GB/s%n", fillSeconds,
                bytes / fillSeconds / 1e9);

        List<Double> ddRates = new ArrayList<>();
        for (int i = 0; i < DD_RUNS; i++) {
            long ddStart = System.nanoTime();
            run("dd", "if=" + file, "of=/dev/null", "bs=4M", "iflag=direct", "status=none");
            ddRates.add(bytes / seconds(ddStart) / 1e9);
        }
        double disk = median(ddRates);
        System.out.printf("  disk sequential read, dd iflag=direct                 %6.2f GB/s   (median of %d)%n",
                disk, DD_RUNS);

        DoubleMatrix matrix = Memmap.loadDoubleMatrix(file, MmapMode.READ_ONLY);
        long step = rows / TASKS;
        List<Long> firstRows = LongStream.iterate(0, r -> r < rows, r -> r + step).boxed().collect(Collectors.toList());
        double expected = 0;
        for (long r = 0; r < rows; r++) {
            expected += (r % 7 + 1) * (double) COLS;
        }
        List<Double> sumSeconds = new ArrayList<>();
        Map<String, long[]> privateMiB = new TreeMap<>();   // process -> {before the first call, max during any}
        try (Parallel parallel = Parallel.of(2).batchSize(1)) {
            parallel.map(delayed((Integer i) -> i), List.of(1, 2));   // start the workers, untimed
            Map<String, Long> pids = processes();
            pids.forEach((label, pid) -> privateMiB.put(label, new long[] {anonymousKiB(pid) >> 10, 0}));
            for (int run = 0; run < SUM_RUNS; run++) {
                try (Sampler sampler = new Sampler(pids)) {
                    long sumStart = System.nanoTime();
                    List<Double> sums = parallel.map(delayed((Long from) -> matrix.rowSlice(from,
                            Math.min(rows, from + step)).sum()), firstRows);
                    sumSeconds.add(seconds(sumStart));
                    double total = sums.stream().mapToDouble(Double::doubleValue).sum();
                    if (total != expected) {
                        throw new IllegalStateException("wrong total " + total + ", expected " + expected);
                    }
                    sampler.maxKiB().forEach((label, kib) ->
                            privateMiB.get(label)[1] = Math.max(privateMiB.get(label)[1], kib >> 10));
                }
            }
        }
        Parallel.shutdownWorkers();
        double sum = median(sumSeconds);
        System.out.printf("  row sums on 2 workers                     %7.2f s     %6.2f GB/s   (median of %d)"
                + " = %.0f%% of the disk's read speed (target >= 80%%)%n", sum, bytes / sum / 1e9, SUM_RUNS,
                100 * bytes / sum / 1e9 / disk);
        System.out.println("  private memory (Anonymous), before the first call -> highest during the calls: "
                + privateMiB.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0] + " -> "
                + e.getValue()[1] + " MiB").collect(Collectors.joining(", ")));
    }

    /** This JVM and its worker JVMs, by label. */
    private static Map<String, Long> processes() {
        Map<String, Long> pids = new TreeMap<>();
        pids.put("caller", ProcessHandle.current().pid());
        int n = 0;
        for (ProcessHandle worker : ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains("WorkerMain")).toList()) {
            pids.put("worker " + ++n, worker.pid());
        }
        return pids;
    }

    /** Samples the private memory of some processes every 20 ms, keeping each one's highest value. */
    private static final class Sampler extends Thread implements AutoCloseable {
        private final Map<String, Long> pids;
        private final Map<String, Long> max = new ConcurrentHashMap<>();
        private volatile boolean stop;

        Sampler(Map<String, Long> pids) {
            super("private-memory-sampler");
            this.pids = pids;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            while (!stop) {
                pids.forEach((label, pid) -> max.merge(label, anonymousKiB(pid), Math::max));
                try {
                    TimeUnit.MILLISECONDS.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Map<String, Long> maxKiB() {
            return max;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            join();
        }
    }

    /** The Anonymous field of /proc/PID/smaps_rollup in KiB (memory not backed by a file), 0 if it is gone. */
    private static long anonymousKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 3 && parts[0].equals("Anonymous:")) {
                    return Long.parseLong(parts[1]);
                }
            }
        } catch (IOException gone) {
            // the process has exited
        }
        return 0;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * A memory cgroup below this JVM's own (v1, or v2 where the memory controller can be delegated), which a
     * started command joins before it runs; {@link #close()} stops what is left in it and removes it.
     */
    private static final class MemoryCgroup implements AutoCloseable {
        private final Path folder;
        private final boolean v2;

        private MemoryCgroup(Path folder, boolean v2) {
            this.folder = folder;
            this.v2 = v2;
        }

        static Optional<MemoryCgroup> create(String name, long limitBytes) {
            List<String[]> mounts;
            try {
                mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(line -> line.split(" "))
                        .filter(fields -> fields.length >= 4).toList();
            } catch (IOException notLinux) {
                return Optional.empty();
            }
            for (String[] mount : mounts) {
                boolean v2 = mount[2].equals("cgroup2");
                if (!v2 && !(mount[2].equals("cgroup") && List.of(mount[3].split(",")).contains("memory"))) {
                    continue;
                }
                Path parent = ownCgroup(Path.of(mount[1]), v2);
                Path folder = parent.resolve(name);
                try {
                    if (v2 && !readOrEmpty(parent.resolve("cgroup.controllers")).contains("memory")) {
                        continue;
                    }
                    if (v2 && !readOrEmpty(parent.resolve("cgroup.subtree_control")).contains("memory")) {
                        Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory");
                    }
                    Files.createDirectory(folder);
                    MemoryCgroup cgroup = new MemoryCgroup(folder, v2);
                    Runtime.getRuntime().addShutdownHook(new Thread(cgroup::close, "remove-" + name));
                    if (v2) {
                        Files.writeString(folder.resolve("memory.max"), Long.toString(limitBytes));
                        if (Files.exists(folder.resolve("memory.swap.max"))) {
                            Files.writeString(folder.resolve("memory.swap.max"), "0");
                        }
                    } else {
                        Files.writeString(folder.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
                        if (Files.exists(folder.resolve("memory.memsw.limit_in_bytes"))) {
                            Files.writeString(folder.resolve("memory.memsw.limit_in_bytes"), Long.toString(limitBytes));
                        }
                    }
                    return Optional.of(cgroup);
                } catch (IOException | RuntimeException e) {
                    System.err.println("cannot make a memory cgroup in " + parent + ": " + e);
                    if (Files.isDirectory(folder)) {
                        new MemoryCgroup(folder, v2).close();
                    }
                }
            }
            return Optional.empty();
        }

        String version() {
            return v2 ? "cgroup v2" : "cgroup v1";
        }

        ProcessBuilder starting(List<String> command) {
            List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                    folder.resolve("cgroup.procs").toString()));
            wrapped.addAll(command);
            return new ProcessBuilder(wrapped);
        }

        String describe(long limitMiB) {
            long oomKills = field(v2 ? "memory.events" : "memory.oom_control", "oom_kill");
            long hits = v2 ? field("memory.events", "max") : Long.parseLong(readOrEmpty(folder.resolve("memory.failcnt")));
            String peak = readOrEmpty(folder.resolve(v2 ? "memory.peak" : "memory.max_usage_in_bytes"));
            return (peak.isEmpty() ? "" : "peak " + (Long.parseLong(peak) >> 20) + " MiB of " + limitMiB + ", ")
                    + "limit reached " + hits + " times, OOM kills " + oomKills;
        }

        @Override
        public synchronized void close() {
            if (!Files.isDirectory(folder)) {
                return;
            }
            for (String pid : readOrEmpty(folder.resolve("cgroup.procs")).split("\\s+")) {
                if (!pid.isEmpty()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                        p.destroyForcibly();
                        p.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                    });
                }
            }
            try {
                Files.deleteIfExists(folder);   // rmdir: the kernel removes a cgroup's files with it
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove cgroup " + folder, e);
            }
        }

        private long field(String file, String name) {
            return readOrEmpty(folder.resolve(file)).lines().map(line -> line.split("\\s+"))
                    .filter(parts -> parts.length == 2 && parts[0].equals(name))
                    .mapToLong(parts -> Long.parseLong(parts[1])).findFirst().orElse(0);
        }

        private static String readOrEmpty(Path file) {
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                return "";
            }
        }

        private static Path ownCgroup(Path mount, boolean v2) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                    String[] fields = line.split(":", 3);
                    if (v2 ? fields[0].equals("0") && fields[1].isEmpty() : List.of(fields[1].split(",")).contains("memory")) {
                        Path own = mount.resolve(fields[2].substring(1));
                        return Files.isDirectory(own) ? own : mount;
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // the mount's root, then
            }
            return mount;
        }
    }
}
