package org.jparallel.internal;

import org.jparallel.Fn;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallExecutor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The THREADS backend: batches run on {@code nJobs} daemon threads of the calling JVM, with no
 * serialization at all. A per-call pool, so that a call's cancellation interrupts only its own
 * threads; thread start-up is tens of microseconds, small beside any call worth parallelising.
 * A timeout interrupts the late task and fails the call at once ({@link TaskDeadlines}).
 */
final class ThreadExecutor implements CallExecutor {
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final Fn<Object, Object> fn;
    private final ExecutorService threads;
    private final TaskDeadlines deadlines;
    private final LinkedBlockingQueue<BatchOutcome> outcomes = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    ThreadExecutor(Fn<Object, Object> fn, int nJobs, Duration timeout) {
        this.fn = fn;
        int pool = POOL_IDS.incrementAndGet();
        int depth = Nesting.depth();   // a task's own calls count from the caller's depth
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(nJobs, r -> {
            Thread t = new Thread(() -> {
                Nesting.inherit(depth);
                r.run();
            }, "jparallel-" + pool + "-thread-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.deadlines = timeout == null ? null : new TaskDeadlines(timeout, (batch, late) ->
                outcomes.add(BatchOutcome.failure(batch, late, late.taskIndex(), "a thread of this JVM")));
    }

    @Override
    public void submit(Batch batch) {
        try {
            threads.execute(() -> outcomes.add(run(batch)));
        } catch (RejectedExecutionException cancelledMeanwhile) {
            outcomes.add(cancelledOutcome());
        }
    }

    private BatchOutcome run(Batch batch) {
        String where = Thread.currentThread().getName();
        if (deadlines == null) {
            return LocalBatch.run(fn, batch, () -> cancelled, i -> { }, where);
        }
        try {
            return LocalBatch.run(fn, batch, () -> cancelled || deadlines.firedHere(),
                    i -> deadlines.started(batch, i), where);
        } finally {
            deadlines.finished();   // the call already failed with the timeout, if there was one
        }
    }

    private static BatchOutcome cancelledOutcome() {
        return BatchOutcome.failure(new Batch(-1, List.of()), new CancellationException("the call was cancelled"),
                -1, "the caller");
    }

    @Override
    public BatchOutcome take() throws InterruptedException {
        return outcomes.take();
    }

    @Override
    public void cancel() {
        cancelled = true;
        threads.shutdownNow();
        outcomes.add(cancelledOutcome());   // wakes a caller blocked in take(); it stops at a failure
    }

    @Override
    public void close() {
        threads.shutdownNow();
        if (deadlines != null) {
            deadlines.close();
        }
    }
}
