package org.jparallel.runtime;

import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A matrix four times larger than the memory its processes may use: a child JVM runs
 * {@link LargerThanMemoryParent} inside a memory cgroup of {@value #LIMIT_MIB} MiB (its 2 worker JVMs,
 * being its children, are in it too), creates a 3 GiB matrix in a disk folder, fills it and row-sums it.
 * Every sum must be right, nothing may be OOM-killed, and the limit must really have been reached (the
 * page cache of the file was reclaimed again and again as the processes went through it).
 *
 * <p>Needs a memory cgroup this JVM may create (cgroup v1, or v2 with the memory controller delegated);
 * skipped with the reason where there is none. The cgroup and the file are removed afterwards.
 */
@ExtendWith(NoLeftovers.class)
class LargerThanMemoryTest {
    private static final long LIMIT_MIB = 768;
    private static final long COLS = 1 << 16;
    private static final long ROWS = 3L * 1024 * 1024 * 1024 / 8 / COLS;   // 3 GiB of doubles

    @TempDir
    Path dir;

    @Test
    void aMatrixLargerThanTheMemoryLimitIsFilledAndRowSummedByTwoWorkers() throws Exception {
        assertTrue(ROWS * COLS * 8 >= 4 * (LIMIT_MIB << 20), "the matrix must be several times the limit");
        MemoryCgroup.Attempt attempt = MemoryCgroup.create("jparallel-test-" + ProcessHandle.current().pid() + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36), LIMIT_MIB << 20);
        assumeTrue(attempt.cgroup().isPresent(), () -> "skipped: no memory cgroup can be made here: " + attempt.why());
        Path file = dir.resolve("larger-than-memory.npy");
        try (MemoryCgroup cgroup = attempt.cgroup().get()) {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LargerThanMemoryParent.class.getName(),
                    file.toString(), Long.toString(ROWS), Long.toString(COLS));
            Process child = cgroup.starting(command).redirectErrorStream(true).start();
            StringBuffer output = new StringBuffer();
            Thread reader = readInto(child, output);
            boolean ended = child.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                child.destroyForcibly();
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertTrue(ended, () -> "the child did not end within 120 s; it printed:\n" + output);

