package org.jparallel.runtime;

import org.jparallel.testing.LogRecords;
import org.jparallel.Backend;
import org.jparallel.Delayed;
import org.jparallel.Fn;
import org.jparallel.Parallel;
import org.jparallel.ParallelConfig;
import org.jparallel.TaskFailure;
import org.jparallel.TaskTimeoutException;
import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One contract, every backend (as joblib parametrises its tests over its backends): results in
 * order, errors as themselves, the first failure stops the call, timeouts honoured, retries never
 * silently ignored, nulls and empty input, cancellation, and endless recursion stopped.
 */
@ExtendWith(NoLeftovers.class)
class BackendContractTest {

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    private static Parallel on(Backend backend) {
        return Parallel.of(2).backend(backend);
    }

    private static final Fn<Integer, Integer> SLEEPS_10_S = i -> {
        try {
            Thread.sleep(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return i;
    };

    @ParameterizedTest
    @EnumSource(Backend.class)
    void resultsComeInArgumentOrderAndAsCompletedAndNullsAndEmptyInputWork(Backend backend) {
        Parallel p = on(backend);
        assertEquals(range(50).stream().map(i -> i * 2).collect(Collectors.toList()),
                p.map(delayed((Integer i) -> i * 2), range(50)));
        try (Stream<Integer> done = p.streamUnordered(delayed((Integer i) -> i + 1), range(50))) {
            assertEquals(range(51).subList(1, 51), done.sorted().collect(Collectors.toList()));
        }
        assertEquals(Arrays.asList(null, "x"), p.map(delayed((String s) -> s == null ? null : s), Arrays.asList(null, "x")));
        assertEquals(List.of(), p.map(delayed((Integer i) -> i), List.of()));
        assertThrows(NullPointerException.class, () -> p.map((Delayed<Integer, Integer>) null, List.of(1)));
        assertThrows(NullPointerException.class, () -> p.map((Fn<Integer, Integer>) null, List.of(1)));
        assertThrows(NullPointerException.class, () -> p.map(delayed((Integer i) -> i), null));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFailingTaskArrivesAsItselfNamingItsIndex(Backend backend) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> on(backend).map(
                delayed((Integer i) -> {
                    if (i == 7) {
                        throw new IllegalArgumentException("bad " + i);
                    }
                    return i;
                }), range(20)));
        assertEquals("bad 7", e.getMessage());
        TaskFailure where = assertInstanceOf(TaskFailure.class, e.getSuppressed()[0]);
        assertEquals(7, where.taskIndex());
    }

    /** In the calling thread nothing runs after the task that threw: joblib stops at the first error. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void inTheCallingThreadNoTaskRunsAfterTheOneThatThrew(Backend backend) {
        try (LongArray highest = Memmap.longs(1)) {
            highest.set(0, -1);
            Fn<Integer, Integer> failsAt3 = i -> {
                highest.set(0, Math.max(highest.get(0), i));
                if (i == 3) {
                    throw new IllegalStateException("task 3");
                }
                return i;
            };
            assertThrows(IllegalStateException.class,
                    () -> Parallel.of(1).backend(backend).map(delayed(failsAt3), range(20)));
            assertEquals(3, highest.get(0), "nJobs 1 on " + backend);
            if (backend == Backend.SEQUENTIAL) {
                highest.set(0, -1);
                assertThrows(IllegalStateException.class, () -> on(backend).map(delayed(failsAt3), range(20)));
                assertEquals(3, highest.get(0), "SEQUENTIAL with nJobs 2");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTaskOverTheTimeoutIsStoppedAndNamedOnEveryBackendAndWithOneJob(Backend backend) {
        for (int nJobs : new int[] {2, 1}) {
            Parallel p = Parallel.of(nJobs).backend(backend).timeout(Duration.ofMillis(300));
            p.map(delayed((Integer i) -> i), range(2));   // workers started: the time is the tasks'
            long start = System.nanoTime();
            TaskTimeoutException e = assertTimeoutPreemptively(Duration.ofSeconds(8),
                    () -> assertThrows(TaskTimeoutException.class, () -> p.map(delayed(SLEEPS_10_S), range(2))),
                    "two 10 s tasks under a 300 ms timeout, " + backend + ", nJobs " + nJobs);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 5_000, backend + " nJobs " + nJobs + " took " + tookMillis + " ms");
            assertTrue(e.taskIndex() == 0 || e.taskIndex() == 1, e.getMessage());
            assertTrue(e.getMessage().startsWith("task " + e.taskIndex() + " ran"), e.getMessage());
            assertTrue(e.getMessage().contains("300 ms"), e.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void aTimeoutOfACallNestedInAWorkerIsHonoured() {
        List<String> seen = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> Parallel.of(2).map(delayed((Integer i) -> {
            try {
                Parallel.of(2).timeout(Duration.ofMillis(300)).map(delayed(SLEEPS_10_S), List.of(i));
                return "no timeout";
            } catch (TaskTimeoutException e) {
                return e.getMessage();
            }
        }), range(2)));
        assertTrue(seen.get(1).startsWith("task 0 ran longer than the timeout of 300 ms"), seen.toString());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void retriesAreHonouredOrTheLogSaysOnceThatTheyCannotBe(Backend backend) {
        List<LogRecord> records;
        try (LogRecords log = LogRecords.of("org.jparallel")) {
            records = log.records();
            on(backend).retries(2).map(delayed((Integer i) -> i), range(4));
            on(backend).retries(2).map(delayed((Integer i) -> i), range(4));
        }
        List<String> warnings = new ArrayList<>();
        records.stream().filter(r -> r.getLevel() == Level.WARNING).forEach(r -> warnings.add(r.getMessage()));
        if (backend == Backend.PROCESSES) {
            assertEquals(List.of(), warnings);
        } else {
            // Once per JVM: another test may have said it already, but never twice.
            assertTrue(warnings.size() <= 1, warnings.toString());
            warnings.forEach(w -> assertTrue(w.contains("retries(2) has no effect with backend " + backend), w));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closingTheParallelFromAnotherThreadCancelsTheCall(Backend backend) throws Exception {
        Parallel p = on(backend).batchSize(1);
        p.map(delayed((Integer i) -> i), range(2));
        try (LongArray started = Memmap.longs(1)) {
            Fn<Integer, Integer> slow = i -> {
                started.addAndGet(0, 1);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return i;
            };
            Thread closer = new Thread(() -> {
                await().atMost(Duration.ofSeconds(30)).until(() -> started.get(0) > 0);
                p.close();
            });
            closer.start();
            assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(CancellationException.class, () -> p.map(delayed(slow), range(40))));
            closer.join();
            assertTrue(started.get(0) < 40, "the call stopped early: " + started.get(0) + " of 40 tasks started");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aConfigBlocksInitializerIsMadeOncePerWorkerForEveryParallelOfTheBlock(Backend backend) {
        try (LongArray made = Memmap.longs(1);
             ParallelConfig block = ParallelConfig.begin().backend(backend).initializer(() -> {
                 made.addAndGet(0, 1);
                 return "state";
             })) {
            Fn<Integer, String> useState = i -> Parallel.<String>workerState() + i;
            assertEquals(List.of("state0", "state1"), Parallel.of(2).map(delayed(useState), range(2)));
            assertEquals(List.of("state0", "state1"), Parallel.of(2).map(delayed(useState), range(2)));
            long expected = backend == Backend.PROCESSES ? 2 : 1;   // per worker JVM; in-process, this JVM's one
            assertTrue(made.get(0) >= 1 && made.get(0) <= expected, backend + ": made " + made.get(0) + " times");
            assertThrows(IllegalArgumentException.class, () -> block.timeout(Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> block.timeout(Duration.ofSeconds(-1)));
        }
    }

    /** joblib's test_thread_bomb_mitigation: a task that calls Parallel of itself, without end. */
    private static Fn<Integer, Integer> bomb(Backend backend) {
        return i -> Parallel.of(2).backend(backend).map(delayed(bomb(backend)), List.of(i, i + 1)).get(0);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void endlessRecursionEndsWithAClearErrorInSeconds(Backend backend) {
        IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(IllegalStateException.class, () -> on(backend).map(delayed(bomb(backend)), range(2))));
        assertTrue(e.getMessage().contains("nested 65 deep"), e.getMessage());
        assertEquals(List.of(1), on(backend).map(delayed((Integer i) -> i + 1), range(1)), "still usable");
    }
}
