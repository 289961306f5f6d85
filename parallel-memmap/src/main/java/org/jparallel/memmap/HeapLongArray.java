package org.jparallel.memmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A {@link LongArray} window onto a {@code long[]}. */
final class HeapLongArray extends HeapArray implements LongArray {
    /** Volatile and atomic access to the elements of the backing array. */
    private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] data;

    HeapLongArray(long[] data, int offset, int length) {
        super(DType.INT64, offset, length);
        this.data = data;
    }

    @Override
    public long get(long index) {
        return data[indexOf(index)];
    }

    @Override
    public void set(long index, long value) {
        data[indexOf(index)] = value;
    }

    @Override
    public LongArray slice(long from, long to) {
        return new HeapLongArray(data, sliceStart(from, to), (int) (to - from));
    }

    @Override
    public void copyTo(long srcIndex, long[] dst, int dstOffset, int length) {
        System.arraycopy(data, rangeStart(srcIndex, length), dst, dstOffset, length);
    }

    @Override
    public void copyFrom(long[] src, int srcOffset, long dstIndex, int length) {
        System.arraycopy(src, srcOffset, data, rangeStart(dstIndex, length), length);
    }

    @Override
    public long[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    @Override
    public void fill(long value) {
        Arrays.fill(data, offset, offset + length, value);
    }

    @Override
    public long sum() {
        return Sums.sum(data, offset, offset + length);
    }

    @Override
    public long getVolatile(long index) {
        return (long) ELEMENTS.getVolatile(data, indexOf(index));
    }

    @Override
    public void setVolatile(long index, long value) {
        ELEMENTS.setVolatile(data, indexOf(index), value);
    }

    @Override
    public long addAndGet(long index, long delta) {
        return (long) ELEMENTS.getAndAdd(data, indexOf(index), delta) + delta;
    }

    @Override
    public boolean compareAndSet(long index, long expect, long update) {
        return ELEMENTS.compareAndSet(data, indexOf(index), expect, update);
    }

    @Override
    public void readBytes(long fromByte, ByteBuffer dst) {
        int count = dst.remaining() / Long.BYTES;
        dst.asLongBuffer().put(data, offset + (int) (fromByte / Long.BYTES), count);
        dst.position(dst.position() + count * Long.BYTES);
    }
}
