package org.jparallel.internal;

import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.IndexRange;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A range is cut into sub-ranges by its ends, never iterated: the batches of forEach and mapIndices. */
class IndexRangeBatchingTest {

    /** Records the batches and answers each with one result per batch (its size), running nothing. */
    static final class Recording implements CallExecutor {
        final List<Batch> submitted = new ArrayList<>();
        private final ArrayDeque<Batch> queued = new ArrayDeque<>();

        @Override
        public void submit(Batch batch) {
            submitted.add(batch);
            queued.add(batch);
        }

        @Override
        public BatchOutcome take() {
            Batch b = queued.remove();
            return BatchOutcome.success(b, Collections.nCopies(1, (Object) b.args().size()), "test", 1);
        }

        @Override
        public void cancel() {
        }

        @Override
        public void close() {
        }
    }

    private static List<Batch> batchesOf(IndexRange range, int batchSize) {
        Recording executor = new Recording();
        try (CallRunner runner = new CallRunner(executor, null, null, range, batchSize, 2, 4, true,
                new Progress(0, false, range.longSize(), new PrintStream(OutputStream.nullOutputStream())), () -> { })) {
            while (runner.hasNext()) {
                runner.next();
            }
        }
        return executor.submitted;
    }

    @Test
    void aRangeLongerThanAnIntIsCutIntoSubRangesWithoutVisitingItsElements() {
        long three = 3_000_000_000L;   // visiting every element would take minutes and boxing gigabytes
        List<Batch> batches = batchesOf(new IndexRange(10, 10 + three), Integer.MAX_VALUE);
        assertEquals(2, batches.size());
        IndexRange first = assertInstanceOf(IndexRange.class, batches.get(0).args());
        IndexRange second = assertInstanceOf(IndexRange.class, batches.get(1).args());
        assertEquals(0, batches.get(0).firstIndex());
        assertEquals(10, first.from());
        assertEquals(10L + Integer.MAX_VALUE, first.to());
        assertEquals(Integer.MAX_VALUE, batches.get(1).firstIndex(), "task indices count positions in the range");
        assertEquals(first.to(), second.from());
        assertEquals(10 + three, second.to());
    }

    @Test
    void automaticBatchesOfARangeCoverItExactlyOnceInOrder() {
        List<Batch> batches = batchesOf(new IndexRange(-5, 1_000), 0);
        long next = -5;
        for (Batch b : batches) {
            IndexRange r = assertInstanceOf(IndexRange.class, b.args());
            assertEquals(next, r.from());
            assertEquals(next + 5, b.firstIndex());
            assertTrue(r.longSize() > 0);
            next = r.to();
        }
        assertEquals(1_000, next);
        assertEquals(List.of(), batchesOf(new IndexRange(7, 7), 0), "an empty range is no batch");
    }

    @Test
    void aRangeIsAListOfItsIndices() {
        IndexRange r = new IndexRange(-2, 3);
        assertEquals(List.of(-2L, -1L, 0L, 1L, 2L), r);
        assertEquals(5, r.size());
        assertEquals(1L, r.get(3));
        assertEquals(List.of(0L, 1L), r.slice(2, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> r.get(5));
        assertThrows(IndexOutOfBoundsException.class, () -> r.slice(4, 2));
        assertThrows(UnsupportedOperationException.class, () -> r.add(3L));
        assertEquals(Integer.MAX_VALUE, new IndexRange(0, Long.MAX_VALUE).size(), "as Collection.size says");
        IllegalArgumentException backwards = assertThrows(IllegalArgumentException.class, () -> new IndexRange(3, 2));
        assertTrue(backwards.getMessage().contains("from 3 to 2"), backwards.getMessage());
    }
}
