package org.jparallel.runtime.wire;

/**
 * {@link Frame#REVOKE}, parent to worker: give back this queued batch if it has not started; and
 * {@link Frame#REVOKED}, worker to parent, with the same payload: it was given back unstarted.
 * (A batch that had started is answered by its RESULT or FAILED as usual, and no REVOKED comes.)
 *
 * <pre>
 * 0               8               16
 * +---------------+---------------+
 * |    call id    |  first index  |
 * +---------------+---------------+
 * </pre>
 */
public final class RevokeFrame {
    public static final int CALL_ID = 0;
    public static final int FIRST_INDEX = 8;
    public static final int LENGTH = 16;

    private RevokeFrame() {
    }

    public static byte[] encode(long callId, long firstIndex) {
        byte[] payload = new byte[LENGTH];
        Fields.putLong(payload, CALL_ID, callId);
        Fields.putLong(payload, FIRST_INDEX, firstIndex);
        return payload;
    }

    public static long callId(byte[] payload) {
        return Fields.getLong(payload, CALL_ID);
    }

    public static long firstIndex(byte[] payload) {
        return Fields.getLong(payload, FIRST_INDEX);
    }

    /** Whether {@code batchPayload}, a BATCH's, is the batch this REVOKE asks back. */
    public static boolean names(byte[] revokePayload, byte[] batchPayload) {
        return BatchFrame.callId(batchPayload) == callId(revokePayload)
                && BatchFrame.firstIndex(batchPayload) == firstIndex(revokePayload);
    }
}
