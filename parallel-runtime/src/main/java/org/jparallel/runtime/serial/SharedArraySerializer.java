package org.jparallel.runtime.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.memmap.ArrayBytes;
import org.jparallel.memmap.DType;
import org.jparallel.memmap.Handle;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.jparallel.memmap.SharedArray;
import org.jparallel.memmap.TempFolders;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Memmapping as a serialization concern (joblib's memmapping reducer): a shared array that is
 * already memory-mapped travels as its {@link Handle}; a heap array over the call's
 * {@code maxBytes} is dumped once and travels as the handle of the dump; a small one travels as
 * its bytes. On the receiving side a handle becomes a mapping of the same file.
 */
public final class SharedArraySerializer extends Serializer<SharedArray> {
    /** Context key of a {@code List<Object>} that collects the mapped arrays written (worker side). */
    public static final Object SENT_MAPPED = new Object();
    /**
     * Context key: present while reading results in the caller, where files that are about to go
     * are adopted: a worker's, and the call's own dumps (a task that returns its argument, or a view
     * of it).
     */
    public static final Object ADOPT_FOREIGN = new Object();
    /**
     * Context key of a {@code Function<Path, Path>} applied to the file of every handle read: where
     * files reach this machine under other names (the Spark backend ships them to its executors).
     */
    public static final Object FILE_MAP = new Object();

    private static final byte INLINE = 0;
    private static final byte MAPPED = 1;

    SharedArraySerializer() {
    }

    @Override
    public void write(Kryo kryo, Output out, SharedArray array) {
        Optional<Handle> mapped = array.handle();
        DumpContext call = (DumpContext) kryo.getContext().get(DumpContext.KEY);
        if (mapped.isPresent()) {
            @SuppressWarnings("unchecked")
            List<Object> sent = (List<Object>) kryo.getContext().get(SENT_MAPPED);
            if (sent != null) {
                sent.add(array);
            }
            out.writeByte(MAPPED);
            writeHandle(out, mapped.get());
        } else if (call != null && call.shouldDump(array.byteSize())) {
            out.writeByte(MAPPED);
            writeHandle(out, call.dump(array, array, call.inputMode()));
        } else {
            out.writeByte(INLINE);
            out.writeString(array.dtype().name());
            writeShape(out, array.shape());
            ArrayBytes.write(array, out);
        }
    }

    @Override
    public SharedArray read(Kryo kryo, Input in, Class<? extends SharedArray> type) {
        if (in.readByte() == MAPPED) {
            Handle handle = relocated(kryo, readHandle(in));
            DumpContext call = (DumpContext) kryo.getContext().get(DumpContext.KEY);
            boolean goesSoon = !ownedByThisJvm(handle) || (call != null && call.wrote(handle.file()));
            return kryo.getContext().containsKey(ADOPT_FOREIGN) && goesSoon ? Memmap.adopt(handle) : Memmap.open(handle);
        }
        DType dtype = DType.valueOf(in.readString());
        return ArrayBytes.read(dtype, readShape(in), in);
    }

    @SuppressWarnings("unchecked")
    private static Handle relocated(Kryo kryo, Handle h) {
        java.util.function.Function<Path, Path> map =
                (java.util.function.Function<Path, Path>) kryo.getContext().get(FILE_MAP);
        Path file = map == null ? h.file() : map.apply(h.file());
        return file.equals(h.file()) ? h : new Handle(file, h.dataOffset(), h.dtype(), h.shape(), h.mode());
    }

    /**
     * An array that a worker allocated and returned lives in the worker's folder, which goes when the
     * worker ends: the caller adopts such files (a hard link of its own) so that the array outlives it.
     */
    private static boolean ownedByThisJvm(Handle handle) {
        return TempFolders.ownerOf(handle.file().getParent())
                .map(owner -> owner.equals(TempFolders.Owner.current()))
                .orElse(true);   // not one of our folders: a file the user named, nobody will delete it
    }

    static void writeHandle(Output out, Handle h) {
        out.writeString(h.file().toString());
        out.writeVarLong(h.dataOffset(), true);
        out.writeString(h.dtype().name());
        writeShape(out, h.shape());
        out.writeString(h.mode().name());
    }

    static Handle readHandle(Input in) {
        Path file = Path.of(in.readString());
        long offset = in.readVarLong(true);
        DType dtype = DType.valueOf(in.readString());
        long[] shape = readShape(in);
        return new Handle(file, offset, dtype, shape, MmapMode.valueOf(in.readString()));
    }

    private static void writeShape(Output out, long[] shape) {
        out.writeVarInt(shape.length, true);
        for (long d : shape) {
            out.writeVarLong(d, true);
        }
    }

    private static long[] readShape(Input in) {
        long[] shape = new long[in.readVarInt(true)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = in.readVarLong(true);
        }
        return shape;
    }
}
