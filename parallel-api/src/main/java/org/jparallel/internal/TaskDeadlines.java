package org.jparallel.internal;

import org.jparallel.TaskTimeoutException;
import org.jparallel.spi.Batch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The timeout of an in-process call (THREADS, SEQUENTIAL, {@code nJobs == 1}, a call nested in a
 * worker): a task over its time is interrupted, and its call fails with {@link TaskTimeoutException}.
 * A thread cannot be killed as a worker JVM can: a task that ignores the interrupt runs on to its
 * end (on THREADS in the background, the call having failed already; in the calling thread, the
 * call fails when it returns).
 *
 * <p>The interrupt is sent under the same lock that {@link #started} and {@link #finished} take,
 * so it reaches the task that ran too long and never the next one, and {@code finished} clears it.
 */
final class TaskDeadlines implements AutoCloseable {
    private static final ScheduledExecutorService CLOCK = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jparallel-timeouts");
        t.setDaemon(true);
        return t;
    });

    private final Duration timeout;
    private final BiConsumer<Batch, TaskTimeoutException> onTimeout;
    private final Map<Thread, Running> running = new HashMap<>();
    private final ScheduledFuture<?> check;

    /** A task running on a thread; {@code fired} once its deadline passed and it was interrupted. */
    private static final class Running {
        final Batch batch;
        final long index;
        final long startNanos = System.nanoTime();
        boolean fired;

        Running(Batch batch, long index) {
            this.batch = batch;
            this.index = index;
        }
    }

    /**
     * @param onTimeout told, on the clock's thread, of each task that passed its deadline (the
     *                  THREADS backend fails the call with it at once)
     */
    TaskDeadlines(Duration timeout, BiConsumer<Batch, TaskTimeoutException> onTimeout) {
        this.timeout = timeout;
        this.onTimeout = onTimeout;
        long period = Math.max(2, Math.min(50, timeout.toMillis() / 10));
        this.check = CLOCK.scheduleAtFixedRate(this::interruptLate, period, period, TimeUnit.MILLISECONDS);
    }

    /** The current thread starts task {@code index} of {@code batch}. */
    synchronized void started(Batch batch, long index) {
        running.put(Thread.currentThread(), new Running(batch, index));
    }

    /**
     * The current thread is done with its tasks. Clears the interrupt a late task was sent.
     *
     * @return the timeout of its task if its deadline passed, else null
     */
    synchronized TaskTimeoutException finished() {
        Running r = running.remove(Thread.currentThread());
        if (r == null || !r.fired) {
            return null;
        }
        Thread.interrupted();
        return timedOut(r, System.nanoTime() - r.startNanos, true);
    }

    /** Whether the current thread's task passed its deadline (its batch stops there). */
    synchronized boolean firedHere() {
        Running r = running.get(Thread.currentThread());
        return r != null && r.fired;
    }

    private void interruptLate() {
        long now = System.nanoTime();
        synchronized (this) {
            running.forEach((thread, r) -> {
                if (!r.fired && now - r.startNanos > timeout.toNanos()) {
                    r.fired = true;
                    thread.interrupt();
                    onTimeout.accept(r.batch, timedOut(r, now - r.startNanos, false));
                }
            });
        }
    }

    private TaskTimeoutException timedOut(Running r, long ranNanos, boolean ended) {
        String end = ended
                ? "it was interrupted at the timeout and returned after " + Duration.ofNanos(ranNanos).toMillis() + " ms"
                : "it was interrupted (a thread cannot be killed: if the task ignores interrupts, it runs on"
                        + " in the background until it ends)";
        return new TaskTimeoutException("task " + r.index + " ran longer than the timeout of "
                + timeout.toMillis() + " ms; " + end, r.index, Duration.ofNanos(ranNanos));
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
