package org.jparallel.internal;

import org.jparallel.TaskFailure;
import org.jparallel.TaskTimeoutException;
import org.jparallel.WorkerDiedException;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.IndexRange;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;

/**
 * Drives one call: takes arguments lazily, cuts them into batches, keeps at most
 * {@code maxInFlight} batches dispatched, and hands results out in argument order (or in
 * completion order). The first failure cancels the rest and is thrown to the caller.
 *
 * <p>Memory stays bounded by the in-flight window, plus, in ordered mode, the batches that finished
 * ahead of a slower one.
 */
public final class CallRunner implements Iterator<Object>, AutoCloseable {
    private final CallExecutor executor;
    private final Iterator<?> args;
    private final IndexRange range;   // or null: a range is cut into sub-ranges, never iterated here
    private final long knownSize;
    private final BatchSizer sizer;
    private final int maxInFlight;
    private final boolean ordered;
    private final Progress progress;
    private final Runnable onClose;

    private final Map<Long, BatchOutcome> finishedAhead = new HashMap<>();
    private long batched;          // arguments taken from the iterator so far
    private long nextToHandOut;    // ordered mode: first index of the next batch to hand out
    private int inFlight;
    private Iterator<Object> current = List.of().iterator();
    private boolean closed;

    /**
     * @param costs    what the calling Parallel remembers of its earlier calls' tasks, or null
     * @param function the user's function: automatic batch sizes start from what its class's tasks cost last
     */
    public CallRunner(CallExecutor executor, TaskCosts costs, Object function, Iterable<?> args, int fixedBatchSize,
               int nJobs, int maxInFlight, boolean ordered, Progress progress, Runnable onClose) {
        this.executor = executor;
        this.range = args instanceof IndexRange r ? r : null;
        this.args = range != null ? null : args.iterator();
        this.knownSize = knownSize(args);
        this.sizer = new BatchSizer(fixedBatchSize, nJobs, costs, function);
        this.maxInFlight = Math.max(1, maxInFlight);
        this.ordered = ordered;
        this.progress = progress;
        this.onClose = onClose;
    }

    /** The number of arguments, or -1 when they can only be counted by consuming them. */
    public static long knownSize(Iterable<?> args) {
        return args instanceof IndexRange r ? r.longSize() : args instanceof Collection<?> c ? c.size() : -1;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (closed) {
                return false;
            }
            if (ordered) {
                BatchOutcome ready = finishedAhead.remove(nextToHandOut);
                if (ready != null) {
                    nextToHandOut += ready.batch().size();
                    current = ready.results().iterator();
                    continue;
                }
            }
            dispatch();
            if (inFlight == 0) {
                close();
                return false;
            }
            BatchOutcome outcome = takeOutcome();
            if (outcome.failed()) {
                throw fail(outcome);
            }
            sizer.record(outcome);
            progress.advance(outcome.batch().size());
            if (ordered) {
                finishedAhead.put(outcome.batch().firstIndex(), outcome);
            } else {
                current = outcome.results().iterator();
            }
        }
        return true;
    }

    @Override
    public Object next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    /**
     * Sends batches until the window is full or the arguments run out. Batches that finished ahead
     * of a slower one count against the window, so that a slow task bounds the read-ahead.
     */
    private void dispatch() {
        while (inFlight + finishedAhead.size() < maxInFlight && moreArgs()) {
            int size = sizer.next(knownSize < 0 ? -1 : knownSize - batched);
            List<Object> batchArgs;
            if (range != null) {
                batchArgs = range.slice(batched, Math.min(size, knownSize - batched));
            } else {
                batchArgs = new ArrayList<>(size);
                while (batchArgs.size() < size && args.hasNext()) {
                    batchArgs.add(args.next());
                }
            }
            Batch batch = new Batch(batched, batchArgs);
            batched += batchArgs.size();
            executor.submit(batch);
            inFlight++;
        }
    }

    private boolean moreArgs() {
        return range != null ? batched < knownSize : args.hasNext();
    }

    private BatchOutcome takeOutcome() {
        try {
            BatchOutcome outcome = executor.take();
            inFlight--;
            return outcome;
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            CancellationException ce = new CancellationException(
                    "the calling thread was interrupted; the call was cancelled");
            ce.initCause(e);
            throw ce;
        }
    }

    private RuntimeException fail(BatchOutcome outcome) {
        close();
        Throwable failure = outcome.failure();
        if (!(failure instanceof WorkerDiedException || failure instanceof TaskTimeoutException
                || failure instanceof CancellationException || failure instanceof Nesting.TooDeep)) {
            failure.addSuppressed(new TaskFailure(
                    "task " + outcome.failedIndex() + " failed in " + outcome.where(), outcome.failedIndex()));
        }
        return Sneaky.rethrow(failure);
    }

    /** Cancels what still runs and releases the call's resources; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (inFlight > 0) {
                executor.cancel();
            }
            executor.close();
        } finally {
            progress.finish();
            onClose.run();
        }
    }

    /** Cancels from another thread: the call's thread wakes up with a CancellationException. */
    public void cancelFromOutside() {
        executor.cancel();
    }
}
