package org.jparallel.runtime.worker;

/**
 * Delivers a call's cancellation to the thread running its task, and to nothing else.
 *
 * <p>An interrupt closes any NIO channel its thread is using: delivered while the worker's main
 * thread writes an outcome to the parent, it would close the worker's channel and kill the
 * worker. So an interrupt is delivered only inside {@link #enter}/{@link #exit} (the task runs
 * there, and nothing of ours does I/O), and both the delivery and the clearing in {@code exit}
 * happen under one lock: once {@code exit} returns, no cancellation can reach the thread.
 */
final class TaskInterrupts {
    private Thread taskThread;
    private long taskCall = -1;
    /** The task's thread is in {@link #uninterruptibly}: an interrupt waits in {@code held}. */
    private boolean holding;
    private boolean held;

    /** The current thread starts running tasks of {@code callId}. */
    synchronized void enter(long callId) {
        taskThread = Thread.currentThread();
        taskCall = callId;
    }

    /** The tasks ended: clears an interrupt they were sent, so that I/O can follow safely. */
    synchronized void exit() {
        taskThread = null;
        taskCall = -1;
        holding = false;
        held = false;
        Thread.interrupted();
    }

    /** Interrupts the task of {@code callId} if one runs now; otherwise nothing. */
    synchronized void interrupt(long callId) {
        if (taskThread == null || taskCall != callId) {
            return;
        }
        if (holding) {
            held = true;
        } else {
            taskThread.interrupt();
        }
    }

    /**
     * Runs {@code io} with interrupts held back: for channel I/O a task's thread must do mid-task
     * (a class request). An interrupt that was pending, or sent meanwhile, is delivered after.
     */
    <E extends Exception> void uninterruptibly(IoAction<E> io) throws E {
        Thread self = Thread.currentThread();
        boolean hold;
        synchronized (this) {
            // Outside a task nobody interrupts this thread; nested: already held back.
            hold = taskThread == self && !holding;
            if (hold) {
                holding = true;
                held = Thread.interrupted();
            }
        }
        if (!hold) {
            io.run();
            return;
        }
        try {
            io.run();
        } finally {
            synchronized (this) {
                holding = false;
                if (held) {
                    held = false;
                    self.interrupt();
                }
            }
        }
    }

    /** An action that may throw a checked exception. */
    @FunctionalInterface
    interface IoAction<E extends Exception> {
        void run() throws E;
    }
}
