package org.jparallel.runtime.wire;

/**
 * A message on a worker's channel. Types, parent to worker:
 * {@link #BATCH}, {@link #CANCEL}, {@link #FORGET}, {@link #EXIT}, {@link #CLASS_BYTES}, {@link #REVOKE};
 * worker to parent: {@link #HELLO}, {@link #RESULT}, {@link #FAILED}, {@link #CLASS_REQUEST},
 * {@link #REVOKED}.
 */
public record Frame(byte type, byte[] payload) {
    /** callId, firstIndex, fn length (0: same function as this worker's last batch), fn, args. */
    public static final byte BATCH = 1;
    /** callId: skip the call's queued batches, stop its running one between tasks. */
    public static final byte CANCEL = 2;
    /** file paths: drop cached mappings of a finished call's files. */
    public static final byte FORGET = 3;
    /** exit now (the pool retires this worker). */
    public static final byte EXIT = 4;
    /** class name, length (-1: unknown) and bytes, length and Kryo bytes of JShell static values. */
    public static final byte CLASS_BYTES = 5;
    /** callId, firstIndex: give this queued batch back if it has not started. */
    public static final byte REVOKE = 6;

    /** token, pid: the first frame of a worker. */
    public static final byte HELLO = 10;
    /** callId, firstIndex, nanos, stdout bytes, stderr bytes, results. */
    public static final byte RESULT = 11;
    /** callId, firstIndex, failedIndex, stdout bytes, stderr bytes, failure. */
    public static final byte FAILED = 12;
    /** callId, class name: a class the worker's class path lacks. */
    public static final byte CLASS_REQUEST = 13;
    /** callId, firstIndex (the REVOKE's payload): the batch was given back unstarted. */
    public static final byte REVOKED = 14;
}
