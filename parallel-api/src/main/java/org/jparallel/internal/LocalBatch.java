package org.jparallel.internal;

import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Runs a batch in the current thread: shared by the thread backend, the worker JVMs and the Spark
 * executors. Not SPI: it keeps the nesting count of this package.
 */
public final class LocalBatch {
    private LocalBatch() {
    }

    /**
     * Applies {@code fn} to each argument of {@code batch}, in order, stopping at the first task
     * that throws or when {@code cancelled} says so.
     *
     * @param starting told each task's index before it starts (a worker publishes it, so that a
     *                 death or a timeout can name the task)
     */
    public static BatchOutcome run(org.jparallel.Fn<Object, Object> fn, Batch batch, BooleanSupplier cancelled,
                                   LongConsumer starting, String where) {
        long start = System.nanoTime();
        List<Object> results = new ArrayList<>(batch.size());
        long index = batch.firstIndex();
        Nesting.enter();
        try {
            for (Object arg : batch.args()) {
                if (cancelled.getAsBoolean()) {
                    return BatchOutcome.failure(batch, new CancellationException("call cancelled"), index, where);
                }
                starting.accept(index);
                try {
                    results.add(fn.apply(arg));
                } catch (Throwable t) {
                    return BatchOutcome.failure(batch, t, index, where);
                }
                index++;
            }
        } finally {
            Nesting.exit();
        }
        return BatchOutcome.success(batch, results, where, System.nanoTime() - start);
    }
}
