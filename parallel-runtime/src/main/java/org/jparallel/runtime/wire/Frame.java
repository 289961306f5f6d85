package org.jparallel.runtime.wire;

/**
 * A message on a worker's channel: its type and its payload. On the socket a frame is
 *
 * <pre>
 * 0                               4       5
 * +-------------------------------+-------+------------------------------+
 * | payload length (int, big-end.)| type  | payload ...                  |
 * +-------------------------------+-------+------------------------------+
 * </pre>
 *
 * ({@link Channel} writes and reads that envelope). Each type's payload has one codec in this
 * package, whose Javadoc draws its layout. In payloads, fixed-size numbers are little-endian and
 * strings, objects and lists are Kryo's encoding of them (the parent and its workers run the same
 * build, so the layout has no version). A frame may also carry primitive arrays after its payload,
 * moved without passing through it ({@link Channel}): a batch's results leave theirs there.
 *
 * <p>Parent to worker: {@link #BATCH}, {@link #CANCEL}, {@link #FORGET}, {@link #EXIT},
 * {@link #CLASS_BYTES}, {@link #REVOKE}. Worker to parent: {@link #HELLO}, {@link #RESULT},
 * {@link #FAILED}, {@link #CLASS_REQUEST}, {@link #REVOKED}.
 *
 * @param type    what the frame is: one of the constants below
 * @param payload its bytes, laid out as its type's codec says
 * @param arrays  the primitive arrays that travelled after the payload, in the order they were
 *                written ({@link Channel#write(byte, byte[], int, java.util.List)}); empty for most frames
 */
public record Frame(byte type, byte[] payload, Object[] arrays) {
    private static final Object[] NO_ARRAYS = new Object[0];

    /** A frame without arrays. */
    public Frame(byte type, byte[] payload) {
        this(type, payload, NO_ARRAYS);
    }

    /** Tasks to run: {@link BatchFrame}. */
    public static final byte BATCH = 1;
    /** Skip the call's queued batches, stop its running one between tasks: {@link CancelFrame}. */
    public static final byte CANCEL = 2;
    /** Drop cached mappings of a finished call's files: {@link ForgetFrame}. */
    public static final byte FORGET = 3;
    /** Exit now (the pool retires this worker); the payload is empty. */
    public static final byte EXIT = 4;
    /** The answer to a CLASS_REQUEST: {@link ClassBytesFrame}. */
    public static final byte CLASS_BYTES = 5;
    /** Give this queued batch back if it has not started: {@link RevokeFrame}. */
    public static final byte REVOKE = 6;

    /** The first frame of a worker, which proves who it is: {@link HelloFrame}. */
    public static final byte HELLO = 10;
    /** A batch's results: {@link ResultFrame}. */
    public static final byte RESULT = 11;
    /** A batch that failed or was cancelled: {@link FailedFrame}. */
    public static final byte FAILED = 12;
    /** A class the worker's class path lacks: {@link ClassRequestFrame}. */
    public static final byte CLASS_REQUEST = 13;
    /** The batch of a REVOKE was given back unstarted; the payload is the REVOKE's: {@link RevokeFrame}. */
    public static final byte REVOKED = 14;
}
