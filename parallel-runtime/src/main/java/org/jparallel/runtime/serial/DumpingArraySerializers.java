package org.jparallel.runtime.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.jparallel.memmap.ByteArray;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.FloatArray;
import org.jparallel.memmap.IntArray;
import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.jparallel.memmap.SharedArray;

import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Plain Java primitive arrays over the call's {@code maxBytes} travel through the temp folder
 * instead of the channel: dumped once per call, read back in each worker. Unlike the shared
 * types, a Java array cannot live in a mapping, so each worker gets its own copy: pass a
 * {@link DoubleArray} (or another shared type) to share one copy among all workers.
 */
final class DumpingArraySerializers {
    private DumpingArraySerializers() {
    }

    static void install(Kryo kryo) {
        wrap(kryo, double[].class, a -> DoubleArray.of(a), s -> ((DoubleArray) s).toArray(), a -> a.length * 8L);
        wrap(kryo, float[].class, a -> FloatArray.of(a), s -> ((FloatArray) s).toArray(), a -> a.length * 4L);
        wrap(kryo, long[].class, a -> LongArray.of(a), s -> ((LongArray) s).toArray(), a -> a.length * 8L);
        wrap(kryo, int[].class, a -> IntArray.of(a), s -> ((IntArray) s).toArray(), a -> a.length * 4L);
        wrap(kryo, byte[].class, a -> ByteArray.of(a), s -> ((ByteArray) s).toArray(), a -> a.length);
    }

    @SuppressWarnings("unchecked")
    private static <A> void wrap(Kryo kryo, Class<A> type, Function<A, SharedArray> view,
                                 Function<SharedArray, A> copy, ToLongFunction<A> bytes) {
        Serializer<A> plain = kryo.getRegistration(type).getSerializer();
        kryo.getRegistration(type).setSerializer(new Serializer<A>() {
            @Override
            public void write(Kryo k, Output out, A array) {
                DumpContext call = (DumpContext) k.getContext().get(DumpContext.KEY);
                if (call != null && call.shouldDump(bytes.applyAsLong(array))) {
                    out.writeBoolean(true);
                    SharedArraySerializer.writeHandle(out, call.dump(array, view.apply(array), MmapMode.READ_ONLY));
                } else {
                    out.writeBoolean(false);
                    plain.write(k, out, array);
                }
            }

            @Override
            public A read(Kryo k, Input in, Class<? extends A> t) {
                if (in.readBoolean()) {
                    return copy.apply(Memmap.open(SharedArraySerializer.readHandle(in)));
                }
                return plain.read(k, in, t);
            }
        });
    }
}
