package org.jparallel.memmap;

import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Objects;

/** A {@link FloatArray} in a memory-mapped file. */
final class MappedFloatArray extends MappedArray implements FloatArray {

    MappedFloatArray(MappedRegion region, long dataOffset, long length, Cleaner.Cleanable ownedFile) {
        super(region, DType.FLOAT32, dataOffset, length, ownedFile);
    }

    @Override
    public float get(long index) {
        long at = offsetOf(index);
        return region.chunk(at).getFloat(MappedRegion.offsetInChunk(at));
    }

    @Override
    public void set(long index, float value) {
        long at = writableOffsetOf(index);
        region.chunk(at).putFloat(MappedRegion.offsetInChunk(at), value);
    }

    @Override
    public FloatArray slice(long from, long to) {
        return new MappedFloatArray(region, sliceOffset(from, to), to - from, null);
    }

    @Override
    public void copyTo(long srcIndex, float[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        forEachSegment(srcIndex, length, (chunk, at, count, before) ->
                chunk.asFloatBuffer().get(at / Float.BYTES, dst, dstOffset + (int) before, count));
    }

    @Override
    public void copyFrom(float[] src, int srcOffset, long dstIndex, int length) {
        checkWritable();
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        forEachSegment(dstIndex, length, (chunk, at, count, before) ->
                chunk.asFloatBuffer().put(at / Float.BYTES, src, srcOffset + (int) before, count));
    }

    @Override
    public float[] toArray() {
        float[] all = new float[Shapes.javaArrayLength(length)];
        copyTo(0, all, 0, all.length);
        return all;
    }

    @Override
    public void fill(float value) {
        checkWritable();
        float[] block = new float[(int) Math.min(length, FILL_BLOCK)];
        Arrays.fill(block, value);
        for (long i = 0; i < length; i += block.length) {
            copyFrom(block, 0, i, (int) Math.min(block.length, length - i));
        }
    }

    @Override
    public double sum() {
        return sumRuns(Sums::sumFloats);
    }
}