            String out = output.toString();
            assertEquals(0, child.exitValue(), () -> "the child failed; it printed:\n" + out + "\n" + cgroup.describe());
            assertTrue(out.contains("OK " + ROWS + " row sums, total " + expectedTotal()), out);
            String inside = cgroup.pathInHierarchy();
            assertTrue(out.matches("(?s).*caller in memory cgroup " + Pattern.quote(inside) + "; workers \\[\\d+, \\d+\\] in \\["
                    + Pattern.quote(inside) + "\\].*"), () -> "the caller and both workers must be in " + inside + ":\n" + out);
            assertEquals(0, cgroup.oomKills(), () -> "OOM kills in the cgroup:\n" + cgroup.describe());
            assertTrue(cgroup.limitReached(LIMIT_MIB << 20), () -> "the limit was never reached, so the test proves"
                    + " nothing:\n" + cgroup.describe());
            // The workers end with their parent; then the cgroup is empty and can go.
            await().atMost(Duration.ofSeconds(10)).until(cgroup::isEmpty);
            System.out.println(out.strip().replace("\n", "; ") + "; " + cgroup.describe());
        } finally {
            Files.deleteIfExists(file);
        }
        assertFalse(Files.exists(file));
    }

    /** The sum of every row sum, row {@code r} being filled with {@code r % 7 + 1}: exact in doubles. */
    private static double expectedTotal() {
        double total = 0;
        for (long r = 0; r < ROWS; r++) {
            total += (r % 7 + 1) * (double) COLS;
        }
        return total;
    }

    private static Thread readInto(Process process, StringBuffer output) {
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /**
     * A memory cgroup made below this JVM's own one (v1 or v2, whichever the machine has), into which
     * a started command moves itself before it runs, so that it and all its children are limited. Closing
     * it stops what is still in it and removes it.
     */
    static final class MemoryCgroup implements AutoCloseable {
        private final Path mount;
        private final Path folder;
        private final boolean v2;

        private MemoryCgroup(Path mount, Path folder, boolean v2) {
            this.mount = mount;
            this.folder = folder;
            this.v2 = v2;
        }

        /** A cgroup, or why none could be made. */
        record Attempt(Optional<MemoryCgroup> cgroup, String why) {
        }

        static Attempt create(String name, long limitBytes) {
            List<String> problems = new ArrayList<>();
            for (String[] mount : mounts()) {
                boolean v1Memory = mount[2].equals("cgroup") && List.of(mount[3].split(",")).contains("memory");
                boolean v2 = mount[2].equals("cgroup2");
                if (!v1Memory && !v2) {
                    continue;
                }
                Path parent = ownCgroup(Path.of(mount[1]), v2);
                try {
                    if (v2 && !readOrEmpty(parent.resolve("cgroup.controllers")).contains("memory")) {
                        problems.add(parent + " (cgroup v2) has no memory controller");
                        continue;
                    }
                    if (v2 && !readOrEmpty(parent.resolve("cgroup.subtree_control")).contains("memory")) {
                        // Fails where the parent has processes of its own (the "no internal processes" rule).
                        Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory");
                    }
                    Path folder = Files.createDirectory(parent.resolve(name));
                    MemoryCgroup cgroup = new MemoryCgroup(Path.of(mount[1]), folder, v2);
                    try {
                        cgroup.limit(limitBytes);
                    } catch (IOException | RuntimeException e) {
                        cgroup.close();
                        throw e;
                    }
                    Runtime.getRuntime().addShutdownHook(new Thread(cgroup::removeQuietly, "remove-" + name));
                    return new Attempt(Optional.of(cgroup), "");
                } catch (IOException | RuntimeException e) {
                    problems.add("cannot make a memory cgroup in " + parent + ": " + e);
                }
            }
            return new Attempt(Optional.empty(), problems.isEmpty() ? "no memory cgroup is mounted" : String.join("; ", problems));
        }

        private void limit(long bytes) throws IOException {
            if (v2) {
                Files.writeString(folder.resolve("memory.max"), Long.toString(bytes));
                if (Files.exists(folder.resolve("memory.swap.max"))) {
                    Files.writeString(folder.resolve("memory.swap.max"), "0");
                }
            } else {
                Files.writeString(folder.resolve("memory.limit_in_bytes"), Long.toString(bytes));
                if (Files.exists(folder.resolve("memory.memsw.limit_in_bytes"))) {
                    // Memory plus swap at the same limit: nothing may hide in swap.
                    Files.writeString(folder.resolve("memory.memsw.limit_in_bytes"), Long.toString(bytes));
                }
            }
        }

        /** {@code command}, started so that it joins this cgroup before it runs (its children are born in it). */
        ProcessBuilder starting(List<String> command) {
            List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                    folder.resolve("cgroup.procs").toString()));
            wrapped.addAll(command);
            return new ProcessBuilder(wrapped);
        }

        /** The cgroup's path as /proc/PID/cgroup shows it: from the root of its hierarchy. */
        String pathInHierarchy() {
            return "/" + mount.relativize(folder);
        }

        boolean isEmpty() {
            return pids().isEmpty();
        }

        /** Processes killed by the OOM killer in this cgroup. */
        long oomKills() {
            return field(v2 ? "memory.events" : "memory.oom_control", "oom_kill");
        }

        /** How often memory use reached the limit (and the kernel reclaimed pages to stay under it). */
        long limitHits() {
            return v2 ? field("memory.events", "max") : Long.parseLong(read("memory.failcnt"));
        }

        /** The highest memory use, or -1 where the kernel does not say. */
        long peakBytes() {
            String peak = v2 ? readOrEmpty(folder.resolve("memory.peak")) : read("memory.max_usage_in_bytes");
            return peak.isEmpty() ? -1 : Long.parseLong(peak);
        }

        /**
         * True if memory use reached the limit: counted as limit hits, or seen as a peak within 16 MiB of it
         * (some kernels count no hits in v1, reclaiming before the charge fails).
         */
        boolean limitReached(long limitBytes) {
            return limitHits() > 0 || peakBytes() >= limitBytes - (16 << 20);
        }

        String describe() {
            long peak = peakBytes();
            return folder + ": limit hit " + limitHits() + " times, OOM kills " + oomKills()
                    + (peak < 0 ? "" : ", peak " + (peak >> 20) + " MiB");
        }

        /** Kills whatever is left in the cgroup (only processes this test started) and removes it. */
        @Override
        public void close() {
            for (long pid : pids()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            await().atMost(Duration.ofSeconds(10)).until(this::isEmpty);
            // rmdir, not a recursive delete: a cgroup's files cannot be deleted, and the kernel removes them.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                Files.deleteIfExists(folder);
                return true;
            });
        }

        private void removeQuietly() {
            try {
                if (Files.exists(folder)) {
                    close();
                }
            } catch (RuntimeException e) {
                System.err.println("cannot remove cgroup " + folder + ": " + e);
            }
        }

        private List<Long> pids() {
            if (!Files.exists(folder)) {
                return List.of();
            }
            return read("cgroup.procs").lines().filter(line -> !line.isBlank()).map(Long::parseLong).toList();
        }

        private long field(String file, String name) {
            return read(file).lines().map(line -> line.split("\\s+"))
                    .filter(parts -> parts.length == 2 && parts[0].equals(name))
                    .mapToLong(parts -> Long.parseLong(parts[1])).findFirst().orElse(0);
        }

        private String read(String file) {
            try {
                return Files.readString(folder.resolve(file)).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String readOrEmpty(Path file) {
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                return "";
            }
        }

        /** The fields of /proc/self/mounts: source, mount point, type, options. */
        private static List<String[]> mounts() {
            try {
                return Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(line -> line.split(" "))
                        .filter(fields -> fields.length >= 4).toList();
            } catch (IOException notLinux) {
                return List.of();
            }
        }

        /**
         * This JVM's cgroup in the hierarchy mounted at {@code mount}, from /proc/self/cgroup; the mount
         * itself where that path is not visible (in a container whose mount is its own cgroup).
         */
        private static Path ownCgroup(Path mount, boolean v2) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                    String[] fields = line.split(":", 3);
                    boolean matches = v2 ? fields[0].equals("0") && fields[1].isEmpty()
                            : List.of(fields[1].split(",")).contains("memory");
                    if (matches) {
                        Path own = mount.resolve(fields[2].substring(1));
                        return Files.isDirectory(own) ? own : mount;
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // fall back to the mount's root
            }
            return mount;
        }
    }
}
