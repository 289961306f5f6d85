package org.jparallel.runtime.wire;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;

/**
 * {@link Frame#FAILED}, worker to parent: a task of the batch failed, or the batch was cancelled,
 * or its function or arguments could not be read.
 *
 * <pre>
 * 0               8               16              24              32              40  41
 * +---------------+---------------+---------------+---------------+---------------+---+------------+
 * |    call id    |  first index  | failed index  | stdout bytes  | stderr bytes  | c | failure ...|
 * +---------------+---------------+---------------+---------------+---------------+---+------------+
 * </pre>
 *
 * The byte counts are as in {@link ResultFrame}. {@code c} is 1 if the call was cancelled, and
 * then nothing follows; else the failure follows:
 *
 * <pre>
 * +--------------+--------------+-------+-------------+-------+-------------+
 * | class name   | message      |   e   | exception   |   r   | stand-in    |
 * | (Kryo str.)  | (Kryo str.)  | (int) | (e bytes)   | (int) | (r bytes)   |
 * +--------------+--------------+-------+-------------+-------+-------------+
 * </pre>
 *
 * The exception is the task's own (Kryo, class and object), the stand-in a
 * {@code RemoteTaskException} with its class name, message and stack trace, for when the parent
 * cannot rebuild the exception; either is empty (length 0) if it did not serialize.
 */
public final class FailedFrame {
    public static final int CALL_ID = 0;
    public static final int FIRST_INDEX = 8;
    public static final int FAILED_INDEX = 16;
    public static final int STDOUT_BYTES = 24;
    public static final int STDERR_BYTES = 32;
    public static final int CANCELLED = 40;
    public static final int FAILURE = 41;

    private FailedFrame() {
    }

    /** Writes the header to {@code out}, which is empty; unless cancelled, the failure follows it. */
    public static void writeHeader(Output out, long callId, long firstIndex, long failedIndex, long stdoutBytes,
                                   long stderrBytes, boolean cancelled) {
        out.writeLong(callId);
        out.writeLong(firstIndex);
        out.writeLong(failedIndex);
        out.writeLong(stdoutBytes);
        out.writeLong(stderrBytes);
        out.writeBoolean(cancelled);
    }

    /** Writes the failure's class name and message; the exception's block and the stand-in's follow. */
    public static void writeDescription(Output out, String className, String message) {
        out.writeString(className);
        out.writeString(message);
    }

    /** Writes a length-prefixed block: the exception, then the stand-in; length 0 if it did not serialize. */
    public static void writeBlock(Output out, byte[] bytes, int length) {
        out.writeInt(length);
        out.writeBytes(bytes, 0, length);
    }

    public static long callId(byte[] payload) {
        return Fields.getLong(payload, CALL_ID);
    }

    public static long firstIndex(byte[] payload) {
        return Fields.getLong(payload, FIRST_INDEX);
    }

    public static long failedIndex(byte[] payload) {
        return Fields.getLong(payload, FAILED_INDEX);
    }

    public static long stdoutBytes(byte[] payload) {
        return Fields.getLong(payload, STDOUT_BYTES);
    }

    public static long stderrBytes(byte[] payload) {
        return Fields.getLong(payload, STDERR_BYTES);
    }

    public static boolean cancelled(byte[] payload) {
        return payload[CANCELLED] == 1;
    }

    /** The failure of a frame that is not {@link #cancelled}. */
    public static Failure failure(byte[] payload) {
        Input in = new Input(payload, FAILURE, payload.length - FAILURE);
        String className = in.readString();
        String message = in.readString();
        byte[] exception = in.readBytes(in.readInt());
        return new Failure(className, message, exception, in.readBytes(in.readInt()));
    }

    /**
     * What a failed task threw.
     *
     * @param className the exception's class
     * @param message its message, or null
     * @param exception the exception (Kryo, class and object), empty if it did not serialize
     * @param standIn a {@code RemoteTaskException} standing in for it, empty if it did not serialize
     */
    public record Failure(String className, String message, byte[] exception, byte[] standIn) {
    }
}
