package org.jparallel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Memory as the footprint rows of {@link VsJoblib} count it, from /proc: for this JVM and each
 * descendant process, Pss - Pss_Shmem from /proc/PID/smaps_rollup (its own memory plus its share of
 * libraries and other mapped files, but none of the /dev/shm pages), plus the allocated size of the
 * job's files in /dev/shm ({@code du}, each inode once), plus the Pss of deleted /dev/shm files that
 * processes still map, so each shared page counts once. Also the leak check (deleted /dev/shm files
 * still mapped after the calls) and the memory still available.
 */
final class Footprint {
    private final Figures jp;
    private final List<String> notes;

    /** Puts its figures into {@code jp}, its notes of leaks into {@code notes}. */
    Footprint(Figures jp, List<String> notes) {
        this.jp = jp;
        this.notes = notes;
    }

    /** Peak footprint of {@code call}, median of 3. */
    void measure(String key, Runnable call) {
        measure(key, call, null);
    }

    /**
     * The same; with {@code restart} (not null), each of the 3 calls runs on freshly started (and
     * warmed) workers, which {@code restart} makes.
     */
    void measure(String key, Runnable call, Runnable restart) {
        List<long[]> peaks = new ArrayList<>();
        List<Long> before = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (restart != null) {
                restart.run();
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
        jp.put(key, Timing.stats(peaks.stream().map(pk -> pk[0] / 1024.0).collect(Collectors.toList())));
        jp.detail(key, String.format(Locale.ROOT, "parent %d + %d other processes %d + /dev/shm files %d MiB%s",
                mid[1] >> 10, mid[3], mid[2] >> 10, mid[4] >> 10,
                mid[5] > 0 ? String.format(Locale.ROOT, " + deleted but still mapped %d MiB", mid[5] >> 10) : "")
                + String.format(Locale.ROOT, " (the parent was %d MiB before the call)", before.get(1) >> 10)
                + (restart != null ? " (each measured call on freshly restarted workers, because of the leak)" : ""));
    }

    /**
     * Whether this JVM or its workers still map /dev/shm files that were deleted (dumps of finished calls),
     * a second after the call, when the background deletion is done; noted for the report.
     */
    boolean leakCheck(String workload, String after) throws InterruptedException {
        Thread.sleep(1000);
        long[] d = deletedShmMapped();
        if (d[0] == 0 || d[1] < 1024) {
            return false;
        }
        notes.add(String.format(Locale.ROOT, "LEAK in %s: after %s, %d processes still map %d deleted /dev/shm files "
                + "holding %,d MiB (kernel cannot free them until the mapping goes)", workload, after, d[2], d[0], d[1] >> 10));
        return true;
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
            Set<Long> pids = new HashSet<>(others);
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
            if (maps.stream().noneMatch(Footprint::isDeletedShm)) {
                return new long[] {0, 0};
            }
            Set<String> files = new HashSet<>();
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
}
