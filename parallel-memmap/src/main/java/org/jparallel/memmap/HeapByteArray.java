package org.jparallel.memmap;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A {@link ByteArray} window onto a {@code byte[]}. */
final class HeapByteArray extends HeapArray implements ByteArray {
    private final byte[] data;

    HeapByteArray(byte[] data, int offset, int length) {
        super(DType.INT8, offset, length);
        this.data = data;
    }

    @Override
    public byte get(long index) {
        return data[indexOf(index)];
    }

    @Override
    public void set(long index, byte value) {
        data[indexOf(index)] = value;
    }

    @Override
    public ByteArray slice(long from, long to) {
        return new HeapByteArray(data, sliceStart(from, to), (int) (to - from));
    }

    @Override
    public void copyTo(long srcIndex, byte[] dst, int dstOffset, int length) {
        System.arraycopy(data, rangeStart(srcIndex, length), dst, dstOffset, length);
    }

    @Override
    public void copyFrom(byte[] src, int srcOffset, long dstIndex, int length) {
        System.arraycopy(src, srcOffset, data, rangeStart(dstIndex, length), length);
    }

    @Override
    public byte[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    @Override
    public void fill(byte value) {
        Arrays.fill(data, offset, offset + length, value);
    }

    @Override
    public long sum() {
        return Sums.sum(data, offset, offset + length);
    }

    @Override
    public void readBytes(long fromByte, ByteBuffer dst) {
        dst.put(data, offset + (int) fromByte, dst.remaining());
    }
}
