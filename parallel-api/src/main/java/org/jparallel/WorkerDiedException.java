package org.jparallel;

/**
 * A worker JVM ended while it ran a task: System.exit, a signal such as SIGKILL, an
 * OutOfMemoryError, or a crash of the JVM. The message names the task's index and how the worker
 * ended. The pool replaces the worker, so the next call works.
 */
public class WorkerDiedException extends ParallelException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public WorkerDiedException(String message, long taskIndex, int exitCode) {
        super(message, taskIndex);
        this.exitCode = exitCode;
    }

    /** The worker's exit status: 128 + n for a signal n (137 for SIGKILL), as a shell reports it. */
    public int exitCode() {
        return exitCode;
    }
}
