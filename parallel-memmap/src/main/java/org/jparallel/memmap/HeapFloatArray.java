package org.jparallel.memmap;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A {@link FloatArray} window onto a {@code float[]}. */
final class HeapFloatArray extends HeapArray implements FloatArray {
    private final float[] data;

    HeapFloatArray(float[] data, int offset, int length) {
        super(DType.FLOAT32, offset, length);
        this.data = data;
    }

    @Override
    public float get(long index) {
        return data[indexOf(index)];
    }

    @Override
    public void set(long index, float value) {
        data[indexOf(index)] = value;
    }

    @Override
    public FloatArray slice(long from, long to) {
        return new HeapFloatArray(data, sliceStart(from, to), (int) (to - from));
    }

    @Override
    public void copyTo(long srcIndex, float[] dst, int dstOffset, int length) {
        System.arraycopy(data, rangeStart(srcIndex, length), dst, dstOffset, length);
    }

    @Override
    public void copyFrom(float[] src, int srcOffset, long dstIndex, int length) {
        System.arraycopy(src, srcOffset, data, rangeStart(dstIndex, length), length);
    }

    @Override
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    @Override
    public void fill(float value) {
        Arrays.fill(data, offset, offset + length, value);
    }

    @Override
    public double sum() {
        return Sums.sum(data, offset, offset + length);
    }

    @Override
    public void readBytes(long fromByte, ByteBuffer dst) {
        int count = dst.remaining() / Float.BYTES;
        dst.asFloatBuffer().put(data, offset + (int) (fromByte / Float.BYTES), count);
        dst.position(dst.position() + count * Float.BYTES);
    }
}
