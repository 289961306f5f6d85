package org.jparallel;

import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API's own behaviour, on the backends that need no worker JVMs. */
@ExtendWith(NoLeftovers.class)
class InProcessBackendsTest {

    @Test
    void nJobsFollowsJoblib() {
        assertEquals(2, Settings.resolveJobs(-1, 2));
        assertEquals(1, Settings.resolveJobs(-2, 2));
        assertEquals(7, Settings.resolveJobs(-2, 8));
        assertEquals(1, Settings.resolveJobs(-100, 8), "too negative still leaves one worker, as in joblib");
        assertEquals(16, Settings.resolveJobs(16, 2), "more than the cores is allowed");
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Parallel.of(0));
        assertTrue(zero.getMessage().contains("nJobs == 0"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(100_000));
    }

    @Test
    void sizesParseAsJoblibWritesThem() {
        assertEquals(1L << 20, Settings.parseSize("1M"));
        assertEquals(500L << 10, Settings.parseSize("500K"));
        assertEquals(2L << 30, Settings.parseSize("2G"));
        assertEquals(2L << 30, Settings.parseSize("2gb"));
        assertEquals(123, Settings.parseSize("123"));
        for (String bad : List.of("", "M", "-1M", "1.5M", "1Q", "lots")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.parseSize(bad));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(2).maxBytes(-1));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"THREADS", "SEQUENTIAL"})
    void mapKeepsArgumentOrder(Backend backend) {
        List<Integer> args = IntStream.range(0, 10_000).boxed().collect(Collectors.toList());
        List<Integer> out = Parallel.of(2).backend(backend).map(delayed(x -> x * 2), args);
        assertEquals(args.stream().map(x -> x * 2).collect(Collectors.toList()), out);
    }

    @Test
    void nullsAndEmptyInputs() {
        Parallel p = Parallel.of(2).backend(Backend.THREADS);
        assertEquals(List.of(), p.map(delayed((Integer x) -> x), List.of()));
        List<Integer> withNull = new ArrayList<>();
        withNull.add(null);
        withNull.add(3);
        List<Integer> out = p.map(delayed(x -> x == null ? null : x + 1), withNull);
        assertEquals(2, out.size());
        assertEquals(null, out.get(0));
        assertEquals(4, out.get(1));
    }

    @Test
    void argumentsAreConsumedLazily() {
        AtomicLong taken = new AtomicLong();
        Iterable<Long> endless = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Long next() {
                return taken.incrementAndGet();
            }
        };
        try (Parallel p = Parallel.of(2).backend(Backend.THREADS).batchSize(10).preDispatch(4)) {
            List<Long> first = p.stream(delayed((Long x) -> x), endless).limit(25).collect(Collectors.toList());
            assertEquals(25, first.size());
            assertTrue(taken.get() <= 30 + 4 * 10, "took " + taken.get() + " arguments for 25 results");
        }
    }

    @Test
    void taskExceptionNamesTheTask() {
        List<Integer> args = IntStream.range(0, 100).boxed().collect(Collectors.toList());
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> Parallel.of(2).backend(Backend.THREADS).map(delayed(x -> 10 / (x - 42)), args));
        TaskFailure where = assertInstanceOf(TaskFailure.class, e.getSuppressed()[0]);
        assertEquals(42, where.taskIndex());
        assertTrue(where.getMessage().contains("task 42"), where.getMessage());
    }

    @Test
    void closedParallelRefusesCalls() {
        Parallel p = Parallel.of(2).backend(Backend.THREADS);
        p.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> p.map(delayed((Integer x) -> x), List.of(1)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void closingFromAnotherThreadCancelsTheCall() throws Exception {
        Parallel p = Parallel.of(2).backend(Backend.THREADS);
        CountDownLatch started = new CountDownLatch(1);
        Thread closer = new Thread(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                return;
            }
            p.close();
        });
        closer.start();
        assertThrows(CancellationException.class, () -> p.map(delayed((Integer x) -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return x;
        }), List.of(1, 2, 3, 4)));
        closer.join();
    }

    @Test
    void timeoutAndSettingsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(2).timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(2).batchSize(-1));
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(2).preDispatch(0));
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(2).workerHeap("lots"));
    }

    @Test
    void processesWithoutRuntimeSaysWhatToAdd() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Parallel.of(2).map(delayed((Integer x) -> x), List.of(1, 2)));
        assertTrue(e.getMessage().contains("parallel-runtime"), e.getMessage());
    }
}
