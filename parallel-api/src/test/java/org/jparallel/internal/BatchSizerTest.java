package org.jparallel.internal;

import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How many tasks go into the next batch: fixed as given, else about 20 ms of work, with the tail cut. */
class BatchSizerTest {

    /** A finished batch of {@code size} tasks that took {@code nanos} in all. */
    private static BatchOutcome ran(int size, long nanos) {
        Batch batch = new Batch(0, Collections.nCopies(size, (Object) 1));
        return BatchOutcome.success(batch, Collections.nCopies(size, (Object) 1), "test", nanos);
    }

    @Test
    void aFixedSizeIsUsedAsGivenWhateverRemainsAndWhateverTasksCost() {
        BatchSizer sizer = new BatchSizer(7, 2);
        assertEquals(7, sizer.next(1_000));
        assertEquals(7, sizer.next(3), "a fixed size is not cut at the tail; the runner takes what is left");
        sizer.record(ran(7, 7));
        assertEquals(7, sizer.next(-1));
    }

    @Test
    void automaticSizingStartsAtOneAndThenAimsAtTwentyMilliseconds() {
        BatchSizer sizer = new BatchSizer(0, 2);
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
        BatchSizer sizer = new BatchSizer(0, 2);
        sizer.record(ran(100, 0));
        assertEquals(BatchSizer.MAX_AUTO, sizer.next(-1));
    }

    @Test
    void theTailIsCutSoThatEveryWorkerGetsSomeOfWhatRemains() {
        BatchSizer sizer = new BatchSizer(0, 2);
        sizer.record(ran(1, 1_000));   // 1 µs a task: 20,000 per batch
        assertEquals(20_000, sizer.next(1_000_000));
        assertEquals(25, sizer.next(100), "100 left, 2 jobs: batches of a quarter, two per job");
        assertEquals(1, sizer.next(3));
        assertEquals(1, sizer.next(0), "never zero");
        assertEquals(20_000, sizer.next(-1), "an unknown remainder is not cut");
    }

    @Test
    void failuresAndEmptyBatchesTeachNothing() {
        BatchSizer sizer = new BatchSizer(0, 2);
        Batch batch = new Batch(0, List.of(1, 2));
        sizer.record(BatchOutcome.failure(batch, new IllegalStateException(), 1, "test"));
        sizer.record(ran(0, 5));
        assertEquals(1, sizer.next(-1));
    }
}
