package org.jparallel.runtime;

import org.jparallel.Fn;
import org.jparallel.Parallel;
import org.jparallel.RemoteTaskException;
import org.jparallel.Task;
import org.jparallel.TaskFailure;
import org.jparallel.TaskTimeoutException;
import org.jparallel.WorkerDiedException;
import org.jparallel.runtime.pool.ProcessBackendProvider;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PROCESSES backend with real worker JVMs. */
@ExtendWith(NoLeftovers.class)
class ProcessMapTest {

    record Point(int x, int y) {
    }

    static class Boom extends RuntimeException {
        final int code;

        Boom(String message, int code) {
            super(message);
            this.code = code;
        }
    }

    /** An exception that cannot travel: it holds a thread. */
    static class Unsendable extends RuntimeException {
        final transient Object keep = null;
        final Thread thread = Thread.currentThread();

        Unsendable() {
            super("holds a thread");
        }
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    @Test
    void resultsComeBackInArgumentOrderFromWorkerJvms() {
        List<Double> roots = Parallel.of(2).map(delayed(Math::sqrt), List.of(1.0, 4.0, 9.0, 16.0));
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), roots);

        List<Long> pids = Parallel.of(2).batchSize(1).map(delayed((Integer i) -> ProcessHandle.current().pid()), range(50));
        assertEquals(50, pids.size());
        assertTrue(pids.stream().noneMatch(p -> p == ProcessHandle.current().pid()), "tasks ran in the caller");
    }

    @Test
    void lambdasTravelWithWhatTheyCapture() {
        int k = 5;
        Fn<Integer, Integer> twice = x -> 2 * x;
        String prefix = "n=";
        Fn<String, String> label = prefix::concat;   // a bound method reference
        Map<String, Integer> table = new LinkedHashMap<>(Map.of("a", 1));
        List<String> out = Parallel.of(2).map(
                delayed((Point p) -> label.apply("" + (twice.apply(p.x()) + k + table.get("a") + p.y()))),
                List.of(new Point(1, 10), new Point(2, 20)));
        assertEquals(List.of("n=18", "n=30"), out);
    }

    @Test
    void jdkCollectionsRecordsAndNullsTravel() {
        List<Object> args = new ArrayList<>(List.of(List.of(1, 2), Arrays.asList(3, null), Map.of("k", 1),
                Set.of(), new Point(3, 4), IntStream.range(0, 3).boxed().toList(), Path.of("/tmp/x"),
                java.util.Optional.of(1), Duration.ofSeconds(3), java.util.UUID.randomUUID(),
                new java.math.BigDecimal("1.25"), new java.util.TreeMap<>(Map.of("b", 2, "a", 1))));
        args.add(null);
        List<Object> echoed = Parallel.of(2).batchSize(1).map(delayed((Object x) -> x), args);
        assertEquals(args, echoed);
        assertEquals(List.of(), Parallel.of(2).map(delayed((Integer x) -> x), List.of()));
        assertNull(Parallel.of(2).map(delayed((Integer x) -> null), List.of(1)).get(0));
    }

    record Arrays5(double[] d, float[] f, long[] l, int[] i, byte[] b) {
    }

    @Test
    void primitiveArraysOfEveryTypeComeBackWholeLargeOrSmallAndNested() {
        // Large ones travel beside the results' Kryo bytes, small and empty ones inside them.
        List<Object> out = Parallel.of(2).batchSize(2).map(delayed((Integer n) -> {
            double[] d = new double[n];
            float[] f = new float[n];
            long[] l = new long[n];
            int[] i = new int[n];
            byte[] b = new byte[n];
            for (int k = 0; k < n; k++) {
                d[k] = k + 0.5 * n;
                f[k] = k - 0.25f;
                l[k] = Long.MIN_VALUE + k;
                i[k] = -k;
                b[k] = (byte) k;
            }
            return n % 2 == 0 ? (Object) new Arrays5(d, f, l, i, b) : List.of(d, List.of(f, l), Map.of("i", i, "b", b));
        }), List.of(0, 7, 1 << 20, 600_001, 5000, 3));
        int[] sizes = {0, 7, 1 << 20, 600_001, 5000, 3};
        for (int t = 0; t < sizes.length; t++) {
            int n = sizes[t];
            Arrays5 a;
            if (n % 2 == 0) {
                a = (Arrays5) out.get(t);
            } else {
                List<?> l = (List<?>) out.get(t);
                List<?> fl = (List<?>) l.get(1);
                Map<?, ?> m = (Map<?, ?>) l.get(2);
                a = new Arrays5((double[]) l.get(0), (float[]) fl.get(0), (long[]) fl.get(1), (int[]) m.get("i"),
                        (byte[]) m.get("b"));
            }
            assertEquals(n, a.d().length, "task " + t);
            assertEquals(n, a.f().length);
            assertEquals(n, a.l().length);
            assertEquals(n, a.i().length);
            assertEquals(n, a.b().length);
            for (int k = 0; k < n; k++) {
                if (a.d()[k] != k + 0.5 * n || a.f()[k] != k - 0.25f || a.l()[k] != Long.MIN_VALUE + k || a.i()[k] != -k
                        || a.b()[k] != (byte) k) {
                    throw new AssertionError("task " + t + ": wrong element " + k);
                }
            }
        }
    }

    @Test
    void twoArgumentTasksRun() {
        List<Task<Double>> tasks = List.of(delayed(Math::pow).with(2.0, 10.0), delayed(Math::pow).with(3.0, 2.0));
        assertEquals(List.of(1024.0, 9.0), Parallel.of(2).run(tasks));
    }

    @Test
    void taskOutputReachesOurStreamsBeforeTheCallReturns() {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Parallel.of(2).batchSize(1).map(delayed((Integer i) -> {
                System.out.println("[Worker " + ProcessHandle.current().pid() + "] row " + i);
                System.err.println("warning " + i);
                return i;
            }), range(20));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < 20; i++) {
            assertTrue(printed.contains("] row " + i + "\n"), printed);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("warning " + i + "\n"));
        }
        assertEquals(20, printed.lines().count(), "only the tasks' lines, and whole: " + printed);
    }

    @Test
    void aTaskExceptionArrivesAsItselfWithItsIndexAndThePoolLives() {
        Boom boom = assertThrows(Boom.class, () -> Parallel.of(2).map(delayed((Integer i) -> {
            if (i == 37) {
                throw new Boom("bad row " + i, 7);
            }
            return i;
        }), range(100)));
        assertEquals("bad row 37", boom.getMessage());
        assertEquals(7, boom.code);
        assertTrue(Arrays.stream(boom.getStackTrace()).anyMatch(f -> f.getMethodName().contains("lambda")),
                "the worker's stack trace is kept");
        TaskFailure where = assertInstanceOf(TaskFailure.class, boom.getSuppressed()[0]);
        assertEquals(37, where.taskIndex());
        assertTrue(where.getMessage().matches("task 37 failed in worker pid \\d+"), where.getMessage());

        assertEquals(List.of(1, 2), Parallel.of(2).map(delayed((Integer x) -> x), List.of(1, 2)));
    }

    @Test
    void anExceptionThatCannotTravelArrivesAsAStandIn() {
        RemoteTaskException e = assertThrows(RemoteTaskException.class,
                () -> Parallel.of(2).map(delayed((Integer i) -> {
                    throw new Unsendable();
                }), List.of(1)));
        assertEquals(Unsendable.class.getName(), e.remoteClassName());
        assertTrue(e.getMessage().contains("holds a thread"), e.getMessage());
        assertTrue(e.getStackTrace().length > 0);
    }

    @Test
    void aWorkerThatExitsIsReportedAndReplaced() {
        WorkerDiedException e = assertThrows(WorkerDiedException.class,
                () -> Parallel.of(2).batchSize(1).map(delayed((Integer i) -> {
                    if (i == 3) {
                        System.exit(3);
                    }
                    return i;
                }), range(6)));
        assertEquals(3, e.taskIndex());
        assertEquals(3, e.exitCode());
        assertTrue(e.getMessage().contains("task 3") && e.getMessage().contains("exited with code 3"), e.getMessage());
        assertEquals(range(10), Parallel.of(2).map(delayed((Integer x) -> x), range(10)));
    }

    @Test
    void aWorkerOutOfMemoryIsReportedAsSuchAndReplaced() {
        Parallel small = Parallel.of(2).workerHeap("64m").batchSize(1);
        WorkerDiedException e = assertThrows(WorkerDiedException.class, () -> small.map(delayed((Integer i) -> {
            if (i == 1) {
                List<long[]> hog = new ArrayList<>();
                while (true) {
                    hog.add(new long[1 << 20]);
                }
            }
            return i;
        }), range(3)));
        assertEquals(1, e.taskIndex());
        assertTrue(e.getMessage().contains("ran out of memory") && e.getMessage().contains("workerHeap"), e.getMessage());
        assertEquals(range(3), small.map(delayed((Integer x) -> x), range(3)));
    }

    @Test
    void aWorkerKilledBySigkillIsReportedAndReplaced(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        String pidPath = pidFile.toString();
        Thread killer = new Thread(() -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(Path.of(pidPath + ".done")));
            try {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile))).ifPresent(ProcessHandle::destroyForcibly);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        killer.start();
        WorkerDiedException e = assertThrows(WorkerDiedException.class,
                () -> Parallel.of(2).batchSize(1).map(delayed((Integer i) -> {
                    if (i == 1) {
                        try {
                            Files.writeString(Path.of(pidPath), "" + ProcessHandle.current().pid());
                            Files.writeString(Path.of(pidPath + ".done"), "");
                            Thread.sleep(60_000);
                        } catch (Exception ex) {
                            throw new IllegalStateException(ex);
                        }
                    }
                    return i;
                }), range(4)));
        killer.join();
        assertEquals(1, e.taskIndex());
        assertEquals(137, e.exitCode());
        assertTrue(e.getMessage().contains("signal 9 (SIGKILL)"), e.getMessage());
        assertEquals(range(4), Parallel.of(2).map(delayed((Integer x) -> x), range(4)));
    }

    @Test
    void whatCannotBeSentIsRefusedBeforeDispatchWithItsClassNamed() {
        Thread thread = new Thread(() -> { });
        IllegalArgumentException fn = assertThrows(IllegalArgumentException.class,
                () -> Parallel.of(2).map(delayed((Integer i) -> i + thread.getName().length()), List.of(1)));
        assertTrue(fn.getMessage().contains("the function") && fn.getMessage().contains("java.lang.Thread"),
                fn.getMessage());

        List<Object> args = new ArrayList<>(List.of(1, 2, 3));
        args.add(thread);
        IllegalArgumentException arg = assertThrows(IllegalArgumentException.class,
                () -> Parallel.of(2).batchSize(10).map(delayed((Object x) -> x), args));
        assertTrue(arg.getMessage().contains("task 3") && arg.getMessage().contains("java.lang.Thread"),
                arg.getMessage());

        java.util.function.Function<Integer, Integer> plain = x -> x;   // not Serializable
        IllegalArgumentException lambda = assertThrows(IllegalArgumentException.class,
                () -> Parallel.of(2).map(delayed((Integer x) -> plain.apply(x)), List.of(1)));
        assertTrue(lambda.getMessage().contains("not Serializable"), lambda.getMessage());
    }

    @Test
    void aTaskOverItsTimeoutIsNamedAndItsWorkerReplaced() {
        TaskTimeoutException e = assertThrows(TaskTimeoutException.class,
                () -> Parallel.of(2).batchSize(1).timeout(Duration.ofMillis(500)).map(delayed((Integer i) -> {
                    if (i == 2) {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return i;
                }), range(4)));
        assertEquals(2, e.taskIndex());
        assertTrue(e.ran().toMillis() >= 500);
        assertTrue(e.getMessage().contains("task 2"), e.getMessage());
        assertEquals(range(4), Parallel.of(2).map(delayed((Integer x) -> x), range(4)));
    }

    /**
     * The pids of {@code n} tasks that all run at once: each waits (on a shared counter) until all
     * have started, so {@code n} workers must take part, however fast or slow they start.
     */
    private static Set<Long> pidsOfConcurrentTasks(int n) {
        org.jparallel.memmap.LongArray started = org.jparallel.memmap.Memmap.longs(1);
        try {
            return new HashSet<>(Parallel.of(n).batchSize(1).map(delayed((Integer i) -> {
                started.addAndGet(0, 1);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (started.getVolatile(0) < n && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                return ProcessHandle.current().pid();
            }), range(n)));
        } finally {
            started.close();
        }
    }

    @Test
    void thePoolIsReusedAndResized() {
        Parallel.shutdownWorkers();   // count only this test's workers
        Set<Long> first = pidsOfConcurrentTasks(2);
        Set<Long> second = pidsOfConcurrentTasks(2);
        assertEquals(2, first.size());
        assertEquals(first, second, "the same workers serve both calls");
        Set<Long> three = pidsOfConcurrentTasks(3);
        assertEquals(3, three.size());
        assertTrue(three.containsAll(first), "grown, not replaced");
        Parallel.of(2).map(delayed((Integer x) -> x), range(2));
        await("shrunk to the new nJobs").atMost(Duration.ofSeconds(10)).until(() -> three.stream()
                .filter(ParentDeathTest::alive).count() == 2);
    }

    @Test
    void aWorkerThatCannotStartFailsTheCallInsteadOfHanging() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Parallel bad = Parallel.of(2).workerJvmOptions("-XX:+NoSuchJvmOption");
            for (int attempt = 0; attempt < 2; attempt++) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> bad.map(delayed((Integer x) -> x), range(10)));
                assertTrue(e.getMessage().contains("before it started"), e.getMessage());
            }
        } finally {
            System.setErr(stderr);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("NoSuchJvmOption"), "the JVM's own complaint is shown");
    }

    @Test
    void aNestedCallRunsInsideTheWorkerInsteadOfStartingJvms() {
        List<String> out = Parallel.of(2).map(delayed((Integer i) -> {
            long me = ProcessHandle.current().pid();
            List<Long> inner = Parallel.of(2).map(delayed((Integer j) -> ProcessHandle.current().pid()), List.of(1, 2, 3));
            return inner.stream().allMatch(p -> p == me) + " " + ProcessHandle.current().children().count();
        }), range(2));
        assertEquals(List.of("true 0", "true 0"), out);
    }

    @Test
    void idleWorkersExitAfterTheIdleTimeout() {
        Parallel p = Parallel.of(2).idleTimeout(Duration.ofMillis(300)).workerProperty("test.pool", "idle");
        List<Long> pids = p.map(delayed((Integer i) -> ProcessHandle.current().pid()), range(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().noneMatch(
                pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void workersDoNotOversubscribeTheCores() {
        int cores = Runtime.getRuntime().availableProcessors();
        Parallel.shutdownWorkers();
        List<String> seen = Parallel.of(2 * cores).map(delayed((Integer i) -> System.getenv("OMP_NUM_THREADS") + " "
                + System.getenv("OPENBLAS_NUM_THREADS") + " " + java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()),
                range(1));
        assertEquals(List.of("1 1 1"), seen, "cores / nJobs, at least 1");
        String chosen = Parallel.of(2).workerProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "3")
                .map(delayed((Integer i) -> "" + java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()), range(1)).get(0);
        assertEquals("3", chosen, "the user's choice wins");
        Parallel.shutdownWorkers();
    }

    @Test
    void workerOptionsReachTheWorkers() {
        Parallel p = Parallel.of(2).workerHeap("256m").workerProperty("jparallel.test", "yes");
        List<String> seen = p.map(delayed((Integer i) -> System.getProperty("jparallel.test") + " "
                + Runtime.getRuntime().maxMemory() / (1 << 20)), range(2));
        assertTrue(seen.get(0).startsWith("yes "), seen.toString());
        assertTrue(Long.parseLong(seen.get(0).substring(4)) <= 256, seen.toString());
    }

    @Test
    void aClosedParallelRefusesAndCloseCancelsARunningCall() throws Exception {
        Parallel p = Parallel.of(2);
        Thread closer = new Thread(() -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> !ProcessBackendProvider.workerProcesses().isEmpty());
            p.close();
        });
        closer.start();
        long start = System.nanoTime();
        assertThrows(CancellationException.class, () -> p.map(delayed((Integer i) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return i;
        }), range(4)));
        closer.join();
        assertTrue(System.nanoTime() - start < 30_000_000_000L);
        assertThrows(IllegalStateException.class, () -> p.map(delayed((Integer x) -> x), range(1)));
        assertNotEquals(0, Parallel.of(2).map(delayed((Integer x) -> x + 1), range(1)).get(0));
    }
}
