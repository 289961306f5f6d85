package org.jparallel.runtime.wire;

/**
 * {@link Frame#CANCEL}, parent to worker: the call was cancelled; its queued batches are answered
 * as cancelled and its running task is interrupted.
 *
 * <pre>
 * 0               8
 * +---------------+
 * |    call id    |
 * +---------------+
 * </pre>
 */
public final class CancelFrame {
    public static final int CALL_ID = 0;
    public static final int LENGTH = 8;

    private CancelFrame() {
    }

    public static byte[] encode(long callId) {
        byte[] payload = new byte[LENGTH];
        Fields.putLong(payload, CALL_ID, callId);
        return payload;
    }

    public static long callId(byte[] payload) {
        return Fields.getLong(payload, CALL_ID);
    }
}
