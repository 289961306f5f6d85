package org.jparallel.runtime.wire;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;

/**
 * {@link Frame#CLASS_BYTES}, parent to worker: the answer to a {@link ClassRequestFrame}.
 *
 * <pre>
 * +-------------------+-------+---------------+-------+-----------------+
 * | class name        |   n   |  class file   |   s   |  statics        |
 * | (Kryo string)     | (int) |  (n bytes)    | (int) |  (s bytes)      |
 * +-------------------+-------+---------------+-------+-----------------+
 * </pre>
 *
 * {@code n} is -1, and nothing follows it, when the call's class loader has no such class. The
 * statics are the current values of a JShell snippet wrapper's top-level variables, a Kryo
 * {@code Map} from field name to value; {@code s} is 0 for other classes.
 *
 * @param className the requested class
 * @param classFile its class file, or null if the caller has no such class
 * @param statics the serialized static values, empty when there are none
 */
public record ClassBytesFrame(String className, byte[] classFile, byte[] statics) {
    private static final byte[] NONE = new byte[0];

    /** The answer that the caller has no such class. */
    public static byte[] encodeMissing(String className) {
        return new ClassBytesFrame(className, null, NONE).encode();
    }

    public byte[] encode() {
        Output out = new Output(4096, -1);
        out.writeString(className);
        if (classFile == null) {
            out.writeInt(-1);
            return out.toBytes();
        }
        out.writeInt(classFile.length);
        out.writeBytes(classFile);
        out.writeInt(statics.length);
        out.writeBytes(statics);
        return out.toBytes();
    }

    public static ClassBytesFrame decode(byte[] payload) {
        Input in = new Input(payload);
        String name = in.readString();
        int length = in.readInt();
        if (length < 0) {
            return new ClassBytesFrame(name, null, NONE);
        }
        byte[] classFile = in.readBytes(length);
        return new ClassBytesFrame(name, classFile, in.readBytes(in.readInt()));
    }

    /** Just the class name, which says whose request this answers. */
    public static String className(byte[] payload) {
        return new Input(payload).readString();
    }
}
