package org.jparallel.memmap;

import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Objects;

/** A {@link ByteArray} in a memory-mapped file. */
final class MappedByteArray extends MappedArray implements ByteArray {

    MappedByteArray(MappedRegion region, long dataOffset, long length, Cleaner.Cleanable ownedFile) {
        super(region, DType.INT8, dataOffset, length, ownedFile);
    }

    @Override
    public byte get(long index) {
        long at = offsetOf(index);
        return region.chunk(at).get(MappedRegion.offsetInChunk(at));
    }

    @Override
    public void set(long index, byte value) {
        long at = writableOffsetOf(index);
        region.chunk(at).put(MappedRegion.offsetInChunk(at), value);
    }

    @Override
    public ByteArray slice(long from, long to) {
        return new MappedByteArray(region, sliceOffset(from, to), to - from, null);
    }

    @Override
    public void copyTo(long srcIndex, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        forEachSegment(srcIndex, length, (chunk, at, count, before) ->
                chunk.get(at, dst, dstOffset + (int) before, count));
    }

    @Override
    public void copyFrom(byte[] src, int srcOffset, long dstIndex, int length) {
        checkWritable();
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        forEachSegment(dstIndex, length, (chunk, at, count, before) ->
                chunk.put(at, src, srcOffset + (int) before, count));
    }

    @Override
    public byte[] toArray() {
        byte[] all = new byte[Shapes.javaArrayLength(length)];
        copyTo(0, all, 0, all.length);
        return all;
    }

    @Override
    public void fill(byte value) {
        checkWritable();
        byte[] block = new byte[(int) Math.min(length, FILL_BLOCK)];
        Arrays.fill(block, value);
        for (long i = 0; i < length; i += block.length) {
            copyFrom(block, 0, i, (int) Math.min(block.length, length - i));
        }
    }

    @Override
    public long sum() {
        return sumRuns(Sums::sumBytes);
    }
}
