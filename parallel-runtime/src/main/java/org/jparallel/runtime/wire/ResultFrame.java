package org.jparallel.runtime.wire;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;

/**
 * {@link Frame#RESULT}, worker to parent: a batch ran to its end.
 *
 * <pre>
 * 0               8               16              24              32              40
 * +---------------+---------------+---------------+---------------+---------------+--------------+
 * |    call id    |  first index  |     nanos     | stdout bytes  | stderr bytes  | results ...  |
 * +---------------+---------------+---------------+---------------+---------------+--------------+
 * </pre>
 *
 * {@code nanos} is how long the batch ran in the worker; the two byte counts are how much the
 * worker had written to its stdout and stderr when the batch ended, so that the parent can wait
 * until its copies of them have caught up; the results are the batch's {@code List} (Kryo, class
 * and object). Their primitive arrays of {@code ChannelArrays.MIN_BYTES} or more are not in the
 * payload: they follow it as the frame's {@link Frame#arrays() arrays}, and the Kryo bytes hold
 * their indexes there.
 */
public final class ResultFrame {
    public static final int CALL_ID = 0;
    public static final int FIRST_INDEX = 8;
    public static final int NANOS = 16;
    public static final int STDOUT_BYTES = 24;
    public static final int STDERR_BYTES = 32;
    public static final int RESULTS = 40;

    private ResultFrame() {
    }

    /** Writes the header to {@code out}, which is empty; the results follow it. */
    public static void writeHeader(Output out, long callId, long firstIndex, long nanos, long stdoutBytes,
                                   long stderrBytes) {
        out.writeLong(callId);
        out.writeLong(firstIndex);
        out.writeLong(nanos);
        out.writeLong(stdoutBytes);
        out.writeLong(stderrBytes);
    }

    public static long callId(byte[] payload) {
        return Fields.getLong(payload, CALL_ID);
    }

    public static long firstIndex(byte[] payload) {
        return Fields.getLong(payload, FIRST_INDEX);
    }

    public static long nanos(byte[] payload) {
        return Fields.getLong(payload, NANOS);
    }

    public static long stdoutBytes(byte[] payload) {
        return Fields.getLong(payload, STDOUT_BYTES);
    }

    public static long stderrBytes(byte[] payload) {
        return Fields.getLong(payload, STDERR_BYTES);
    }

    /** The results, read in place. */
    public static Input results(byte[] payload) {
        return new Input(payload, RESULTS, payload.length - RESULTS);
    }
}
