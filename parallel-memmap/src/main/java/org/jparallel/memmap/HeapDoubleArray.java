package org.jparallel.memmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A {@link DoubleArray} window onto a {@code double[]}. */
final class HeapDoubleArray extends HeapArray implements DoubleArray {
    /** Volatile and atomic access to the elements of the backing array. */
    private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(double[].class);

    private final double[] data;

    HeapDoubleArray(double[] data, int offset, int length) {
        super(DType.FLOAT64, offset, length);
        this.data = data;
    }

    @Override
    public double get(long index) {
        return data[indexOf(index)];
    }

    @Override
    public void set(long index, double value) {
        data[indexOf(index)] = value;
    }

    @Override
    public DoubleArray slice(long from, long to) {
        return new HeapDoubleArray(data, sliceStart(from, to), (int) (to - from));
    }

    @Override
    public void copyTo(long srcIndex, double[] dst, int dstOffset, int length) {
        System.arraycopy(data, rangeStart(srcIndex, length), dst, dstOffset, length);
    }

    @Override
    public void copyFrom(double[] src, int srcOffset, long dstIndex, int length) {
        System.arraycopy(src, srcOffset, data, rangeStart(dstIndex, length), length);
    }

    @Override
    public double[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    @Override
    public void fill(double value) {
        Arrays.fill(data, offset, offset + length, value);
    }

    @Override
    public double sum() {
        return Sums.sum(data, offset, offset + length);
    }

    @Override
    public double getVolatile(long index) {
        return (double) ELEMENTS.getVolatile(data, indexOf(index));
    }

    @Override
    public void setVolatile(long index, double value) {
        ELEMENTS.setVolatile(data, indexOf(index), value);
    }

    @Override
    public double addAndGet(long index, double delta) {
        return (double) ELEMENTS.getAndAdd(data, indexOf(index), delta) + delta;
    }

    @Override
    public boolean compareAndSet(long index, double expect, double update) {
        return ELEMENTS.compareAndSet(data, indexOf(index), expect, update);
    }

    @Override
    public void readBytes(long fromByte, ByteBuffer dst) {
        int count = dst.remaining() / Double.BYTES;
        dst.asDoubleBuffer().put(data, offset + (int) (fromByte / Double.BYTES), count);
        dst.position(dst.position() + count * Double.BYTES);
    }
}
