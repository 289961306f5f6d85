package org.jparallel.runtime.wire;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;

/**
 * {@link Frame#CLASS_REQUEST}, worker to parent: a class the worker's class path lacks, to be read
 * from the class loader of the call's function. The parent answers with {@link ClassBytesFrame}.
 *
 * <pre>
 * 0               8
 * +---------------+-------------------------+
 * |    call id    |  class name (Kryo str.) |
 * +---------------+-------------------------+
 * </pre>
 */
public final class ClassRequestFrame {
    public static final int CALL_ID = 0;
    public static final int CLASS_NAME = 8;

    private ClassRequestFrame() {
    }

    public static byte[] encode(long callId, String className) {
        Output out = new Output(64, -1);
        out.writeLong(callId);
        out.writeString(className);
        return out.toBytes();
    }

    public static long callId(byte[] payload) {
        return Fields.getLong(payload, CALL_ID);
    }

    public static String className(byte[] payload) {
        return new Input(payload, CLASS_NAME, payload.length - CLASS_NAME).readString();
    }
}
