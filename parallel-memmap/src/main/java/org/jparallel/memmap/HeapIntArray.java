package org.jparallel.memmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** An {@link IntArray} window onto a {@code int[]}. */
final class HeapIntArray extends HeapArray implements IntArray {
    /** Volatile and atomic access to the elements of the backing array. */
    private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(int[].class);

    private final int[] data;

    HeapIntArray(int[] data, int offset, int length) {
        super(DType.INT32, offset, length);
        this.data = data;
    }

    @Override
    public int get(long index) {
        return data[indexOf(index)];
    }

    @Override
    public void set(long index, int value) {
        data[indexOf(index)] = value;
    }

    @Override
    public IntArray slice(long from, long to) {
        return new HeapIntArray(data, sliceStart(from, to), (int) (to - from));
    }

    @Override
    public void copyTo(long srcIndex, int[] dst, int dstOffset, int length) {
        System.arraycopy(data, rangeStart(srcIndex, length), dst, dstOffset, length);
    }

    @Override
    public void copyFrom(int[] src, int srcOffset, long dstIndex, int length) {
        System.arraycopy(src, srcOffset, data, rangeStart(dstIndex, length), length);
    }

    @Override
    public int[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    @Override
    public void fill(int value) {
        Arrays.fill(data, offset, offset + length, value);
    }

    @Override
    public long sum() {
        return Sums.sum(data, offset, offset + length);
    }

    @Override
    public int getVolatile(long index) {
        return (int) ELEMENTS.getVolatile(data, indexOf(index));
    }

    @Override
    public void setVolatile(long index, int value) {
        ELEMENTS.setVolatile(data, indexOf(index), value);
    }

    @Override
    public int addAndGet(long index, int delta) {
        return (int) ELEMENTS.getAndAdd(data, indexOf(index), delta) + delta;
    }

    @Override
    public boolean compareAndSet(long index, int expect, int update) {
        return ELEMENTS.compareAndSet(data, indexOf(index), expect, update);
    }

    @Override
    public void readBytes(long fromByte, ByteBuffer dst) {
        int count = dst.remaining() / Integer.BYTES;
        dst.asIntBuffer().put(data, offset + (int) (fromByte / Integer.BYTES), count);
        dst.position(dst.position() + count * Integer.BYTES);
    }
}
