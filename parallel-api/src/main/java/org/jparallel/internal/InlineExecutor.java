package org.jparallel.internal;

import org.jparallel.Fn;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.LocalBatch;

import java.util.ArrayDeque;

/** SEQUENTIAL and {@code nJobs == 1}: each batch runs in the calling thread when it is submitted. */
final class InlineExecutor implements CallExecutor {
    private final Fn<Object, Object> fn;
    private final ArrayDeque<BatchOutcome> outcomes = new ArrayDeque<>();

    InlineExecutor(Fn<Object, Object> fn) {
        this.fn = fn;
    }

    @Override
    public void submit(Batch batch) {
        outcomes.add(LocalBatch.run(fn, batch, Thread.currentThread()::isInterrupted, i -> { }, "the calling thread"));
    }

    @Override
    public BatchOutcome take() {
        return outcomes.remove();
    }

    @Override
    public void cancel() {
    }

    @Override
    public void close() {
    }
}
