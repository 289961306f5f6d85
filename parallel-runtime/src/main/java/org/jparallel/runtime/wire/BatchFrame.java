package org.jparallel.runtime.wire;

import com.esotericsoftware.kryo.kryo5.io.Input;

/**
 * {@link Frame#BATCH}, parent to worker: tasks to run.
 *
 * <pre>
 * 0               8               16      20            20+n
 * +---------------+---------------+-------+-------------+------------------------+
 * |    call id    |  first index  |   n   |  function   |  arguments ...         |
 * +---------------+---------------+-------+-------------+------------------------+
 * </pre>
 *
 * {@code n} is the function's length, 0 when the worker holds this call's function from its last
 * batch; the function is the call's {@code Fn} (Kryo, class and object); the arguments are the
 * batch's {@code List} (Kryo, class and object). The parent sends the header, the function and the
 * arguments as three parts of one frame, without joining them.
 */
public final class BatchFrame {
    public static final int CALL_ID = 0;
    public static final int FIRST_INDEX = 8;
    public static final int FUNCTION_LENGTH = 16;
    public static final int FUNCTION = 20;

    private BatchFrame() {
    }

    /** The header part, which the function and the arguments follow. */
    public static byte[] header(long callId, long firstIndex, int functionLength) {
        byte[] header = new byte[FUNCTION];
        Fields.putLong(header, CALL_ID, callId);
        Fields.putLong(header, FIRST_INDEX, firstIndex);
        Fields.putInt(header, FUNCTION_LENGTH, functionLength);
        return header;
    }

    public static long callId(byte[] payload) {
        return Fields.getLong(payload, CALL_ID);
    }

    public static long firstIndex(byte[] payload) {
        return Fields.getLong(payload, FIRST_INDEX);
    }

    /** 0: the worker's last batch carried this call's function. */
    public static int functionLength(byte[] payload) {
        return Fields.getInt(payload, FUNCTION_LENGTH);
    }

    /** The function, read in place. */
    public static Input function(byte[] payload) {
        return new Input(payload, FUNCTION, functionLength(payload));
    }

    /** The arguments, read in place. */
    public static Input arguments(byte[] payload) {
        int at = FUNCTION + functionLength(payload);
        return new Input(payload, at, payload.length - at);
    }
}
