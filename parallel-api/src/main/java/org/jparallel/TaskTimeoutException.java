package org.jparallel;

import java.time.Duration;

/**
 * A task ran longer than {@link Parallel#timeout(Duration)}. The message names the task's index and
 * how long it ran; its worker was stopped and replaced.
 */
public class TaskTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long taskIndex;
    private final Duration ran;

    public TaskTimeoutException(String message, long taskIndex, Duration ran) {
        super(message);
        this.taskIndex = taskIndex;
        this.ran = ran;
    }

    /** Index (in argument order) of the task that timed out. */
    public long taskIndex() {
        return taskIndex;
    }

    /** How long the task had run when it was stopped. */
    public Duration ran() {
        return ran;
    }
}
