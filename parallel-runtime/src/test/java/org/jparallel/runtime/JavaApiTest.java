package org.jparallel.runtime;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.Backend;
import org.jparallel.Parallel;
import org.jparallel.ParallelException;
import org.jparallel.RemoteTaskException;
import org.jparallel.TaskFailure;
import org.jparallel.WorkerLocal;
import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.runtime.pool.ProcessBackendProvider;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.spi.IndexRange;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.awaitility.Awaitility.await;
import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java-shaped API on real worker JVMs: no delayed, index ranges, mapAsync, WorkerLocal, ParallelException. */
@ExtendWith(NoLeftovers.class)
class JavaApiTest {

    /** An exception that cannot travel: it holds a thread. */
    static class Unsendable extends RuntimeException {
        final Thread thread = Thread.currentThread();

        Unsendable() {
            super("holds a thread");
        }
    }

    private static Parallel on(Backend backend) {
        return Parallel.of(2).backend(backend);
    }

    @Test
    void aRangeBatchTravelsAsItsTwoEnds() {
        WireKryo kryo = new WireKryo(getClass().getClassLoader());
        Output out = new Output(64, -1);
        kryo.writeClassAndObject(out, new IndexRange(5, 5 + 1_000_000));
        assertTrue(out.position() <= 8, "a million indices took " + out.position() + " bytes");
        Output ten = new Output(64, -1);
        kryo.writeClassAndObject(ten, new IndexRange(5, 15));
        assertTrue(out.position() - ten.position() <= 3, "the length costs only its varint");

        Object back = kryo.readClassAndObject(new Input(out.toBytes()));
        IndexRange range = assertInstanceOf(IndexRange.class, back);
        assertEquals(5, range.from());
        assertEquals(1_000_005, range.to());

        Output far = new Output(64, -1);
        kryo.writeClassAndObject(far, new IndexRange(-7, Long.MAX_VALUE - 7));
        IndexRange farBack = (IndexRange) kryo.readClassAndObject(new Input(far.toBytes()));
        assertEquals(-7, farBack.from());
        assertEquals(Long.MAX_VALUE - 7, farBack.to());
        assertThrows(IllegalArgumentException.class, () -> new IndexRange(-7, Long.MAX_VALUE),
                "more indices than a long can count");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void mapNeedsNoDelayed(Backend backend) {
        int k = 10;
        assertEquals(List.of(11, 14, 19), on(backend).map((Integer x) -> x * x + k, List.of(1, 2, 3)));
        assertEquals(List.of(1.0, 2.0, 3.0), on(backend).map(Math::sqrt, List.of(1.0, 4.0, 9.0)));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void forEachRunsEveryIndexOnceWritingIntoASharedArray(Backend backend) {
        try (LongArray hits = Memmap.longs(10_000); LongArray seen = Memmap.longs(10_000)) {
            on(backend).forEach(0, 10_000, i -> hits.addAndGet(i, 1));
            on(backend).forEach(2_000, 3_000, i -> seen.set(i, i));
            for (long i = 0; i < 10_000; i++) {
                assertEquals(1, hits.get(i), "index " + i);
                assertEquals(i >= 2_000 && i < 3_000 ? i : 0, seen.get(i), "index " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void mapIndicesGivesTheResultsInIndexOrder(Backend backend) {
        List<Long> expected = LongStream.range(-50, 950).map(i -> i * i).boxed().collect(Collectors.toList());
        assertEquals(expected, on(backend).mapIndices(-50, 950, i -> i * i));
        assertEquals(List.of(), on(backend).mapIndices(3, 3, i -> i));
        on(backend).forEach(3, 3, i -> {
            throw new AssertionError("no task runs for an empty range");
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCheckedExceptionOfAnIndexTaskArrivesAsItselfNamingItsTask(Backend backend) {
        IOException e = assertThrows(IOException.class, () -> on(backend).forEach(100, 200, i -> {
            if (i == 142) {
                throw new IOException("row " + i + " is unreadable");
            }
        }));
        assertEquals("row 142 is unreadable", e.getMessage());
        TaskFailure failure = assertInstanceOf(TaskFailure.class, e.getSuppressed()[0]);
        assertEquals(42, failure.taskIndex(), "task indices count positions in the range");
        IOException fromFn = assertThrows(IOException.class, () -> on(backend).mapIndices(0, 5, i -> {
            throw new IOException("cannot map " + i);
        }));
        assertTrue(fromFn.getMessage().startsWith("cannot map"), fromFn.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"PROCESSES", "THREADS"})
    void mapAsyncCompletesWithTheResultsOrTheTasksOwnException(Backend backend) throws Exception {
        Parallel p = on(backend);
        CompletableFuture<List<Integer>> squares = p.mapAsync((Integer x) -> x * x, List.of(1, 2, 3));
        CompletableFuture<List<Double>> roots = p.mapAsync(delayed(Math::sqrt), List.of(4.0, 9.0));
        assertEquals(List.of(1, 4, 9), squares.get());
        assertEquals(List.of(2.0, 3.0), roots.get());

        ExecutionException e = assertThrows(ExecutionException.class, () -> p.mapAsync((Integer x) -> {
            if (x == 2) {
                throw new IllegalStateException("task " + x + " failed");
            }
            return x;
        }, List.of(0, 1, 2, 3)).get());
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("task 2 failed", cause.getMessage());
        assertEquals(2, assertInstanceOf(TaskFailure.class, cause.getSuppressed()[0]).taskIndex());
    }

    /** Cancelling the future interrupts the running tasks; the workers live on and serve the next call. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"PROCESSES", "THREADS"})
    void cancellingTheFutureOfMapAsyncCancelsItsCall(Backend backend) throws Exception {
        Parallel p = on(backend).batchSize(1);
        p.map((Integer x) -> x, List.of(1, 2, 3, 4));   // workers up before we count them
        Set<Long> workers = pids();
        try (LongArray started = Memmap.longs(1); LongArray interrupted = Memmap.longs(1);
             LongArray finished = Memmap.longs(1)) {
            CompletableFuture<List<Object>> call = p.mapAsync((Integer x) -> {
                started.addAndGet(0, 1);
                try {
                    Thread.sleep(60_000);
                    finished.addAndGet(0, 1);
                } catch (InterruptedException e) {
                    interrupted.addAndGet(0, 1);
                }
                return null;
            }, List.of(1, 2, 3, 4, 5, 6));
            await().atMost(Duration.ofSeconds(30)).until(() -> started.getVolatile(0) == 2);
            assertTrue(call.cancel(true));
            assertTrue(call.isCancelled());
            assertThrows(CancellationException.class, call::join);
            await().atMost(Duration.ofSeconds(10)).until(() -> interrupted.getVolatile(0) == 2);
            assertEquals(2, started.getVolatile(0), "no further task started");
            assertEquals(0, finished.getVolatile(0));
        }
        assertEquals(List.of(2, 3), p.map((Integer x) -> x + 1, List.of(1, 2)), "the Parallel is still usable");
        assertEquals(workers, pids(), "no worker died of the cancellation");
    }

    @Test
    void aWorkerLocalIsMadeOncePerWorkerJvmAndKeptAcrossCalls() {
        try (LongArray made = Memmap.longs(1)) {
            WorkerLocal<String> local = WorkerLocal.of(() -> {
                made.addAndGet(0, 1);
                return ProcessHandle.current().pid() + "/" + System.nanoTime();
            });
            Parallel p = Parallel.of(2).batchSize(1);
            Map<String, Set<Long>> byValue = new HashMap<>();
            for (int call = 0; call < 2; call++) {
                for (List<Object> pidAndValue : p.mapIndices(0, 40, i -> List.<Object>of(
                        ProcessHandle.current().pid(), local.get()))) {
                    byValue.computeIfAbsent((String) pidAndValue.get(1), v -> new HashSet<>()).add((Long) pidAndValue.get(0));
                }
            }
            assertEquals(made.getVolatile(0), byValue.size(), "one value made per worker JVM: " + byValue);
            assertTrue(byValue.size() <= 2, byValue.toString());
            byValue.forEach((value, pids) -> {
                assertEquals(1, pids.size(), "a value is seen in one worker only: " + byValue);
                assertTrue(value.startsWith(pids.iterator().next() + "/"), "made in the worker that sees it: " + value);
            });
        }
    }

    @Test
    void anExceptionThatCannotTravelIsAParallelExceptionNamingItsTask() {
        RemoteTaskException e = assertThrows(RemoteTaskException.class, () -> Parallel.of(2).forEach(0, 8, i -> {
            if (i == 5) {
                throw new Unsendable();
            }
        }));
        assertEquals(Unsendable.class.getName(), e.remoteClassName());
        assertEquals(5, e.taskIndex());
        assertInstanceOf(ParallelException.class, e);
    }

    private static Set<Long> pids() {
        Set<Long> pids = new HashSet<>();
        ProcessBackendProvider.workerProcesses().forEach(h -> pids.add(h.pid()));
        return pids;
    }

}
