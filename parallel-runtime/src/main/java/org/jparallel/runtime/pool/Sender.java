package org.jparallel.runtime.pool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pool's frames to its workers. A frame is queued in its worker's outbox under the pool lock,
 * and sent later, outside it, in the order queued, and only by the pool's own threads
 * ({@link PoolThread}): an interrupt closes the channel its thread writes to, and a caller's
 * thread may be interrupted at any time. So {@link #flushAll} sends now on a pool thread (a
 * reader, the watchdog, the sender itself) and hands the sending to the <b>jparallel-sender</b>
 * thread on any other.
 */
final class Sender {
    /** Its lock, the pool lock, guards {@link #outboxes}. */
    private final WorkerPool pool;
    private final Map<Worker, ConcurrentLinkedQueue<Outgoing>> outboxes = new HashMap<>();
    private final ExecutorService sender =
            Executors.newSingleThreadExecutor(r -> PoolThread.daemon("jparallel-sender", r));
    private final AtomicBoolean flushQueued = new AtomicBoolean();

    Sender(WorkerPool pool) {
        this.pool = pool;
    }

    /** Queues a frame for {@code w}; {@link #flushAll} sends it. Pool lock. */
    void queue(Worker w, Outgoing frame) {
        outboxes.computeIfAbsent(w, k -> new ConcurrentLinkedQueue<>()).add(frame);
    }

    /** Drops a dead worker's outbox. Pool lock. */
    void remove(Worker w) {
        outboxes.remove(w);
    }

    /**
     * Sends every worker's outbox. On a pool thread (a reader, the watchdog, the sender), now; on
     * any other thread, by the sender: an interrupt of a caller's thread in the middle of a write
     * would close the worker's channel, and the worker would die of it.
     */
    void flushAll() {
        if (Thread.currentThread() instanceof PoolThread) {
            flushAllNow();
        } else if (flushQueued.compareAndSet(false, true)) {
            try {
                sender.execute(() -> {
                    flushQueued.set(false);   // before sending: frames queued from now on get a new run
                    flushAllNow();
                });
            } catch (RejectedExecutionException shutDown) {
                flushQueued.set(false);   // the pool was shut down: nothing is sent any more
            }
        }
    }

    private void flushAllNow() {
        List<Worker> ready;
        synchronized (pool) {
            ready = new ArrayList<>(pool.connectedWorkers());
        }
        for (Worker w : ready) {
            flush(w);
        }
    }

    /**
     * Sends a worker's outbox in order; a failed send is left to the reader, which sees the death.
     * Only on a pool thread.
     */
    void flush(Worker w) {
        ConcurrentLinkedQueue<Outgoing> box;
        synchronized (pool) {
            box = outboxes.get(w);
        }
        if (box == null || w.channel == null) {
            return;
        }
        synchronized (w) {
            for (Outgoing frame; (frame = box.poll()) != null; ) {
                try {
                    w.channel.write(frame.type(), frame.parts());
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    void shutdownNow() {
        sender.shutdownNow();
    }

    /** A frame waiting in a worker's outbox: its type and the parts of its payload. */
    record Outgoing(byte type, byte[]... parts) {
    }
}
