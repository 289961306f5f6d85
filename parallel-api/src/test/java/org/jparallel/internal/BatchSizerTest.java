package org.jparallel.internal;

import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How many tasks go into the next batch: fixed as given, else about 20 ms of work, with the tail cut
 * down to 5 ms of work, starting from what the same function's tasks cost in the same Parallel's last call.
 */
class BatchSizerTest {

    /** A finished batch of {@code size} tasks that took {@code nanos} in all. */
    private static BatchOutcome ran(int size, long nanos) {
        Batch batch = new Batch(0, Collections.nCopies(size, (Object) 1));
        return BatchOutcome.success(batch, Collections.nCopies(size, (Object) 1), "test", nanos);
    }

    @Test
    void aFixedSizeIsUsedAsGivenWhateverRemainsAndWhateverTasksCost() {
        BatchSizer sizer = new BatchSizer(7, 2, null, null);
        assertEquals(7, sizer.next(1_000));
        assertEquals(7, sizer.next(3), "a fixed size is not cut at the tail; the runner takes what is left");
        sizer.record(ran(7, 7));
        assertEquals(7, sizer.next(-1));
    }

    @Test
    void automaticSizingStartsAtOneAndThenAimsAtTwentyMilliseconds() {
        BatchSizer sizer = new BatchSizer(0, 2, null, null);
        assertEquals(1, sizer.next(-1), "nothing measured yet: one task");
        sizer.record(ran(1, 2_000_000));    // 2 ms a task
        assertEquals(10, sizer.next(-1), "20 ms / 2 ms");
        sizer.record(ran(10, 10 * 2_000_000L));
        assertEquals(10, sizer.next(-1));
        sizer.record(ran(4, 4 * 40_000_000L));   // slower now: 40 ms a task, averaged with 2 ms = 21 ms
        assertEquals(1, sizer.next(-1), "long tasks go one by one");
    }

    @Test
    void tinyTasksAreCappedAndAFreeTaskCountsAsOneNanosecond() {
        BatchSizer sizer = new BatchSizer(0, 2, null, null);
        sizer.record(ran(100, 0));
        assertEquals(BatchSizer.MAX_AUTO, sizer.next(-1));
    }

    @Test
    void theTailIsCutSoThatEveryWorkerGetsSomeOfWhatRemainsButNotBelowFiveMilliseconds() {
        BatchSizer sizer = new BatchSizer(0, 2, null, null);
        sizer.record(ran(1, 2_000_000));   // 2 ms a task: 10 per batch, and at least 3 in the tail
        assertEquals(10, sizer.next(1_000));
        assertEquals(5, sizer.next(20), "20 left, 2 jobs: batches of a quarter, two per job");
        assertEquals(3, sizer.next(8), "a quarter would be 2 tasks, 4 ms: 3 tasks, 6 ms, instead");
        assertEquals(2, sizer.next(2), "never more than what remains");
        assertEquals(1, sizer.next(0), "never zero");
        assertEquals(10, sizer.next(-1), "an unknown remainder is not cut");
    }

    @Test
    void aTailOfTinyTasksIsNotCutAtAll() {
        BatchSizer sizer = new BatchSizer(0, 2, null, null);
        sizer.record(ran(1, 1_000));   // 1 µs a task: 20,000 per batch
        assertEquals(20_000, sizer.next(1_000_000));
        assertEquals(100, sizer.next(100), "100 µs of work in one batch: four would cost more than they save");
    }

    /** Stand-ins for two user functions of different classes. */
    private static final Object SQRT = new Object() { };
    private static final Object SLEEP = new Object() { };

    @Test
    void aCallStartsFromWhatTheLastCallOfTheSameFunctionOnTheSameParallelMeasured() {
        TaskCosts costs = new TaskCosts();
        BatchSizer first = new BatchSizer(0, 2, costs, SQRT);
        assertEquals(1, first.next(-1), "nothing measured yet: one task");
        first.record(ran(1, 2_000_000));
        first.record(ran(10, 10 * 2_000_000L));

        assertEquals(10, new BatchSizer(0, 2, costs, SQRT).next(-1), "the next call goes on from 2 ms a task");
        assertEquals(1, new BatchSizer(0, 2, costs, SLEEP).next(-1), "another function starts afresh");
        assertEquals(1, new BatchSizer(0, 2, new TaskCosts(), SQRT).next(-1), "another Parallel starts afresh");
        assertEquals(1, new BatchSizer(0, 2, null, SQRT).next(-1), "no memory given: one task");
    }

    @Test
    void aRememberedCostIsCutToAFairShareAndDoesNotSetTheTailsFloor() {
        TaskCosts costs = new TaskCosts();
        new BatchSizer(0, 2, costs, SQRT).record(ran(1, 2_000_000));   // 2 ms a task
        BatchSizer next = new BatchSizer(0, 2, costs, SQRT);
        assertEquals(2, next.next(8), "8 tasks on 2 jobs: a quarter each, though 2 ms tasks would batch 10");
        next.record(ran(2, 2 * 2_000_000L));
        assertEquals(3, next.next(6), "measured in this call: now the 5 ms floor holds");
    }

    @Test
    void aFixedSizeIsNeitherRememberedNorTakenFromMemory() {
        TaskCosts costs = new TaskCosts();
        BatchSizer fixed = new BatchSizer(7, 2, costs, SQRT);
        fixed.record(ran(7, 7 * 2_000_000L));
        assertEquals(1, new BatchSizer(0, 2, costs, SQRT).next(-1));
        new BatchSizer(0, 2, costs, SQRT).record(ran(1, 2_000_000));
        assertEquals(7, new BatchSizer(7, 2, costs, SQRT).next(-1));
    }

    @Test
    void failuresAndEmptyBatchesTeachNothing() {
        BatchSizer sizer = new BatchSizer(0, 2, null, null);
        Batch batch = new Batch(0, List.of(1, 2));
        sizer.record(BatchOutcome.failure(batch, new IllegalStateException(), 1, "test"));
        sizer.record(ran(0, 5));
        assertEquals(1, sizer.next(-1));
    }
}
