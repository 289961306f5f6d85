package org.jparallel;

/**
 * Stands in for an exception a task threw in a worker that could not be sent back as itself (its
 * class does not serialize, or is unknown to the caller). It carries the original class name,
 * message and stack trace, and the index of the task that threw.
 */
public class RemoteTaskException extends ParallelException {
    private static final long serialVersionUID = 2L;
    private final String remoteClassName;

    /** A stand-in for the exception of an unknown task (its {@link #taskIndex()} is -1). */
    public RemoteTaskException(String remoteClassName, String message, StackTraceElement[] stack) {
        this(remoteClassName, message, stack, -1);
    }

    /** A stand-in for the exception that task {@code taskIndex} threw. */
    public RemoteTaskException(String remoteClassName, String message, StackTraceElement[] stack, long taskIndex) {
        super(remoteClassName + (message == null ? "" : ": " + message), taskIndex);
        this.remoteClassName = remoteClassName;
        setStackTrace(stack);
    }

    /** The class name of the exception thrown in the worker. */
    public String remoteClassName() {
        return remoteClassName;
    }
}
