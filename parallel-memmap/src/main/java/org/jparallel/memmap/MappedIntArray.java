package org.jparallel.memmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/** An {@link IntArray} in a memory-mapped file. */
final class MappedIntArray extends MappedArray implements IntArray {
    /** Atomic access to mapped memory; valid because every element is naturally aligned. */
    private static final VarHandle ELEMENTS =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    MappedIntArray(MappedRegion region, long dataOffset, long length, Cleaner.Cleanable ownedFile) {
        super(region, DType.INT32, dataOffset, length, ownedFile);
    }

    @Override
    public int get(long index) {
        long at = offsetOf(index);
        return region.chunk(at).getInt(MappedRegion.offsetInChunk(at));
    }

    @Override
    public void set(long index, int value) {
        long at = writableOffsetOf(index);
        region.chunk(at).putInt(MappedRegion.offsetInChunk(at), value);
    }

    @Override
    public IntArray slice(long from, long to) {
        return new MappedIntArray(region, sliceOffset(from, to), to - from, null);
    }

    @Override
    public void copyTo(long srcIndex, int[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        forEachSegment(srcIndex, length, (chunk, at, count, before) ->
                chunk.asIntBuffer().get(at / Integer.BYTES, dst, dstOffset + (int) before, count));
    }

    @Override
    public void copyFrom(int[] src, int srcOffset, long dstIndex, int length) {
        checkWritable();
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        forEachSegment(dstIndex, length, (chunk, at, count, before) ->
                chunk.asIntBuffer().put(at / Integer.BYTES, src, srcOffset + (int) before, count));
    }

    @Override
    public int[] toArray() {
        int[] all = new int[Shapes.javaArrayLength(length)];
        copyTo(0, all, 0, all.length);
        return all;
    }

    @Override
    public void fill(int value) {
        checkWritable();
        int[] block = new int[(int) Math.min(length, FILL_BLOCK)];
        Arrays.fill(block, value);
        for (long i = 0; i < length; i += block.length) {
            copyFrom(block, 0, i, (int) Math.min(block.length, length - i));
        }
    }

    @Override
    public long sum() {
        return sumRuns(Sums::sumInts);
    }

    @Override
    public int getVolatile(long index) {
        long at = offsetOf(index);
        return (int) ELEMENTS.getVolatile(region.chunk(at), MappedRegion.offsetInChunk(at));
    }

    @Override
    public void setVolatile(long index, int value) {
        long at = writableOffsetOf(index);
        ELEMENTS.setVolatile(region.chunk(at), MappedRegion.offsetInChunk(at), value);
    }

    @Override
    public int addAndGet(long index, int delta) {
        long at = writableOffsetOf(index);
        return (int) ELEMENTS.getAndAdd(region.chunk(at), MappedRegion.offsetInChunk(at), delta) + delta;
    }

    @Override
    public boolean compareAndSet(long index, int expect, int update) {
        long at = writableOffsetOf(index);
        return ELEMENTS.compareAndSet(region.chunk(at), MappedRegion.offsetInChunk(at), expect, update);
    }
}
