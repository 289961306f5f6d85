package org.jparallel.runtime.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Fixed-size fields of a payload, read and written in place. Little-endian, as Kryo's
 * {@code Output.writeLong}/{@code writeInt} write them, so that a header written through a Kryo
 * {@code Output} (the worker's outcomes) reads back here without an {@code Input}.
 */
final class Fields {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Fields() {
    }

    static long getLong(byte[] payload, int offset) {
        return (long) LONG.get(payload, offset);
    }

    static void putLong(byte[] payload, int offset, long value) {
        LONG.set(payload, offset, value);
    }

    static int getInt(byte[] payload, int offset) {
        return (int) INT.get(payload, offset);
    }

    static void putInt(byte[] payload, int offset, int value) {
        INT.set(payload, offset, value);
    }
}
