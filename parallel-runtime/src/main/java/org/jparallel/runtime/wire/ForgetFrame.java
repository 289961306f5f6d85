package org.jparallel.runtime.wire;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Frame#FORGET}, parent to worker: a call ended; drop what the worker keeps for it and
 * its cached mappings of the call's files (which the parent deletes).
 *
 * <pre>
 * 0               8
 * +---------------+--------+--------+--------+-----+
 * |    call id    |   k    | path 1 | path 2 | ... |
 * +---------------+--------+--------+--------+-----+
 * </pre>
 *
 * {@code k}, the number of paths, is a positive Kryo varint (1 to 5 bytes); each path is a Kryo
 * string.
 */
public final class ForgetFrame {
    public static final int CALL_ID = 0;
    public static final int FILES = 8;

    private ForgetFrame() {
    }

    public static byte[] encode(long callId, List<Path> files) {
        Output out = new Output(256, -1);
        out.writeLong(callId);
        out.writeVarInt(files.size(), true);
        files.forEach(f -> out.writeString(f.toString()));
        return out.toBytes();
    }

    public static long callId(byte[] payload) {
        return Fields.getLong(payload, CALL_ID);
    }

    public static List<Path> files(byte[] payload) {
        Input in = new Input(payload, FILES, payload.length - FILES);
        int n = in.readVarInt(true);
        List<Path> files = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            files.add(Path.of(in.readString()));
        }
        return files;
    }
}
