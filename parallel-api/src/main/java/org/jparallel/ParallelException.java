package org.jparallel;

/**
 * The fate of a task that the library, not the task, reports: the supertype of
 * {@link TaskTimeoutException} (it ran too long), {@link WorkerDiedException} (its worker JVM
 * ended) and {@link RemoteTaskException} (it threw an exception that could not travel back as
 * itself). One catch handles them all and can name the task:
 * <pre>{@code
 * try {
 *     p.map(delayed(Job::run), jobs);
 * } catch (ParallelException e) {
 *     log.warn("job " + e.taskIndex() + " failed: " + e.getMessage());
 * }
 * }</pre>
 * An exception a task throws itself reaches the caller as itself, not wrapped in this type; its
 * suppressed {@link TaskFailure} names the task.
 */
public class ParallelException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long taskIndex;

    public ParallelException(String message, long taskIndex) {
        super(message);
        this.taskIndex = taskIndex;
    }

    public ParallelException(String message, long taskIndex, Throwable cause) {
        super(message, cause);
        this.taskIndex = taskIndex;
    }

    /** Index (in argument order) of the task concerned, or -1 if it is not known or none was running. */
    public long taskIndex() {
        return taskIndex;
    }
}
