package org.jparallel.memmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/** A {@link DoubleArray} in a memory-mapped file. */
final class MappedDoubleArray extends MappedArray implements DoubleArray {
    /** Atomic access to mapped memory; valid because every element is naturally aligned. */
    private static final VarHandle ELEMENTS =
            MethodHandles.byteBufferViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    MappedDoubleArray(MappedRegion region, long dataOffset, long length, Cleaner.Cleanable ownedFile) {
        super(region, DType.FLOAT64, dataOffset, length, ownedFile);
    }

    @Override
    public double get(long index) {
        long at = offsetOf(index);
        return region.chunk(at).getDouble(MappedRegion.offsetInChunk(at));
    }

    @Override
    public void set(long index, double value) {
        long at = writableOffsetOf(index);
        region.chunk(at).putDouble(MappedRegion.offsetInChunk(at), value);
    }

    @Override
    public DoubleArray slice(long from, long to) {
        return new MappedDoubleArray(region, sliceOffset(from, to), to - from, null);
    }

    @Override
    public void copyTo(long srcIndex, double[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        forEachSegment(srcIndex, length, (chunk, at, count, before) ->
                chunk.asDoubleBuffer().get(at / Double.BYTES, dst, dstOffset + (int) before, count));
    }

    @Override
    public void copyFrom(double[] src, int srcOffset, long dstIndex, int length) {
        checkWritable();
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        forEachSegment(dstIndex, length, (chunk, at, count, before) ->
                chunk.asDoubleBuffer().put(at / Double.BYTES, src, srcOffset + (int) before, count));
    }

    @Override
    public double[] toArray() {
        double[] all = new double[Shapes.javaArrayLength(length)];
        copyTo(0, all, 0, all.length);
        return all;
    }

    @Override
    public void fill(double value) {
        checkWritable();
        double[] block = new double[(int) Math.min(length, FILL_BLOCK)];
        Arrays.fill(block, value);
        for (long i = 0; i < length; i += block.length) {
            copyFrom(block, 0, i, (int) Math.min(block.length, length - i));
        }
    }

    @Override
    public double sum() {
        return sumRuns(Sums::sumDoubles);
    }

    @Override
    public double getVolatile(long index) {
        long at = offsetOf(index);
        return (double) ELEMENTS.getVolatile(region.chunk(at), MappedRegion.offsetInChunk(at));
    }

    @Override
    public void setVolatile(long index, double value) {
        long at = writableOffsetOf(index);
        ELEMENTS.setVolatile(region.chunk(at), MappedRegion.offsetInChunk(at), value);
    }

    /** A CAS loop: byte-buffer views offer no atomic add for doubles. */
    @Override
    public double addAndGet(long index, double delta) {
        long at = writableOffsetOf(index);
        ByteBuffer chunk = region.chunk(at);
        int position = MappedRegion.offsetInChunk(at);
        double current;
        double updated;
        do {
            current = (double) ELEMENTS.getVolatile(chunk, position);
            updated = current + delta;
        } while (!ELEMENTS.weakCompareAndSet(chunk, position, current, updated));
        return updated;
    }

    @Override
    public boolean compareAndSet(long index, double expect, double update) {
        long at = writableOffsetOf(index);
        return ELEMENTS.compareAndSet(region.chunk(at), MappedRegion.offsetInChunk(at), expect, update);
    }
}
