package org.jparallel;

/**
 * Attached with {@link Throwable#addSuppressed} to the exception a task threw, to say which task
 * failed and where; its own stack trace is the caller's. A stack trace then reads (output, not
 * code):
 * <pre>
 * java.lang.ArithmeticException: / by zero
 *     at Job.lambda$main$0(Job.java:12)            &lt;- the worker's stack
 *     Suppressed: org.jparallel.TaskFailure: task 17 failed in worker pid 4242
 *         at org.jparallel.Parallel.map(...)       &lt;- the caller's stack
 * </pre>
 */
public final class TaskFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long taskIndex;

    public TaskFailure(String message, long taskIndex) {
        super(message);
        this.taskIndex = taskIndex;
    }

    /** Index (in argument order) of the failed task. */
    public long taskIndex() {
        return taskIndex;
    }
}
