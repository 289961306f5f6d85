package org.jparallel.internal;

import org.jparallel.spi.BatchOutcome;

/**
 * Chooses how many tasks go into the next batch. A fixed size is used as given. Automatic sizing
 * starts at one task and then aims at batches that run about {@link #TARGET_NANOS}, so that the
 * cost of a message vanishes behind tiny tasks while long tasks still go one by one; when the
 * number of arguments is known, the tail is cut into smaller batches so that no worker idles at the
 * end while another finishes a big batch.
 */
final class BatchSizer {
    /** 20 ms of work amortises a ~20 µs round trip to 0.1% while keeping the tail short. */
    static final long TARGET_NANOS = 20_000_000L;
    static final int MAX_AUTO = 1 << 16;

    private final int fixed;
    private final int nJobs;
    private double nanosPerTask = -1;
    private int auto = 1;

    BatchSizer(int fixedOrZero, int nJobs) {
        this.fixed = fixedOrZero;
        this.nJobs = nJobs;
    }

    /** @param remaining arguments not yet batched, or -1 when unknown */
    int next(long remaining) {
        if (fixed > 0) {
            return fixed;
        }
        int size = auto;
        if (remaining >= 0) {
            long fairShare = (remaining + 2L * nJobs - 1) / (2L * nJobs);
            size = (int) Math.max(1, Math.min(size, fairShare));
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
        double ideal = TARGET_NANOS / Math.max(nanosPerTask, 1.0);
        auto = (int) Math.max(1, Math.min(MAX_AUTO, ideal));
    }
}
