package org.jparallel.internal;

import org.jparallel.Fn;
import org.jparallel.TaskTimeoutException;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallExecutor;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * SEQUENTIAL, {@code nJobs == 1} and calls nested in a worker: each batch runs in the calling
 * thread when its outcome is taken, so that nothing runs after a task that failed (the caller
 * stops at the first failure) and a stream runs only as far as it is read.
 */
final class InlineExecutor implements CallExecutor {
    private final Fn<Object, Object> fn;
    private final TaskDeadlines deadlines;
    private final ArrayDeque<Batch> queued = new ArrayDeque<>();
    private volatile boolean cancelled;

    InlineExecutor(Fn<Object, Object> fn, Duration timeout) {
        this.fn = fn;
        this.deadlines = timeout == null ? null : new TaskDeadlines(timeout, (batch, late) -> { });
    }

    @Override
    public void submit(Batch batch) {
        queued.add(batch);
    }

    @Override
    public BatchOutcome take() {
        Batch batch = queued.remove();
        if (cancelled) {
            return BatchOutcome.failure(batch, new java.util.concurrent.CancellationException("the call was cancelled"),
                    batch.firstIndex(), "the calling thread");
        }
        if (deadlines == null) {
            return LocalBatch.run(fn, batch, () -> cancelled, i -> { }, "the calling thread");
        }
        BatchOutcome outcome = LocalBatch.run(fn, batch, () -> cancelled || deadlines.firedHere(),
                i -> deadlines.started(batch, i), "the calling thread");
        TaskTimeoutException late = deadlines.finished();   // the task is interrupted, not killed: it had to return
        return late == null ? outcome : BatchOutcome.failure(batch, late, late.taskIndex(), "the calling thread");
    }

    /** From another thread: the batches not yet run are not run; the one running stops after its task. */
    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public void close() {
        if (deadlines != null) {
            deadlines.close();
        }
    }
}
