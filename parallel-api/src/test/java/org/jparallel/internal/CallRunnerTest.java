package org.jparallel.internal;

import org.jparallel.TaskFailure;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallExecutor;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch order of a call: how many batches are in flight, in which order results are handed
 * out, and what the first failure does, against an executor whose completion order the test
 * chooses (the latest batch submitted finishes first).
 */
class CallRunnerTest {

    /** Completes the pending batch submitted last first; logs "s<first index>" and "t<first index>". */
    static final class LastInFirstOut implements CallExecutor {
        final List<String> events = new ArrayList<>();
        private final List<Batch> pending = new ArrayList<>();
        private final int failAt;
        boolean cancelled;
        boolean closed;

        LastInFirstOut(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void submit(Batch batch) {
            events.add("s" + batch.firstIndex());
            pending.add(batch);
        }

        @Override
        public BatchOutcome take() {
            Batch batch = pending.remove(pending.size() - 1);
            events.add("t" + batch.firstIndex());
            List<Object> results = new ArrayList<>();
            for (Object arg : batch.args()) {
                if ((Integer) arg == failAt) {
                    return BatchOutcome.failure(batch, new IllegalStateException("task " + arg), (Integer) arg, "test");
                }
                results.add((Integer) arg * 10);
            }
            return BatchOutcome.success(batch, results, "test", 1);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    private static List<Object> drain(CallRunner runner) {
        List<Object> out = new ArrayList<>();
        try (runner) {
            runner.forEachRemaining(out::add);
        }
        return out;
    }

    private static CallRunner runner(CallExecutor executor, Iterable<?> args, int window, boolean ordered) {
        return new CallRunner(executor, null, null, args, 1, 2, window, ordered, new Progress(0, false, -1, NOWHERE), () -> { });
    }

    @Test
    void orderedResultsWaitForTheEarliestBatchAndBatchesFinishedAheadCountAgainstTheWindow() {
        LastInFirstOut executor = new LastInFirstOut(-1);
        assertEquals(List.of(0, 10, 20, 30, 40, 50), drain(runner(executor, range(6), 3, true)));
        // Batch 0 finishes last; until it does, 1 and 2 are held and nothing more is sent.
        assertEquals(List.of("s0", "s1", "s2", "t2", "t1", "t0", "s3", "s4", "s5", "t5", "t4", "t3"), executor.events);
        assertTrue(executor.closed);
    }

    @Test
    void unorderedResultsComeAsBatchesFinishAndEachFinishedBatchFreesASlot() {
        LastInFirstOut executor = new LastInFirstOut(-1);
        assertEquals(List.of(20, 30, 40, 50, 10, 0), drain(runner(executor, range(6), 3, false)));
        assertEquals(List.of("s0", "s1", "s2", "t2", "s3", "t3", "s4", "t4", "s5", "t5", "t1", "t0"), executor.events);
    }

    @Test
    void argumentsAreTakenOnlyAsTheWindowAllows() {
        int[] taken = {0};
        Iterable<Integer> counted = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return taken[0]++;
            }
        };
        LastInFirstOut executor = new LastInFirstOut(-1);
        try (CallRunner runner = runner(executor, counted, 4, false)) {
            assertEquals(30, runner.next(), "the batch sent last finished first");
            assertEquals(4, taken[0], "a window of 4 batches of 1: four arguments, however many exist");
        }
        assertTrue(executor.cancelled && executor.closed, "closing early cancels the three still in flight");
    }

    @Test
    void theFirstFailureCancelsTheRestAndArrivesAsItselfNamingTheTask() {
        LastInFirstOut executor = new LastInFirstOut(2);
        CallRunner runner = runner(executor, range(6), 3, true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> drain(runner));
        assertEquals("task 2", e.getMessage());
        TaskFailure where = assertInstanceOf(TaskFailure.class, e.getSuppressed()[0]);
        assertEquals(2, where.taskIndex());
        assertEquals("task 2 failed in test", where.getMessage());
        assertTrue(executor.cancelled && executor.closed);
        assertEquals(List.of("s0", "s1", "s2", "t2"), executor.events, "nothing is sent after the failure");
    }
}
