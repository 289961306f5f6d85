package org.jparallel.runtime.pool;

/**
 * A thread of the pool's own (acceptor, readers, output pumps, the watchdog, the sender), which
 * nothing interrupts: only such a thread may write to a worker's channel, as an interrupt in the
 * middle of a write closes the channel and the worker dies of it (see {@code WorkerPool.flushAll}).
 */
final class PoolThread extends Thread {
    private PoolThread(String name, Runnable r) {
        super(r, name);
    }

    /** A started-later daemon pool thread. */
    static Thread daemon(String name, Runnable r) {
        Thread t = new PoolThread(name, r);
        t.setDaemon(true);
        return t;
    }
}
