package org.jparallel.runtime.pool;

import org.jparallel.runtime.wire.Frame;
import org.jparallel.runtime.wire.RevokeFrame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pool's clock: every {@link #TICK_MILLIS} ms, under the pool lock, it
 * <ul>
 *   <li>asks back a batch queued behind a task that turned out long ({@link #REVOKE_AFTER_NANOS});
 *   <li>kills a worker whose task ran over its call's timeout, or whose cancelled task ignored its
 *       interrupt for {@link #CANCEL_GRACE_NANOS} (the worker goes KILLED, so that its death is
 *       reported as that);
 *   <li>kills a worker that has not said hello after {@link #START_TIMEOUT_NANOS};
 *   <li>retires all workers once no call ran for the pool's idle timeout.
 * </ul>
 * Processes are killed and frames sent after the lock is released. Its thread is a
 * {@link PoolThread}, so it may write to channels.
 */
final class Watchdog {
    static final long TICK_MILLIS = 25;
    /** A cancelled task that ignores its interrupt this long is stopped by killing its worker. */
    static final long CANCEL_GRACE_NANOS = 500_000_000L;
    static final long START_TIMEOUT_NANOS = 60_000_000_000L;
    /** A task running longer than a whole automatic batch is meant to (BatchSizer's 20 ms) is long. */
    static final long REVOKE_AFTER_NANOS = 20_000_000L;

    private final WorkerPool pool;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(r -> PoolThread.daemon("jparallel-watchdog", r));
    /** Whether a tick failed already: said once. */
    private volatile boolean tickFailed;

    Watchdog(WorkerPool pool) {
        this.pool = pool;
        ticker.scheduleWithFixedDelay(this::tickSurviving, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code r} on the watchdog's thread, a pool thread. */
    void execute(Runnable r) {
        ticker.execute(r);
    }

    void shutdownNow() {
        ticker.shutdownNow();
    }

    /** A scheduled task that throws is never run again: a bug in one tick must not end timeouts for good. */
    private void tickSurviving() {
        try {
            tick();
        } catch (RuntimeException | Error bug) {
            if (!tickFailed) {
                tickFailed = true;
                System.err.println("jparallel: the worker pool's watchdog failed (it goes on): " + bug);
            }
        }
    }

    private void tick() {
        List<Process> toKill = new ArrayList<>();
        boolean revoked = false;
        synchronized (pool) {
            long now = System.nanoTime();
            for (Worker w : pool.connectedWorkers()) {
                Worker.Assignment head = w.inFlight.peek();
                if (head == null || w.state == Worker.State.KILLED || w.status.runningCall() != head.call().id()) {
                    continue;
                }
                if (w.inFlight.size() > 1 && w.revoking == null && w.status.runningForNanos() > REVOKE_AFTER_NANOS) {
                    w.revoking = w.inFlight.peekLast();
                    // It may carry the function: until the answer, batches sent to this worker carry it too.
                    w.functionOfCall = -1;
                    pool.queue(w, new Sender.Outgoing(Frame.REVOKE,
                            RevokeFrame.encode(w.revoking.call().id(), w.revoking.batch().firstIndex())));
                    revoked = true;
                }
                long ran = now - w.status.runningSinceNanos();
                Duration timeout = head.call().timeout();
                if (timeout != null && ran > timeout.toNanos()) {
                    w.killed(new Worker.Kill(w.status.runningTask(), ran, "timeout"));
                    toKill.add(w.process);
                } else if (head.call().cancelledForNanos(now) > CANCEL_GRACE_NANOS) {
                    w.killed(new Worker.Kill(w.status.runningTask(), ran, "cancelled"));
                    toKill.add(w.process);
                }
            }
            for (Worker w : pool.startingWorkers()) {
                if (now - w.startedNanos > START_TIMEOUT_NANOS) {
                    toKill.add(w.process);   // reported as a start failure when it exits
                }
            }
            pool.retireAllIfIdleSince(now);
        }
        toKill.forEach(Process::destroyForcibly);
        if (revoked) {
            pool.flushAll();
        }
    }
}
