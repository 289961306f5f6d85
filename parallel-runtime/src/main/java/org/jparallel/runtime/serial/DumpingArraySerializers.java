package org.jparallel.runtime.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.memmap.ArrayBytes;
import org.jparallel.memmap.ByteArray;
import org.jparallel.memmap.DType;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.FloatArray;
import org.jparallel.memmap.IntArray;
import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.jparallel.memmap.SharedArray;

import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Plain Java primitive arrays over the call's {@code maxBytes} travel through the temp folder
 * instead of the channel: dumped once per call, read back in each worker; smaller ones travel
 * through the channel as raw bytes. Unlike the shared
 * types, a Java array cannot live in a mapping, so each worker gets its own copy: pass a
 * {@link DoubleArray} (or another shared type) to share one copy among all workers.
 */
final class DumpingArraySerializers {
    private DumpingArraySerializers() {
    }

    static void install(Kryo kryo) {
        install(kryo, double[].class, DType.FLOAT64, a -> DoubleArray.of(a), s -> ((DoubleArray) s).toArray(), a -> a.length);
        install(kryo, float[].class, DType.FLOAT32, a -> FloatArray.of(a), s -> ((FloatArray) s).toArray(), a -> a.length);
        install(kryo, long[].class, DType.INT64, a -> LongArray.of(a), s -> ((LongArray) s).toArray(), a -> a.length);
        install(kryo, int[].class, DType.INT32, a -> IntArray.of(a), s -> ((IntArray) s).toArray(), a -> a.length);
        install(kryo, byte[].class, DType.INT8, a -> ByteArray.of(a), s -> ((ByteArray) s).toArray(), a -> a.length);
    }

    /**
     * Replaces Kryo's serializer of a primitive array type. A small array travels as its bytes,
     * converted in bulk (Kryo's own writes element by element, at about 1.3 GB/s here); a large
     * one as the handle of its dump.
     */
    private static <A> void install(Kryo kryo, Class<A> type, DType dtype, Function<A, SharedArray> view,
                                    Function<SharedArray, A> copy, ToIntFunction<A> length) {
        kryo.getRegistration(type).setSerializer(new Serializer<A>() {
            @Override
            public void write(Kryo k, Output out, A array) {
                DumpContext call = (DumpContext) k.getContext().get(DumpContext.KEY);
                int n = length.applyAsInt(array);
                if (call != null && call.shouldDump((long) n * dtype.itemSize())) {
                    out.writeBoolean(true);
                    SharedArraySerializer.writeHandle(out, call.dump(array, view.apply(array), MmapMode.READ_ONLY));
                } else {
                    out.writeBoolean(false);
                    out.writeVarInt(n, true);
                    ArrayBytes.write(view.apply(array), out);
                }
            }

            @Override
            public A read(Kryo k, Input in, Class<? extends A> t) {
                if (in.readBoolean()) {
                    return copy.apply(Memmap.open(SharedArraySerializer.readHandle(in)));
                }
                return copy.apply(ArrayBytes.read(dtype, new long[] {in.readVarInt(true)}, in));
            }
        });
    }
}
