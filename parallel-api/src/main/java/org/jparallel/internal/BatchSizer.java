package org.jparallel.internal;

import org.jparallel.spi.BatchOutcome;

/**
 * Chooses how many tasks go into the next batch. A fixed size is used as given. Automatic sizing
 * aims at batches that run about {@link #TARGET_NANOS}, so that the cost of a message vanishes
 * behind tiny tasks while long tasks still go one by one; when the number of arguments is known,
 * the tail is cut into smaller batches so that no worker idles at the end while another finishes a
 * big batch, but not below {@link #TAIL_MIN_NANOS} of work.
 *
 * <p>A call starts from what its function's tasks cost when the last call of the same function on
 * the same {@code Parallel} ended ({@link TaskCosts}), else from one task. Without that memory every
 * call of a loop over one function began with batches of one task and a round trip after each
 * (bench/RowsumGaps, calls 21 to 41 of a loop: 7.4 to 7.7 ms of gaps per worker in a 65 ms row-sum
 * call, 3.4 to 3.6 ms with this memory). The first batches
 * are still cut to a fair share of what remains, so a remembered cost that no longer holds cannot
 * put more than a quarter of a call's tasks (with 2 workers) into one batch.
 */
final class BatchSizer {
    /** 20 ms of work amortises a ~20 µs round trip to 0.1% while keeping the tail short. */
    static final long TARGET_NANOS = 20_000_000L;
    static final int MAX_AUTO = 1 << 16;
    /**
     * Once this call has measured its tasks, the tail's batches run at least this long: each batch
     * costs a round trip and the caller's work for it, so cutting below this costs more than the
     * idle end it saves.
     */
    static final long TAIL_MIN_NANOS = 5_000_000L;

    private final int fixed;
    private final int nJobs;
    private final TaskCosts costs;     // null: nothing remembered across calls
    private final Class<?> function;
    private double nanosPerTask;
    private boolean measuredHere;
    private int auto = 1;

    /**
     * @param costs    what the Parallel remembers of earlier calls, or null
     * @param function the user's function, whose class keys {@code costs}; null for none
     */
    BatchSizer(int fixedOrZero, int nJobs, TaskCosts costs, Object function) {
        this.fixed = fixedOrZero;
        this.nJobs = nJobs;
        this.costs = fixedOrZero > 0 || function == null ? null : costs;
        this.function = function == null ? null : function.getClass();
        this.nanosPerTask = this.costs == null ? -1 : this.costs.of(this.function);
        if (nanosPerTask >= 0) {
            auto = ideal();
        }
    }

    /** @param remaining arguments not yet batched, or -1 when unknown */
    int next(long remaining) {
        if (fixed > 0) {
            return fixed;
        }
        int size = auto;
        if (remaining >= 0) {
            long fairShare = (remaining + 2L * nJobs - 1) / (2L * nJobs);
            long tailMin = measuredHere ? (long) Math.ceil(TAIL_MIN_NANOS / Math.max(nanosPerTask, 1.0)) : 1;
            size = (int) Math.max(1, Math.min(Math.min(size, Math.max(fairShare, tailMin)), remaining));
        }
        return size;
    }

    void record(BatchOutcome outcome) {
        if (fixed > 0 || outcome.failed() || outcome.batch().size() == 0) {
            return;
        }
        double perTask = (double) outcome.nanos() / outcome.batch().size();
        // Smooth, but follow a change in task cost within a few batches.
        nanosPerTask = nanosPerTask < 0 ? perTask : 0.5 * nanosPerTask + 0.5 * perTask;
        measuredHere = true;
        auto = ideal();
        if (costs != null) {
            costs.record(function, nanosPerTask);
        }
    }

    private int ideal() {
        return (int) Math.max(1, Math.min(MAX_AUTO, TARGET_NANOS / Math.max(nanosPerTask, 1.0)));
    }
}
