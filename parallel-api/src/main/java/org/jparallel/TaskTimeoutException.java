package org.jparallel;

import java.time.Duration;

/**
 * A task ran longer than {@link Parallel#timeout(Duration)}. The message names the task's index and
 * how long it ran; its worker was stopped and replaced.
 */
public class TaskTimeoutException extends ParallelException {
    private static final long serialVersionUID = 1L;
    private final Duration ran;

    public TaskTimeoutException(String message, long taskIndex, Duration ran) {
        super(message, taskIndex);
        this.ran = ran;
    }

    /** How long the task had run when it was stopped. */
    public Duration ran() {
        return ran;
    }
}
