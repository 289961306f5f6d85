package org.jparallel.runtime;

import org.jparallel.Fn;
import org.jparallel.Parallel;
import org.jparallel.TaskTimeoutException;
import org.jparallel.WorkerDiedException;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Faults, cancellation, signals, bad input, concurrency, soak and the channel's trust model. */
@ExtendWith(NoLeftovers.class)
class ReliabilityTest {
    private static final long ME = ProcessHandle.current().pid();

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    /** A task that blocks until interrupted (or a minute passes). */
    private static final Fn<Integer, Integer> SLEEPY = i -> {
        try {
            Thread.sleep(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return i;
    };

    /** A task that ignores interrupts: only killing its worker stops it. */
    private static final Fn<Integer, Integer> STUBBORN = i -> {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.interrupted();
        }
        return i;
    };

    @Test
    void withRetriesATaskWhoseWorkerDiedRunsAgainAndTheCallSucceeds(@TempDir Path dir) {
        String marker = dir.resolve("died-once").toString();
        Fn<Integer, Integer> diesOnce = i -> {
            if (i == 2) {
                try {
                    Files.createFile(Path.of(marker));   // only the first attempt gets here without an exception
                    Runtime.getRuntime().halt(9);
                } catch (IOException alreadyDied) {
                    // the second attempt: carry on
                }
            }
            return i * 10;
        };
        assertEquals(List.of(0, 10, 20, 30), Parallel.of(2).batchSize(1).retries(1).map(delayed(diesOnce), range(4)));
        assertThrows(WorkerDiedException.class, () -> Parallel.of(2).batchSize(1).retries(2)
                .map(delayed((Integer i) -> {
                    if (i == 1) {
                        Runtime.getRuntime().halt(9);   // dies every time: three attempts, then the error
                    }
                    return i;
                }), range(3)));
    }

    @Test
    void unorderedResultsProducedBeforeATimeoutReachTheCaller() {
        LongArray produced = Memmap.longs(6);   // slot i = 1 once task i has produced its result
        List<Integer> seen = new ArrayList<>();
        try (Stream<Integer> results = Parallel.of(2).batchSize(1).timeout(Duration.ofMillis(800))
                .streamUnordered(delayed((Integer i) -> {
                    if (i == 0) {
                        return SLEEPY.apply(i);
                    }
                    produced.setVolatile(i, 1);
                    return i;
                }), range(6))) {
            Iterator<Integer> it = results.iterator();
            TaskTimeoutException e = assertThrows(TaskTimeoutException.class, () -> {
                while (it.hasNext()) {
                    seen.add(it.next());
                }
            });
            assertEquals(0, e.taskIndex());
        }
        // A task queued behind the sleeper on its worker never ran; every one that ran was delivered.
        List<Integer> ran = IntStream.range(1, 6).filter(i -> produced.getVolatile(i) == 1).boxed().collect(Collectors.toList());
        assertTrue(ran.size() >= 3, "most tasks ran on the free worker: " + ran);
        assertEquals(ran, seen.stream().sorted().collect(Collectors.toList()));
        produced.close();
    }

    /**
     * Wraps a task so that slot i of {@code running} holds its worker's pid while task i runs: the
     * work has stopped when every slot is empty or names a process that is gone.
     */
    private static Fn<Integer, Integer> tracked(Fn<Integer, Integer> task, LongArray running) {
        return i -> {
            running.setVolatile(i, ProcessHandle.current().pid());
            try {
                return task.apply(i);
            } finally {
                running.setVolatile(i, 0);
            }
        };
    }

    private static long runningTasks(LongArray running) {
        return LongStream.range(0, running.length()).map(running::getVolatile)
                .filter(pid -> pid != 0 && ParentDeathTest.alive(pid)).count();
    }

    @Test
    void interruptingTheCallerStopsTheWorkWithinASecondAndRemovesTheCallsFiles() throws Exception {
        DoubleMatrix big = DoubleMatrix.of(new double[4][1 << 16]);   // 2 MiB: the call has a dump folder
        for (Fn<Integer, Integer> task : List.of(SLEEPY, STUBBORN)) {
            LongArray running = Memmap.longs(4);
            Fn<Integer, Integer> tracked = tracked(task, running);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    Parallel.of(2).batchSize(1).map(delayed((Integer i) -> tracked.apply(i) + (int) big.rows()), range(4));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            caller.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> runningTasks(running) == 2);
            assertTrue(!SharedMemoryTest.callFolders().isEmpty());
            caller.interrupt();
            await().atMost(Duration.ofSeconds(1)).until(() -> runningTasks(running) == 0);
            caller.join(1000);
            assertTrue(thrown.get() instanceof CancellationException, "got " + thrown.get());
            await().atMost(Duration.ofSeconds(5)).until(() -> SharedMemoryTest.callFolders().isEmpty());
            assertEquals(range(4), Parallel.of(2).map(delayed((Integer x) -> x), range(4)));
            running.close();
        }
    }

