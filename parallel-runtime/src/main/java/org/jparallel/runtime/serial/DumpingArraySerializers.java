package org.jparallel.runtime.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
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

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Plain Java primitive arrays over the call's {@code maxBytes} travel through the temp folder
 * instead of the channel: dumped once per call, read back in each worker; smaller ones travel
 * through the channel as raw bytes (a batch's results: beside the Kryo bytes, see
 * {@link ChannelArrays}). Unlike the shared
 * types, a Java array cannot live in a mapping, so each worker gets its own copy: pass a
 * {@link DoubleArray} (or another shared type) to share one copy among all workers.
 */
final class DumpingArraySerializers {
    /** How an array travels: its bytes in the Kryo stream, its dump's handle, or beside the stream ({@link ChannelArrays}). */
    private static final byte INLINE = 0;
    private static final byte DUMPED = 1;
    private static final byte ALONGSIDE = 2;

    private DumpingArraySerializers() {
    }

    /** Decodes {@code array.length} little-endian elements from {@code bytes} into {@code array}. */
    @FunctionalInterface
    private interface Decoder<A> {
        void decode(ByteBuffer bytes, A array);
    }

    static void install(Kryo kryo) {
        install(kryo, double[].class, DType.FLOAT64, a -> DoubleArray.of(a), s -> ((DoubleArray) s).toArray(), a -> a.length,
                double[]::new, (b, a) -> b.asDoubleBuffer().get(a));
        install(kryo, float[].class, DType.FLOAT32, a -> FloatArray.of(a), s -> ((FloatArray) s).toArray(), a -> a.length,
                float[]::new, (b, a) -> b.asFloatBuffer().get(a));
        install(kryo, long[].class, DType.INT64, a -> LongArray.of(a), s -> ((LongArray) s).toArray(), a -> a.length,
                long[]::new, (b, a) -> b.asLongBuffer().get(a));
        install(kryo, int[].class, DType.INT32, a -> IntArray.of(a), s -> ((IntArray) s).toArray(), a -> a.length,
                int[]::new, (b, a) -> b.asIntBuffer().get(a));
        install(kryo, byte[].class, DType.INT8, a -> ByteArray.of(a), s -> ((ByteArray) s).toArray(), a -> a.length,
                byte[]::new, (b, a) -> b.get(a));
    }

    /**
     * Replaces Kryo's serializer of a primitive array type. A small array travels as its bytes,
     * converted in bulk (Kryo's own writes element by element, at about 1.3 GB/s here); a large
     * one as the handle of its dump; while a channel collects arrays ({@link ChannelArrays}), one of
     * {@link ChannelArrays#MIN_BYTES} or more as its index among them.
     */
    private static <A> void install(Kryo kryo, Class<A> type, DType dtype, Function<A, SharedArray> view,
                                    Function<SharedArray, A> copy, ToIntFunction<A> length, IntFunction<A> allocate,
                                    Decoder<A> decoder) {
        kryo.getRegistration(type).setSerializer(new Serializer<A>() {
            @Override
            public void write(Kryo k, Output out, A array) {
                DumpContext call = (DumpContext) k.getContext().get(DumpContext.KEY);
                @SuppressWarnings("unchecked")
                List<Object> alongside = (List<Object>) k.getContext().get(ChannelArrays.OUTGOING);
                int n = length.applyAsInt(array);
                long bytes = (long) n * dtype.itemSize();
                if (call != null && call.shouldDump(bytes)) {
                    out.writeByte(DUMPED);
                    SharedArraySerializer.writeHandle(out, call.dump(array, view.apply(array), MmapMode.READ_ONLY));
                } else if (alongside != null && bytes >= ChannelArrays.MIN_BYTES) {
                    out.writeByte(ALONGSIDE);
                    out.writeVarInt(alongside.size(), true);
                    alongside.add(array);
                } else {
                    out.writeByte(INLINE);
                    out.writeVarInt(n, true);
                    ArrayBytes.write(view.apply(array), out);
                }
            }

            @Override
            public A read(Kryo k, Input in, Class<? extends A> t) {
                byte how = in.readByte();
                if (how == DUMPED) {
                    return copy.apply(Memmap.open(SharedArraySerializer.readHandle(in)));
                }
                if (how == ALONGSIDE) {
                    return alongside(k, in.readVarInt(true));
                }
                int n = in.readVarInt(true);
                long bytes = (long) n * dtype.itemSize();
                if (in.getClass() == Input.class && in.limit() - in.position() >= bytes) {
                    // All of it in the buffer (a frame's payload): decode in place, without staging or a copy.
                    A array = allocate.apply(n);
                    decoder.decode(ByteBuffer.wrap(in.getBuffer(), in.position(), (int) bytes)
                            .order(ByteOrder.LITTLE_ENDIAN), array);
                    in.setPosition(in.position() + (int) bytes);
                    return array;
                }
                return copy.apply(ArrayBytes.read(dtype, new long[] {n}, in));
            }

            private A alongside(Kryo k, int index) {
                Object[] arrays = (Object[]) k.getContext().get(ChannelArrays.INCOMING);
                if (arrays == null || index >= arrays.length || !type.isInstance(arrays[index])) {
                    throw new KryoException("array " + index + " of the frame is missing or not a "
                            + type.getTypeName() + " (the two ends do not run the same jparallel build)");
                }
                return type.cast(arrays[index]);
            }
        });
    }
}
