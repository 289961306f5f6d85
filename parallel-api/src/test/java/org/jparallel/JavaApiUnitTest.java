package org.jparallel;

import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java-shaped API (no delayed, index ranges, mapAsync, WorkerLocal, nulls) in this JVM. */
@ExtendWith(NoLeftovers.class)
class JavaApiUnitTest {
    /** Static, so that the in-process tasks see it without capturing (THREADS and SEQUENTIAL copy nothing). */
    static final AtomicLongArray HITS = new AtomicLongArray(100);
    static final AtomicInteger MADE = new AtomicInteger();

    private static Parallel on(Backend backend) {
        return Parallel.of(2).backend(backend);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"THREADS", "SEQUENTIAL"})
    void mapAndStreamNeedNoDelayed(Backend backend) {
        assertEquals(List.of(1, 4, 9), on(backend).map((Integer x) -> x * x, List.of(1, 2, 3)));
        assertEquals(List.of(2, 3), on(backend).map(String::length, List.of("ab", "abc")));
        try (Stream<Integer> s = on(backend).streamUnordered((Integer x) -> -x, List.of(1, 2))) {
            assertEquals(Set.of(-1, -2), s.collect(Collectors.toSet()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"THREADS", "SEQUENTIAL"})
    void forEachRunsEveryIndexOnceAndMapIndicesKeepsTheirOrder(Backend backend) {
        for (int i = 0; i < HITS.length(); i++) {
            HITS.set(i, 0);
        }
        on(backend).forEach(0, 100, i -> HITS.incrementAndGet((int) i));
        for (int i = 0; i < HITS.length(); i++) {
            assertEquals(1, HITS.get(i), "index " + i);
        }
        assertEquals(List.of(9L, 4L, 1L, 0L, 1L), on(backend).mapIndices(-3, 2, i -> i * i));
        assertEquals(List.of(), on(backend).mapIndices(5, 5, i -> i), "an empty range is no task");
        on(backend).forEach(5, 5, i -> {
            throw new AssertionError("no task runs for an empty range");
        });
    }

    @Test
    void aBackwardsRangeIsRefusedWithTheEndsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Parallel.of(2).forEach(5, 3, i -> { }));
        assertTrue(e.getMessage().contains("from = 5 > to = 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(2).mapIndices(1, 0, i -> i));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"THREADS", "SEQUENTIAL"})
    void aCheckedExceptionOfAnIndexTaskArrivesAsItself(Backend backend) {
        IOException e = assertThrows(IOException.class, () -> on(backend).forEach(0, 10, i -> {
            if (i == 7) {
                throw new IOException("index 7 cannot be read");
            }
        }));
        assertEquals("index 7 cannot be read", e.getMessage());
        TaskFailure failure = assertInstanceOf(TaskFailure.class, e.getSuppressed()[0]);
        assertEquals(7, failure.taskIndex());
        assertThrows(IOException.class, () -> on(backend).mapIndices(0, 3, i -> {
            throw new IOException("no");
        }));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"THREADS", "SEQUENTIAL"})
    void mapAsyncCompletesWithTheResultsOrWithTheTasksOwnException(Backend backend) throws Exception {
        assertEquals(List.of(2, 3), on(backend).mapAsync((Integer x) -> x + 1, List.of(1, 2)).get());
        assertEquals(List.of(1.0, 2.0), on(backend).mapAsync(Parallel.delayed(Math::sqrt), List.of(1.0, 4.0)).get());
        ExecutionException e = assertThrows(ExecutionException.class, () -> on(backend).mapAsync((Integer x) -> {
            throw new IllegalStateException("task " + x + " failed");
        }, List.of(4)).get());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("task 4 failed", e.getCause().getMessage());
    }

    @Test
    void aWorkerLocalIsMadeOncePerJvmOutsideWorkers() {
        WorkerLocal<Object> local = WorkerLocal.of(() -> {
            MADE.incrementAndGet();
            return new Object();
        });
        Set<Object> seen = ConcurrentHashMap.newKeySet();
        int before = MADE.get();
        on(Backend.THREADS).forEach(0, 50, i -> seen.add(local.get()));
        on(Backend.SEQUENTIAL).forEach(0, 50, i -> seen.add(local.get()));
        assertEquals(1, seen.size(), "one value for all tasks of this JVM");
        assertSame(seen.iterator().next(), local.get(), "the caller sees the same value");
        assertEquals(before + 1, MADE.get());
        assertNull(WorkerLocal.of(() -> null).get(), "null is a value too");
    }

    @Test
    void aWorkerLocalWhoseInitFailsTriesAgainNextTime() {
        AtomicInteger tries = new AtomicInteger();
        WorkerLocal<String> flaky = WorkerLocal.of(() -> {
            if (tries.incrementAndGet() == 1) {
                throw new IllegalStateException("not yet");
            }
            return "ready";
        });
        assertThrows(IllegalStateException.class, flaky::get);
        assertEquals("ready", flaky.get());
        assertEquals("ready", flaky.get());
        assertEquals(2, tries.get());
    }

    @Test
    void theLibrarysReportsAboutATaskAreParallelExceptionsWithItsIndex() {
        ParallelException timeout = new TaskTimeoutException("slow", 3, Duration.ofSeconds(1));
        ParallelException died = new WorkerDiedException("died", 4, 137);
        ParallelException remote = new RemoteTaskException("x.Y", "m", new StackTraceElement[0], 5);
        assertEquals(List.of(3L, 4L, 5L), List.of(timeout.taskIndex(), died.taskIndex(), remote.taskIndex()));
        assertEquals(-1, new RemoteTaskException("x.Y", null, new StackTraceElement[0]).taskIndex(),
                "the old constructor still works and knows no index");
    }

    @Test
    void nullMeansTheDefaultOnEverySetter() {
        Parallel p = Parallel.of(2).tempFolder(Path.of("/scratch")).timeout(Duration.ofSeconds(1))
                .backend(Backend.THREADS).workerHeap("1g").maxBytes("2M");
        p.tempFolder(null).timeout(null).backend(null).workerHeap(null).maxBytes((String) null)
                .mmapMode(null).initializer(null).idleTimeout(null).workerProperty("k", null)
                .workerJvmOptions((String[]) null);
        assertEquals(Parallel.of(2).toString(), p.toString());
        try (ParallelConfig block = ParallelConfig.begin().backend(Backend.SEQUENTIAL).timeout(Duration.ofSeconds(9))) {
            Parallel inBlock = Parallel.of(2).backend(Backend.THREADS).timeout(Duration.ofSeconds(1));
            inBlock.backend(null).timeout(null);
            assertTrue(inBlock.toString().contains("backend=SEQUENTIAL") && inBlock.toString().contains("timeout=PT9S"),
                    "null gives back the block's setting: " + inBlock);
            try (ParallelConfig inner = ParallelConfig.begin().timeout(null).tempFolder(null).backend(null)
                    .mmapMode(null).maxBytes((String) null).workerHeap(null).initializer(null)) {
                assertTrue(Parallel.of(2).toString().contains("timeout=PT9S"), "an inner null leaves the outer setting");
            }
        }
        assertFalse(Parallel.of(2).workerProperty("a", "b").workerProperty("a", null).toString().contains("closed"));
        assertThrows(NullPointerException.class, () -> Parallel.of(2).workerProperty(null, "v"));
        assertThrows(NullPointerException.class, () -> Parallel.of(2).map((Fn<Integer, Integer>) null, List.of(1)));
        assertThrows(NullPointerException.class, () -> Parallel.of(2).forEach(0, 1, null));
    }
}
