package org.jparallel.spi;

/**
 * Runs the batches of one call on a backend. The caller submits batches (never more than it can
 * afford to have in flight) and takes their outcomes in completion order. Not thread-safe: one call
 * is driven by one thread, except {@link #cancel()}, which any thread may call.
 */
public interface CallExecutor extends AutoCloseable {

    /** Queues a batch; does not wait for it to run. */
    void submit(Batch batch);

    /** The next finished batch, in completion order; waits for one. */
    BatchOutcome take() throws InterruptedException;

    /** Stops the call's queued and running batches as soon as possible; idempotent. */
    void cancel();

    /** Ends the call and releases what it holds (its temp files); idempotent. */
    @Override
    void close();
}
