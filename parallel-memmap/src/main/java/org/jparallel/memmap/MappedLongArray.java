package org.jparallel.memmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/** A {@link LongArray} in a memory-mapped file. */
final class MappedLongArray extends MappedArray implements LongArray {
    /** Atomic access to mapped memory; valid because every element is naturally aligned. */
    private static final VarHandle ELEMENTS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    MappedLongArray(MappedRegion region, long dataOffset, long length, Cleaner.Cleanable ownedFile) {
        super(region, DType.INT64, dataOffset, length, ownedFile);
    }

    @Override
    public long get(long index) {
        long at = offsetOf(index);
        return region.chunk(at).getLong(MappedRegion.offsetInChunk(at));
    }

    @Override
    public void set(long index, long value) {
        long at = writableOffsetOf(index);
        region.chunk(at).putLong(MappedRegion.offsetInChunk(at), value);
    }

    @Override
    public LongArray slice(long from, long to) {
        return new MappedLongArray(region, sliceOffset(from, to), to - from, null);
    }

    @Override
    public void copyTo(long srcIndex, long[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        forEachSegment(srcIndex, length, (chunk, at, count, before) ->
                chunk.asLongBuffer().get(at / Long.BYTES, dst, dstOffset + (int) before, count));
    }

    @Override
    public void copyFrom(long[] src, int srcOffset, long dstIndex, int length) {
        checkWritable();
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        forEachSegment(dstIndex, length, (chunk, at, count, before) ->
                chunk.asLongBuffer().put(at / Long.BYTES, src, srcOffset + (int) before, count));
    }

    @Override
    public long[] toArray() {
        long[] all = new long[Shapes.javaArrayLength(length)];
        copyTo(0, all, 0, all.length);
        return all;
    }

    @Override
    public void fill(long value) {
        checkWritable();
        long[] block = new long[(int) Math.min(length, FILL_BLOCK)];
        Arrays.fill(block, value);
        for (long i = 0; i < length; i += block.length) {
            copyFrom(block, 0, i, (int) Math.min(block.length, length - i));
        }
    }

    @Override
    public long sum() {
        return sumRuns(Sums::sumLongs);
    }

    @Override
    public long getVolatile(long index) {
        long at = offsetOf(index);
        return (long) ELEMENTS.getVolatile(region.chunk(at), MappedRegion.offsetInChunk(at));
    }

    @Override
    public void setVolatile(long index, long value) {
        long at = writableOffsetOf(index);
        ELEMENTS.setVolatile(region.chunk(at), MappedRegion.offsetInChunk(at), value);
    }

    @Override
    public long addAndGet(long index, long delta) {
        long at = writableOffsetOf(index);
        return (long) ELEMENTS.getAndAdd(region.chunk(at), MappedRegion.offsetInChunk(at), delta) + delta;
    }

    @Override
    public boolean compareAndSet(long index, long expect, long update) {
        long at = writableOffsetOf(index);
        return ELEMENTS.compareAndSet(region.chunk(at), MappedRegion.offsetInChunk(at), expect, update);
    }
}
