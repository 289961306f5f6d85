package org.jparallel.runtime;

import org.jparallel.Fn;
import org.jparallel.Parallel;
import org.jparallel.runtime.pool.ProcessBackendProvider;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.time.Duration;

import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A call cancelled by one of its tasks never costs a worker, never misreports, never prints. */
@ExtendWith(NoLeftovers.class)
class CancellationTest {

    /** Task 37 throws; the others send back 64 KiB each, so that cancels land while outcomes are written. */
    private static final Fn<Integer, double[]> ONE_FAILS = i -> {
        if (i == 37) {
            throw new IllegalStateException("task 37 failed on purpose");
        }
        return new double[8192];
    };

    @Test
    void aFailingTaskAmongManyIsReportedAsItselfAndNoWorkerDiesEvenWithTheOtherCoreBusy() throws Exception {
        List<Integer> args = IntStream.range(0, 100).boxed().collect(Collectors.toList());
        AtomicBoolean spinning = new AtomicBoolean(true);
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (spinning.get()) {
                x += System.nanoTime() & 1;
            }
            assertTrue(x >= 0);
        }, "busy-core");
        spinner.setDaemon(true);
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (Parallel p = Parallel.of(2)) {
            p.map(delayed((Integer i) -> i), args);   // workers up before we count them
            Set<Long> workers = pids();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            spinner.start();
            for (int round = 0; round < 300; round++) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> p.map(delayed(ONE_FAILS), args), "round " + round);
                assertEquals("task 37 failed on purpose", e.getMessage(), "round " + round);
                assertEquals(100, p.map(delayed((Integer i) -> i + 1), args).size(), "round " + round);
            }
            assertEquals(workers, pids(), "no worker died or was replaced while calls were cancelled");
        } finally {
            spinning.set(false);
            spinner.join();
            System.setErr(realErr);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains("Exception"), "nothing of ours on the user's stderr, got:\n" + printed);
    }

    /** joblib's 'generator_unordered': one 15 s task among ten fast ones does not hold the others back. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void streamUnorderedHandsOutTheFastResultsWhileASlowTaskRuns(int batchSize) {
        Parallel p = Parallel.of(2).batchSize(batchSize);
        p.map(delayed((Integer i) -> i), IntStream.range(0, 4).boxed().collect(Collectors.toList()));   // workers up
        Fn<Integer, Integer> oneSlow = i -> {
            if (i == 1) {
                try {
                    Thread.sleep(15_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return i;
        };
        List<Integer> args = IntStream.range(0, 10).boxed().collect(Collectors.toList());
        long start = System.nanoTime();
        try (Stream<Integer> results = p.streamUnordered(delayed(oneSlow), args)) {
            List<Integer> fast = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> results.limit(9).sorted().collect(Collectors.toList()));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of(0, 2, 3, 4, 5, 6, 7, 8, 9), fast);
            assertTrue(tookMillis < 2_000, "the nine fast results took " + tookMillis + " ms");
        }
    }

    private static Set<Long> pids() {
        Set<Long> pids = new HashSet<>();
        ProcessBackendProvider.workerProcesses().forEach(h -> pids.add(h.pid()));
        return pids;
    }
}