    @Test
    void anExceptionInTheConsumerOfAStreamStopsTheWork() {
        LongArray running = Memmap.longs(6);
        Fn<Integer, Integer> tracked = tracked(STUBBORN, running);
        assertThrows(IllegalStateException.class, () -> Parallel.of(2).batchSize(1)
                .stream(delayed((Integer i) -> i < 2 ? i : tracked.apply(i)), range(6))
                .forEach(i -> {
                    if (i == 1) {
                        await().atMost(Duration.ofSeconds(30)).until(() -> runningTasks(running) > 0);
                        throw new IllegalStateException("the consumer gives up");
                    }
                }));
        await().atMost(Duration.ofSeconds(1)).until(() -> runningTasks(running) == 0);
        assertEquals(range(4), Parallel.of(2).map(delayed((Integer x) -> x), range(4)));
        running.close();
    }

    @Test
    void sigtermAndSigintShutDownCleanly(@TempDir Path marks) throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            Path dir = Files.createDirectory(marks.resolve(signal));
            try (ChildJvm parent = ChildJvm.start(OrphanedParent.class, dir.toString())) {
                List<Long> workers = java.util.Arrays.stream(parent.awaitLine("WORKERS ").substring(8).split(" "))
                        .map(Long::parseLong).collect(Collectors.toList());
                parent.awaitLine("RUNNING");
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    try (Stream<Path> s = Files.list(dir)) {
                        return s.count() == 2;
                    }
                });
                long pid = parent.process.pid();
                assertFalse(ChildJvm.ignoresSignal(pid, signal.equals("TERM") ? 15 : 2),
                        "the child JVM was started ignoring SIG" + signal + ", so it could not react to it");
                assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
                if (!parent.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    fail("the parent did not exit within 10 s of SIG" + signal + "; its threads:\n" + ChildJvm.threadDump(pid)
                            + "\nit printed:\n" + parent.output());
                }
                assertEquals(List.of(), ParentDeathTest.ownedFolders(pid), "its shutdown removed its files");
                await().atMost(Duration.ofSeconds(1)).until(() -> workers.stream().noneMatch(ParentDeathTest::alive));
            }
        }
    }

    @Test
    void aDumpThatFailsHalfwayGivesAClearErrorAndLeavesNothing(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // ulimit -f 8192: no file may grow past 8 MiB, so writing the 16 MiB dump fails in the middle.
        Process p = new ProcessBuilder("bash", "-c", "ulimit -f 8192 && exec \"$0\" -cp \"$1\" "
                + DumpingParent.class.getName() + " \"$2\"", java, System.getProperty("java.class.path"), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("ERROR java.lang.IllegalStateException: cannot send the function to a worker: cannot dump"),
                out);
        try (Stream<Path> left = Files.walk(dir)) {
            assertEquals(List.of(dir), left.collect(Collectors.toList()), "nothing partial is left");
        }
    }

    @Test
    void aResultThatCannotBeSentBackIsAClearErrorAndThePoolLives() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Parallel.of(2).map(delayed((Integer i) -> Thread.currentThread()), List.of(1)));
        assertTrue(e.getMessage().contains("cannot be sent back") && e.getMessage().contains("java.lang.Thread"),
                e.getMessage());
        assertEquals(range(3), Parallel.of(2).map(delayed((Integer x) -> x), range(3)));
        // A large array met before what fails (it would travel beside the Kryo bytes) is dropped with the rest.
        IllegalArgumentException afterAnArray = assertThrows(IllegalArgumentException.class,
                () -> Parallel.of(2).map(delayed((Integer i) -> List.of(new double[100_000], Thread.currentThread())),
                        List.of(1)));
        assertTrue(afterAnArray.getMessage().contains("cannot be sent back"), afterAnArray.getMessage());
        List<double[]> arrays = Parallel.of(2).map(delayed((Integer n) -> new double[n]), List.of(100_000, 3));
        assertEquals(100_000, arrays.get(0).length);
        assertEquals(3, arrays.get(1).length);
    }

    @Test
    void eightThreadsCallingAtOnceAllGetTheirOwnResults() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Long>>> calls = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long offset = t * 1_000_000L;
                calls.add(callers.submit(() -> Parallel.of(2).map(delayed((Long x) -> x + offset),
                        LongStream.range(0, 5_000).boxed().collect(Collectors.toList()))));
            }
            for (int t = 0; t < 8; t++) {
                long offset = t * 1_000_000L;
                assertEquals(LongStream.range(0, 5_000).map(x -> x + offset).boxed().collect(Collectors.toList()),
                        calls.get(t).get());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void soakThousandCallsAndAMillionTasksLeaveCountsWhereTheyWere() throws IOException {
        Parallel.shutdownWorkers();   // a pool of its own: no replacement worker of an earlier test may connect meanwhile
        Parallel p = Parallel.of(2);
        DoubleMatrix big = DoubleMatrix.of(new double[4][1 << 16]);   // dumped by every call that captures it
        // A first round loads whatever loads lazily (classes from jars not yet opened, thread pools),
        // so that what follows measures leaks, not start-up.
        soakRound(p, big, 20, 100_000);
        List<String> fds = openFiles();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long workers = ProcessHandle.current().children().count();
        long files = ourFiles();

        soakRound(p, big, 1000, 1_000_000);

        // Polled in this thread: Awaitility's own polling thread would count as one more thread.
        await().atMost(Duration.ofSeconds(10)).pollInSameThread().untilAsserted(() -> {
            assertEquals(files, ourFiles(), "files in our temp folders");
            assertEquals(workers, ProcessHandle.current().children().count(), "worker processes");
            List<String> opened = new ArrayList<>(openFiles());
            fds.forEach(opened::remove);
            assertEquals(List.of(), opened, "file descriptors opened and not closed");
            assertTrue(ManagementFactory.getThreadMXBean().getThreadCount() <= threads, "threads");
        });
    }

    /** {@code calls} small calls (every tenth with a dumped array), then one call of {@code tasks} tasks. */
    private static void soakRound(Parallel p, DoubleMatrix big, int calls, int tasks) {
        for (int call = 0; call < calls; call++) {
            int c = call;
            List<Integer> out = call % 10 == 0
                    ? p.map(delayed((Integer x) -> x + c + (int) big.rows() - 4), range(4))
                    : p.map(delayed((Integer x) -> x + c), range(4));
            assertEquals(List.of(c, c + 1, c + 2, c + 3), out);
        }
        long sum = p.map(delayed((Integer x) -> (long) x), range(tasks)).stream().mapToLong(Long::longValue).sum();
        assertEquals((long) tasks * (tasks - 1) / 2, sum);
    }

    /**
     * What this JVM's open file descriptors point to, but for jar files: the JVM opens a jar the
     * first time it loads a class from it and keeps it open, which is not a leak.
     */
    private static List<String> openFiles() throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : s.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    // the descriptor of this very listing, or one closed as we looked
                }
            }
        }
        targets.removeIf(t -> t.endsWith(".jar") || t.startsWith(System.getProperty("java.home")));
        targets.removeIf(t -> t.equals("/proc/" + ProcessHandle.current().pid() + "/fd"));
        return targets;
    }

    private static long ourFiles() throws IOException {
        long n = 0;
        for (Path base : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            try (Stream<Path> s = Files.list(base)) {
                for (Path folder : s.filter(f -> f.getFileName().toString().startsWith("jparallel-" + ME + "-")).toList()) {
                    try (Stream<Path> all = Files.walk(folder)) {
                        n += all.count();
                    }
                }
            }
        }
        return n;
    }

    @Test
    void onlyTheParentCanTalkToItsWorkersAndFoldersAreOwnerOnly() throws Exception {
        DoubleMatrix big = DoubleMatrix.of(new double[4][1 << 16]);
        List<String> perms = Parallel.of(2).map(delayed((Integer i) -> {
            Path file = ((org.jparallel.memmap.SharedArray) big).handle().orElseThrow().file();
            try {
                return PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())) + " "
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }), List.of(1));
        assertEquals(List.of("rwx------ rw-------"), perms);

        Path socket;
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            Path pool = s.filter(f -> f.getFileName().toString().matches("jparallel-" + ME + "-\\d+-pool-.*"))
                    .findFirst().orElseThrow();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pool)));
            socket = pool.resolve("s");
        }
        try (SocketChannel intruder = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            intruder.connect(UnixDomainSocketAddress.of(socket));
            byte[] hello = "not-the-token\n1".getBytes();
            ByteBuffer frame = ByteBuffer.allocate(5 + hello.length).putInt(hello.length).put((byte) 10).put(hello).flip();
            intruder.write(frame);
            ByteBuffer reply = ByteBuffer.allocate(16);
            if (intruder.read(reply) != -1) {
                fail("the pool answered a connection without its token");
            }
        }
        assertEquals(range(4), Parallel.of(2).map(delayed((Integer x) -> x), range(4)));
    }

    @Test
    void sharedCountersStayExactUnderRetriesToo() {
        LongArray counter = Memmap.longs(1);
        Parallel.of(2).retries(1).map(delayed((Integer i) -> counter.addAndGet(0, 1)), range(100));
        assertEquals(100, counter.getVolatile(0));
        counter.close();
    }
}
