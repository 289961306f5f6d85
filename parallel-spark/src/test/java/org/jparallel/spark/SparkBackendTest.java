package org.jparallel.spark;

import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.jparallel.Fn;
import org.jparallel.Parallel;
import org.jparallel.ParallelConfig;
import org.jparallel.TaskFailure;
import org.jparallel.TaskTimeoutException;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark backend on a real standalone cluster of 2 executors with 1 core each. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkBackendTest {
    @RegisterExtension
    static final SparkCluster CLUSTER = new SparkCluster();
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Counts COUNTS = new Counts();

    /** What Spark did, seen by a listener (events arrive asynchronously: wait for them). */
    static final class Counts extends SparkListener {
        final AtomicInteger jobs = new AtomicInteger();
        final AtomicInteger tasksStarted = new AtomicInteger();
        final AtomicInteger tasksEnded = new AtomicInteger();
        final AtomicInteger taskExceptions = new AtomicInteger();

        @Override
        public void onJobStart(SparkListenerJobStart jobStart) {
            jobs.incrementAndGet();
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart taskStart) {
            tasksStarted.incrementAndGet();
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
            if (taskEnd.reason() instanceof ExceptionFailure) {
                taskExceptions.incrementAndGet();
            }
            tasksEnded.incrementAndGet();
        }

        /** Waits until Spark has no task running. */
        void awaitIdle() {
            SparkCluster.waitFor("no Spark task running", LIMIT, () -> tasksEnded.get() == tasksStarted.get()
                    && CLUSTER.context().statusTracker().getActiveJobIds().length == 0);
        }
    }

    @BeforeAll
    static void listen() {
        CLUSTER.context().addSparkListener(COUNTS);
    }

    private static SparkBackend backend() {
        return SparkBackend.of(CLUSTER.context());
    }

    private static Parallel parallel(int nJobs) {
        return Parallel.of(nJobs).on(backend());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Test
    @Order(1)
    void mapReturnsResultsInArgumentOrderInOneSparkJob() {
        COUNTS.awaitIdle();
        int jobsBefore = COUNTS.jobs.get();
        List<Integer> args = IntStream.range(0, 1000).boxed().toList();
        int k = 3;
        List<Integer> out = parallel(-1).map(delayed((Integer x) -> x * x + k), args);
        assertEquals(args.stream().map(x -> x * x + k).toList(), out);
        SparkCluster.waitFor("the job's start to be seen", LIMIT, () -> COUNTS.jobs.get() > jobsBefore);
        COUNTS.awaitIdle();
        assertEquals(jobsBefore + 1, COUNTS.jobs.get(), "one call, one Spark job");
    }

    @Test
    @Order(2)
    void runAndEmptyCalls() {
        Parallel p = parallel(-1);
        assertEquals(List.of(1024.0, 9.0), p.run(List.of(delayed(Math::pow).with(2.0, 10.0),
                delayed(Math::pow).with(3.0, 2.0))));
        assertEquals(List.of(), p.map(delayed((Integer x) -> x), List.of()));
    }

    @Test
    @Order(3)
    void tasksRunOnBothExecutors() {
        List<Long> pids = parallel(-1).map(delayed((Integer x) -> {
            sleep(300);
            return ProcessHandle.current().pid();
        }), List.of(0, 1, 2, 3));
        assertEquals(2, new HashSet<>(pids).size(), "pids " + pids);
        assertTrue(!pids.contains(ProcessHandle.current().pid()));
    }

    @Test
    @Order(4)
    void streamsInOrderAndAsCompleted() {
        Parallel p = parallel(-1);
        List<Integer> args = IntStream.range(0, 8).boxed().toList();
        try (Stream<Integer> s = p.stream(delayed((Integer x) -> x * 10), args)) {
            assertEquals(args.stream().map(x -> x * 10).toList(), s.toList());
        }
        // Task 0 is slow: as completed, the others come first.
        try (Stream<Integer> s = p.streamUnordered(delayed((Integer x) -> {
            if (x == 0) {
                sleep(3000);
            }
            return x;
        }), args)) {
            List<Integer> seen = s.toList();
            assertEquals(Set.copyOf(args), Set.copyOf(seen));
            assertNotEquals(0, seen.get(0), "order " + seen);   // the others finish while task 0 sleeps
        }
    }

    @Test
    @Order(5)
    void aTaskExceptionArrivesAsItselfNamingTaskAndExecutorAndIsNotRetried() {
        COUNTS.awaitIdle();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel(-1).map(
                delayed((Integer x) -> {
                    if (x == 5) {
                        throw new IllegalStateException("boom " + x);
                    }
                    return x;
                }), IntStream.range(0, 20).boxed().toList()));
        assertEquals("boom 5", e.getMessage());
        TaskFailure failure = (TaskFailure) Arrays.stream(e.getSuppressed())
                .filter(s -> s instanceof TaskFailure).findFirst().orElseThrow();
        assertEquals(5, failure.taskIndex());
        assertTrue(failure.getMessage().matches("task 5 failed in Spark executor \\d+ on .+, pid \\d+"),
                failure.getMessage());
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getClassName().contains("SparkBackendTest")),
                "the executor's stack");
        COUNTS.awaitIdle();
        assertEquals(0, COUNTS.taskExceptions.get(), "no Spark task failed, so none was retried");
    }

    @Test
    @Order(6)
    void interruptingTheCallerCancelsTheSparkTasks() throws Exception {
        COUNTS.awaitIdle();
        int started = COUNTS.tasksStarted.get();
        AtomicReference<Thread> caller = new AtomicReference<>();
        CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
            caller.set(Thread.currentThread());
            return parallel(-1).map(delayed((Integer x) -> {
                sleep(60_000);
                return x;
            }), List.of(0, 1, 2, 3));
        });
        SparkCluster.waitFor("2 tasks running", LIMIT, () -> COUNTS.tasksStarted.get() >= started + 2);
        long t0 = System.nanoTime();
        caller.get().interrupt();
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertInstanceOf(CancellationException.class, e.getCause());
        COUNTS.awaitIdle();
        assertTrue(System.nanoTime() - t0 < LIMIT.toNanos());
    }

    @Test
    @Order(7)
    void closingTheParallelCancelsItsCall() throws Exception {
        COUNTS.awaitIdle();
        int started = COUNTS.tasksStarted.get();
        Parallel p = parallel(-1);
        CompletableFuture<List<Integer>> call = CompletableFuture.supplyAsync(() -> p.map(delayed((Integer x) -> {
            sleep(60_000);
            return x;
        }), List.of(0, 1, 2, 3)));
        SparkCluster.waitFor("2 tasks running", LIMIT, () -> COUNTS.tasksStarted.get() >= started + 2);
        p.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertInstanceOf(CancellationException.class, e.getCause());
        COUNTS.awaitIdle();
    }

    @Test
    @Order(8)
    void aTaskOverTheTimeoutFailsTheCallNamingIt() {
        COUNTS.awaitIdle();
        long t0 = System.nanoTime();
        TaskTimeoutException e = assertThrows(TaskTimeoutException.class, () -> parallel(-1)
                .timeout(Duration.ofSeconds(1))
                .map(delayed((Integer x) -> {
                    if (x == 1) {
                        sleep(60_000);
                    }
                    return x;
                }), IntStream.range(0, 8).boxed().toList()));
        assertEquals(1, e.taskIndex());
        assertTrue(e.getMessage().contains("Spark executor"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos());
        COUNTS.awaitIdle();
    }

    @Test
    @Order(9)
    void nJobsCountsFromTheClusterParallelism() {
        assertEquals(2, parallel(-1).nJobs());
        assertEquals(1, parallel(-2).nJobs());
        assertEquals(1, parallel(1).nJobs());
        assertEquals(List.of(2, 3), parallel(1).map(delayed((Integer x) -> x + 1), List.of(1, 2)));
        try (ParallelConfig block = ParallelConfig.begin().on(backend())) {
            Parallel p = Parallel.of(-1);
            assertEquals(2, p.nJobs());
            assertEquals(List.of(1L), p.map(delayed((Integer x) -> (long) x), List.of(1)));
        }
    }

    @Test
    @Order(10)
    void writableMappedArraysAreRefusedBeforeAnythingRunsHeapArraysTravel() {
        COUNTS.awaitIdle();
        int jobsBefore = COUNTS.jobs.get();
        try (DoubleArray out = Memmap.doubles(10)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parallel(-1)
                    .map(delayed((Integer i) -> {
                        out.set(i, i);
                        return null;
                    }), List.of(0, 1)));
            assertTrue(e.getMessage().contains("writable memory-mapped array")
                    && e.getMessage().contains("Return the results"), e.getMessage());
            IllegalArgumentException readWrite = assertThrows(IllegalArgumentException.class, () -> parallel(-1)
                    .mmapMode(MmapMode.READ_WRITE).map(delayed((DoubleArray a) -> a.sum()),
                            List.of(DoubleArray.of(new double[1 << 18]))));
            assertTrue(readWrite.getMessage().startsWith("the argument of task 0 holds a heap array of 2097152 bytes")
                    && readWrite.getMessage().contains("mmapMode(READ_WRITE)"), readWrite.getMessage());
            IllegalArgumentException asArgument = assertThrows(IllegalArgumentException.class, () -> parallel(-1)
                    .map(delayed((DoubleArray a) -> a.get(0)), List.of(out)));
            assertTrue(asArgument.getMessage().contains("the argument of task 0"), asArgument.getMessage());
        }
        SparkCluster.waitFor("listener events", LIMIT, () -> true);
        assertEquals(jobsBefore, COUNTS.jobs.get(), "nothing ran");
        double[] values = new double[1 << 20];   // 8 MiB on the heap, captured: shipped as a file
        Arrays.fill(values, 1.0);
        DoubleArray heap = DoubleArray.of(values);
        assertEquals(List.of((double) (1 << 20), (double) (1 << 20)),
                parallel(-1).map(delayed((Integer i) -> heap.sum()), List.of(0, 1)));
    }

    @Test
    @Order(11)
    void aReadOnlyMappedArrayIsShippedOncePerApplicationAndMappedOnTheExecutors() {
        try (DoubleArray written = Memmap.doubles(1 << 16)) {   // in /dev/shm, as a pipeline's data would be
            written.fill(2.0);
            Path file = written.handle().orElseThrow().file();
            try (DoubleArray shared = Memmap.loadDoubles(file, MmapMode.READ_ONLY)) {
                Fn<Integer, String> where = i -> shared.sum() + " " + shared.handle().orElseThrow().file()
                        + " " + shared.isReadOnly();
                List<String> seen = new ArrayList<>(parallel(-1).map(delayed(where), List.of(0, 1, 2, 3)));
                seen.addAll(parallel(-1).map(delayed(where), List.of(0, 1, 2, 3)));
                Set<String> names = new HashSet<>();
                Set<String> copies = new HashSet<>();
                for (String s : seen) {
                    String[] parts = s.split(" ");
                    assertEquals(2.0 * (1 << 16), Double.parseDouble(parts[0]));
                    assertEquals("true", parts[2]);
                    Path mapped = Path.of(parts[1]);
                    assertNotEquals(file, mapped, "executors map a copy of their own, fetched from the driver");
                    names.add(mapped.getFileName().toString());
                    copies.add(mapped.toString());
                }
                assertEquals(1, names.size(), "shipped once, under one name, for both calls: " + names);
                assertTrue(names.iterator().next().endsWith("-" + file.getFileName()), names.toString());
                assertTrue(copies.size() <= 2, "at most one copy per executor: " + copies);
            }
        }
    }

    @Test
    @Order(12)
    void aLazyIterableRunsInWavesOfJobsInOrder() {
        Iterable<Integer> lazy = () -> IntStream.range(0, 3000).iterator();   // not a Collection: size unknown
        List<Integer> out = parallel(-1).map(delayed((Integer x) -> x - 1), lazy);
        assertEquals(IntStream.range(0, 3000).map(x -> x - 1).boxed().toList(), out);
    }

    @Test
    @Order(13)
    void noExecutorWithinTheLimitIsAClearErrorNotAHang() {
        SparkBackend none = new SparkBackend(CLUSTER.context(), Duration.ofMillis(500), () -> 0);
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Parallel.of(2).on(none).map(delayed((Integer x) -> x), List.of(1)));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
        assertTrue(e.getMessage().startsWith("no Spark executor registered with spark://")
                && e.getMessage().contains("within 500 ms") && e.getMessage().contains("executorWait"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Parallel.of(-1).on(none).nJobs());
    }

    @Test
    @Order(14)
    void whatTasksPrintGoesToTheExecutorsLogs() {
        String mark = "printed-by-task-" + java.util.UUID.randomUUID();
        parallel(-1).map(delayed((Integer x) -> {
            System.out.println(mark + " " + x);
            System.out.flush();
            return x;
        }), List.of(0, 1));
        SparkCluster.waitFor("the tasks' lines in the executors' stdout", LIMIT, () -> {
            try (Stream<Path> files = Files.walk(CLUSTER.workDir())) {
                return files.filter(f -> f.getFileName().toString().equals("stdout")).mapToLong(f -> {
                    try {
                        return Files.readString(f).lines().filter(l -> l.startsWith(mark)).count();
                    } catch (java.io.IOException e) {
                        return 0;
                    }
                }).sum() == 2;
            }
        });
    }

    @Test
    @Order(15)
    void heapArraysOverMaxBytesReachEachExecutorOncePerApplicationAndContent() {
        COUNTS.awaitIdle();
        int n = 1 << 18;                                   // 2 MiB each, over the default maxBytes of 1 MiB
        double[] captured = new double[n];
        Arrays.fill(captured, 1.0);
        DoubleArray argument = DoubleArray.of(new double[n]);
        argument.fill(3.0);
        // Each task reports what it saw: the captured double[]'s sum and class, the argument's sum,
        // whether it is a read-only mapping, its file, and the arrays shipped to its executor's folder.
        Fn<DoubleArray, String> probe = a -> {
            double sum = 0;
            for (double v : captured) {
                sum += v;
            }
            String[] shipped = new java.io.File(org.apache.spark.SparkFiles.getRootDirectory())
                    .list((dir, name) -> name.contains("-array-"));
            Arrays.sort(shipped);
            return sum + " " + captured.getClass().getSimpleName() + " " + a.sum() + " " + a.isReadOnly()
                    + " " + a.handle().map(h -> h.file().getFileName().toString()).orElse("heap")
                    + " " + ProcessHandle.current().pid() + " " + String.join(",", shipped);
        };
        List<DoubleArray> args = List.of(argument, argument, argument, argument);
        long before = shippedArrays();
        String capturedName = hashName(DoubleArray.of(captured));
        String argumentName = hashName(argument);
        Parallel p = parallel(-1);
        List<String> seen = new ArrayList<>(p.map(delayed(probe), args));
        seen.addAll(p.map(delayed(probe), args));           // unchanged: nothing is shipped again
        Set<String> pids = new HashSet<>();
        for (String s : seen) {
            String[] parts = s.split(" ");
            assertEquals(List.of(String.valueOf((double) n), "double[]", String.valueOf(3.0 * n), "true"),
                    List.of(parts).subList(0, 4), s);
            assertTrue(parts[4].contains(argumentName), "the argument is mapped from its shipped file: " + s);
            assertEquals(1, count(parts[6], capturedName), "one file per executor, not per task or call: " + s);
            assertEquals(1, count(parts[6], argumentName), s);
            pids.add(parts[5]);
        }
        assertEquals(2, pids.size(), "both executors: " + seen);
        assertEquals(before + 2, shippedArrays(), "two calls of 4 tasks, one addFile per array");

        captured[0] = 5.0;                                 // changed: a new file, and the new answer
        argument.set(1, 7.0);
        String capturedName2 = hashName(DoubleArray.of(captured));
        String argumentName2 = hashName(argument);
        for (String s : p.map(delayed(probe), args)) {
            String[] parts = s.split(" ");
            assertEquals(String.valueOf(n + 4.0), parts[0], s);
            assertEquals(String.valueOf(3.0 * n + 4), parts[2], s);
            assertTrue(parts[4].contains(argumentName2), s);
            assertEquals(1, count(parts[6], capturedName2), s);
            assertEquals(1, count(parts[6], argumentName2), s);
        }
        assertEquals(before + 4, shippedArrays());
        assertEquals(List.of(3.0 * n + 4), Parallel.of(-1).on(backend()).maxBytes(Long.MAX_VALUE)
                .map(delayed((Integer i) -> argument.sum()), List.of(0)), "maxBytes off: inline");
        assertEquals(before + 4, shippedArrays(), "nothing shipped");
    }

    /** The part of the file name that the content of {@code array} gives. */
    private static String hashName(DoubleArray array) {
        return "-array-" + ShippedFiles.contentHash(array).substring(0, 32) + ".npy";
    }

    private static long count(String names, String name) {
        return Arrays.stream(names.split(",")).filter(f -> f.endsWith(name)).count();
    }

    /** How many heap arrays the application added with addFile. */
    private static long shippedArrays() {
        return scala.jdk.javaapi.CollectionConverters.asJava(CLUSTER.context().listFiles()).stream()
                .filter(f -> f.contains("-array-")).count();
    }

    /**
     * The real spark-submit (its main class, from the Maven jars; the script only builds this command
     * line) runs a driver from an application jar against the cluster, in client mode. jparallel's
     * jars and kryo5 reach the driver and the executors only through {@code --jars}: the class path
     * of both has Spark's jars alone.
     */
    @Test
    @Order(16)
    void sparkSubmitRunsADriverThatUsesTheBackend() throws Exception {
        Path dir = Files.createDirectories(CLUSTER.dir().resolve("submit"));
        List<String> spark = new ArrayList<>();
        List<String> jars = new ArrayList<>();
        Path testClasses = null;
        for (String entry : System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            String name = path.getFileName().toString();
            if (name.equals("test-classes")) {
                testClasses = path;
            } else if (Files.isDirectory(path) && entry.contains("parallel-")) {   // a reactor module's classes
                jars.add(jar(path, dir.resolve(path.getParent().getParent().getFileName() + ".jar"), f -> true).toString());
            } else if (name.startsWith("parallel-") || name.startsWith("kryo5-")) {
                jars.add(entry);
            } else {
                spark.add(entry);
            }
        }
        assertTrue(jars.size() >= 5 && testClasses != null, "jparallel's four jars and kryo5: " + jars);
        Path app = jar(testClasses, dir.resolve("app.jar"), f -> f.startsWith("org/jparallel/spark/SubmitDriver"));
        String sparkPath = String.join(java.io.File.pathSeparator, spark);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", sparkPath, "org.apache.spark.deploy.SparkSubmit",   // as --driver-memory 512m
                "--master", CLUSTER.masterUrl(), "--deploy-mode", "client",
                "--class", SubmitDriver.class.getName(), "--jars", String.join(",", jars),
                "--executor-memory", "512m", "--total-executor-cores", "1", "--executor-cores", "1"));
        for (String conf : List.of("spark.executor.extraClassPath=" + sparkPath,
                "spark.executorEnv.SPARK_SCALA_VERSION=2.13", "spark.driver.host=127.0.0.1",
                "spark.driver.bindAddress=127.0.0.1", "spark.ui.enabled=false",
                "spark.local.dir=" + Files.createDirectories(dir.resolve("local")),
                "spark.executor.extraJavaOptions=-XX:+UseSerialGC")) {
            command.add("--conf");
            command.add(conf);
        }
        command.add(app.toString());
        command.add("7");
        Path log = dir.resolve("submit.log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(CLUSTER.env());
        Process submit = pb.start();
        try {
            SparkCluster.waitFor("spark-submit to finish", Duration.ofSeconds(150), () -> !submit.isAlive());
        } finally {
            if (submit.isAlive()) {
                System.err.println(Files.readString(log));
                submit.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        String out = Files.readString(log);
        assertEquals(0, submit.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.contains("RESULT " + IntStream.range(0, 10).map(x -> x * x + 7).boxed().toList()), out);
        String pids = lines.stream().filter(l -> l.startsWith("PIDS ")).findFirst().orElseThrow();
        assertTrue(pids.matches("PIDS \\[(\\d+), \\1] DRIVER \\d+"), "one executor ran both tasks: " + pids);
        // The submitted application's executor goes with it; the next tests count the executors.
        SparkCluster.waitFor("the submitted application's executor to exit", LIMIT,
                () -> CLUSTER.executors().size() == 2);
    }

    /**
     * A class that only the caller's class loader knows (as JShell's snippets are): compiled here at
     * run time, so it is in no jar of the application. The call fails with an error that names the
     * class and says how to ship it; doing what it says (addJar) makes the same call work.
     */
    @Test
    @Order(17)
    void aClassOnlyTheCallerKnowsIsAClearErrorNamingItAndAddJarShipsIt() throws Exception {
        Path dir = Files.createDirectories(CLUSTER.dir().resolve("snippet"));
        Path source = Files.createDirectories(dir.resolve("src/snippet")).resolve("AddOne.java");
        Files.writeString(source, "package snippet;\n"
                + "public class AddOne implements org.jparallel.Fn<Integer, Integer> {\n"
                + "    public Integer apply(Integer x) { return x + 1; }\n"
                + "}\n");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                source.toString());
        assertEquals(0, rc, "javac");
        try (java.net.URLClassLoader caller = new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            @SuppressWarnings("unchecked")
            Fn<Integer, Integer> addOne = (Fn<Integer, Integer>) caller.loadClass("snippet.AddOne")
                    .getDeclaredConstructor().newInstance();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> parallel(-1).map(delayed(addOne), List.of(1, 2)));
            assertTrue(e.getMessage().contains("snippet.AddOne") && e.getMessage().contains("SparkContext.addJar")
                    && e.getMessage().contains("spark.jars"), e.getMessage());

            CLUSTER.context().addJar(jar(classes, dir.resolve("snippet.jar"), f -> true).toString());
            assertEquals(List.of(2, 3), parallel(-1).map(delayed(addOne), List.of(1, 2)));
        }
    }

    /** Writes the files of {@code classes} that {@code keep} accepts (by their path in the jar) into a jar. */
    private static Path jar(Path classes, Path jar, java.util.function.Predicate<String> keep) throws java.io.IOException {
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = classes.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                if (keep.test(name)) {
                    out.putNextEntry(new java.util.jar.JarEntry(name));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    @Test
    @Order(100)   // last: the application is left with one executor until the worker starts another
    void anExecutorKilledMidCallHasItsTasksRunAgain() {
        COUNTS.awaitIdle();
        CLUSTER.awaitExecutors(2, Duration.ofSeconds(90));
        int started = COUNTS.tasksStarted.get();
        List<Integer> args = IntStream.range(0, 8).boxed().toList();
        CompletableFuture<List<Integer>> call = CompletableFuture.supplyAsync(() -> parallel(-1)
                .map(delayed((Integer x) -> {
                    sleep(1500);
                    return x * 2;
                }), args));
        SparkCluster.waitFor("2 tasks running", LIMIT, () -> COUNTS.tasksStarted.get() >= started + 2);
        List<ProcessHandle> executors = CLUSTER.executors();
        assertEquals(2, executors.size(), "executors " + executors);
        executors.get(0).destroyForcibly();   // SIGKILL
        List<Integer> out = call.orTimeout(90, TimeUnit.SECONDS).join();
        assertEquals(args.stream().map(x -> x * 2).collect(Collectors.toList()), new ArrayList<>(out));
    }
}
