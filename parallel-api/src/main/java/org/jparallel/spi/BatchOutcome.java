package org.jparallel.spi;

import java.util.List;

/**
 * What became of a {@link Batch}: its results in argument order, or the failure of the task at
 * {@code failedIndex} (the exception the task threw, or one of the library's
 * {@link org.jparallel.WorkerDiedException}, {@link org.jparallel.TaskTimeoutException}).
 *
 * @param where      who ran it, for messages ("worker pid 4242", "thread jparallel-3")
 * @param nanos      how long the batch ran where it ran (for automatic batch sizing)
 */
public record BatchOutcome(Batch batch, List<Object> results, Throwable failure, long failedIndex,
                           String where, long nanos) {

    public static BatchOutcome success(Batch batch, List<Object> results, String where, long nanos) {
        return new BatchOutcome(batch, results, null, -1, where, nanos);
    }

    public static BatchOutcome failure(Batch batch, Throwable failure, long failedIndex, String where) {
        return new BatchOutcome(batch, null, failure, failedIndex, where, 0);
    }

    public boolean failed() {
        return failure != null;
    }
}
