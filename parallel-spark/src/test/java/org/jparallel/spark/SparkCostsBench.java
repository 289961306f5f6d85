package org.jparallel.spark;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The figures of the README's table "On a Spark cluster", beside worker JVMs. Not a test: runs only
 * with {@code -Djparallel.spark.bench=true} (see the README for the command), prints a table.
 */
@EnabledIfSystemProperty(named = "jparallel.spark.bench", matches = "true")
class SparkCostsBench {
    @RegisterExtension
    static final Timed CLUSTER = new Timed();

    /** The cluster of the tests, with the time its start took. */
    static final class Timed extends SparkCluster {
        long startNanos = -1;

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            long t0 = System.nanoTime();
            super.beforeAll(context);
            startNanos = System.nanoTime() - t0;
        }
    }

    @Test
    void costs() {
        List<Integer> two = List.of(1, 2);
        List<Integer> tiny = IntStream.range(0, 10_000).boxed().toList();
        List<String> rows = new ArrayList<>();

        Parallel spark = Parallel.of(-1).on(SparkBackend.of(CLUSTER.context()));
        rows.add(row("start: Master, Worker, application, 2 executors registered", CLUSTER.startNanos / 1e6, -1));
        rows.add(timed("first call, 2 tasks", 1, () -> spark.map(delayed((Integer x) -> x + 1), two)));
        rows.add(timed("warm call, 2 tasks", 20, () -> spark.map(delayed((Integer x) -> x + 1), two)));
        rows.add(timed("10,000 tiny tasks (x + 1)", 5, () -> spark.map(delayed((Integer x) -> x + 1), tiny)));

        List<Integer> four = List.of(0, 1, 2, 3);
        try (DoubleArray written = Memmap.doubles(BIG / 8)) {
            written.fill(1.0);
            try (DoubleArray big = Memmap.loadDoubles(written.handle().orElseThrow().file(), MmapMode.READ_ONLY)) {
                Supplier<List<Integer>> sums = () -> check(spark.map(delayed((Integer i) -> (int) big.sum()), four));
                rows.add(timed("256 MiB read-only mapped array summed by 4 tasks: first call (ships it)", 1, sums));
                rows.add(timed("256 MiB read-only mapped array summed by 4 tasks: next calls", 5, sums));
                Parallel.shutdownWorkers();
                try (Parallel jvms = Parallel.of(2)) {
                    Supplier<List<Integer>> local = () -> check(jvms.map(delayed((Integer i) -> (int) big.sum()), four));
                    rows.add(timed("worker JVMs: the same, first call (starts 2 JVMs)", 1, local));
                    rows.add(timed("worker JVMs: the same, next calls", 5, local));
                } finally {
                    Parallel.shutdownWorkers();
                }
            }
        }

        // Heap arrays over maxBytes: shipped as files once per content. A double[] must arrive as a
        // double[], so each Spark task copies it out of the executor's mapping; a DoubleArray does not.
        double[] heap = new double[(int) (MID / 8)];
        java.util.Arrays.fill(heap, 1.0);
        DoubleArray heapShared = DoubleArray.of(heap.clone());
        List<Double> hashMillis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            ShippedFiles.contentHash(DoubleArray.of(heap));
            hashMillis.add((System.nanoTime() - t0) / 1e6);
        }
        Collections.sort(hashMillis);
        rows.add(row("SHA-256 of a 64 MiB heap array on the driver (the cost of recognising it, every call)",
                hashMillis.get(2), 5));
        Supplier<List<Integer>> javaArray = () -> checkMid(spark.map(delayed((Integer i) -> {
            double sum = 0;
            for (double v : heap) {
                sum += v;
            }
            return (int) sum;
        }), four));
        rows.add(timed("64 MiB double[] captured, summed by 4 tasks: first call (hashes, dumps, ships it)", 1, javaArray));
        rows.add(timed("64 MiB double[] captured, summed by 4 tasks: next calls (each Spark task copies it)", 5, javaArray));
        Supplier<List<Integer>> sharedArray = () -> checkMid(spark.map(delayed((Integer i) -> (int) heapShared.sum()), four));
        rows.add(timed("64 MiB heap DoubleArray captured, summed by 4 tasks: first call", 1, sharedArray));
        rows.add(timed("64 MiB heap DoubleArray captured, summed by 4 tasks: next calls (mapped, no copy)", 5, sharedArray));
        // What the decoding of a captured double[] does in each Spark task, timed by the tasks:
        // heapShared is a mapping of the shipped file on the executor, and toArray() copies it out.
        List<Integer> copyMicros = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            copyMicros.addAll(spark.map(delayed((Integer x) -> {
                long t0 = System.nanoTime();
                double[] copy = heapShared.toArray();
                return (int) ((System.nanoTime() - t0) / 1000 + copy.length * 0L);
            }), four));
        }
        Collections.sort(copyMicros);
        rows.add(row("on an executor: copying the shipped 64 MiB out of its mapping into a double[] (timed by"
                + " each task; what each Spark task does for a captured double[])", copyMicros.get(copyMicros.size() / 2)
                / 1000.0, copyMicros.size()));

        Parallel.shutdownWorkers();
        try (Parallel jvms = Parallel.of(2)) {
            Supplier<List<Integer>> local = () -> checkMid(jvms.map(delayed((Integer i) -> {
                double sum = 0;
                for (double v : heap) {
                    sum += v;
                }
                return (int) sum;
            }), four));
            local.get();   // starts the JVMs
            rows.add(timed("worker JVMs: the same 64 MiB double[], next calls", 5, local));
        } finally {
            Parallel.shutdownWorkers();
        }

        Parallel.shutdownWorkers();
        try (Parallel jvms = Parallel.of(2)) {
            rows.add(timed("worker JVMs: first call, 2 tasks (starts 2 JVMs)", 1,
                    () -> jvms.map(delayed((Integer x) -> x + 1), two)));
            rows.add(timed("worker JVMs: warm call, 2 tasks", 20, () -> jvms.map(delayed((Integer x) -> x + 1), two)));
            rows.add(timed("worker JVMs: 10,000 tiny tasks (x + 1)", 5,
                    () -> jvms.map(delayed((Integer x) -> x + 1), tiny)));
        } finally {
            Parallel.shutdownWorkers();
        }
        System.out.println("| what | median ms | runs |");
        System.out.println("| --- | ---: | ---: |");
        rows.forEach(System.out::println);
    }

    private static final long BIG = 256L << 20;
    private static final long MID = 64L << 20;

    private static List<Integer> checkMid(List<Integer> sums) {
        sums.forEach(sum -> assertEquals((int) (MID / 8), sum));
        return List.of(2, 3);
    }

    private static List<Integer> check(List<Integer> sums) {
        sums.forEach(sum -> assertEquals((int) (BIG / 8), sum));
        return List.of(2, 3);   // what timed() checks
    }

    private static String timed(String what, int runs, Supplier<List<Integer>> call) {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            List<Integer> out = call.get();
            millis.add((System.nanoTime() - t0) / 1e6);
            assertEquals(out.size() == 2 ? List.of(2, 3) : out, out);
        }
        Collections.sort(millis);
        return row(what, millis.get(millis.size() / 2), runs);
    }

    private static String row(String what, double millis, int runs) {
        return String.format("| %s | %.0f | %s |", what, millis, runs < 0 ? "1" : Integer.toString(runs));
    }
}
