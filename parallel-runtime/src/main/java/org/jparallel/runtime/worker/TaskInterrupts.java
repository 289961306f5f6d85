package org.jparallel.runtime.worker;

/**
 * Delivers a call's cancellation to the thread running its task, and to nothing else.
 *
 * <p>An interrupt closes any NIO channel its thread is using: delivered while the worker's main
 * thread writes an outcome to the parent, it would close the worker's channel and kill the
 * worker. So an interrupt is delivered only inside {@link #enter}/{@link #exit} (the task runs
 * there, and nothing of ours does I/O), and both the delivery and the clearing in {@code exit}
 * happen under one lock: once {@code exit} returns, no cancellation can reach the thread. (What a
 * task's thread must send mid-task, a class request, is written by another thread.)
 */
final class TaskInterrupts {
    private Thread taskThread;
    private long taskCall = -1;

    /** The current thread starts running tasks of {@code callId}. */
    synchronized void enter(long callId) {
        taskThread = Thread.currentThread();
        taskCall = callId;
    }

    /** The tasks ended: clears an interrupt they were sent, so that I/O can follow safely. */
    synchronized void exit() {
        taskThread = null;
        taskCall = -1;
        Thread.interrupted();
    }

    /** Interrupts the task of {@code callId} if one runs now; otherwise nothing. */
    synchronized void interrupt(long callId) {
        if (taskThread != null && taskCall == callId) {
            taskThread.interrupt();
        }
    }
}
