package org.jparallel;

/**
 * Stands in for an exception a task threw in a worker that could not be sent back as itself (its
 * class does not serialize, or is unknown to the caller). It carries the original class name,
 * message and stack trace.
 */
public class RemoteTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String remoteClassName;

    public RemoteTaskException(String remoteClassName, String message, StackTraceElement[] stack) {
        super(remoteClassName + (message == null ? "" : ": " + message));
        this.remoteClassName = remoteClassName;
        setStackTrace(stack);
    }

    /** The class name of the exception thrown in the worker. */
    public String remoteClassName() {
        return remoteClassName;
    }
}
