package org.jparallel.memmap;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * What the mapped 1-D arrays share: {@code length} elements of a {@link MappedRegion} starting at absolute
 * file offset {@code dataOffset}.
 */
abstract class MappedArray implements ElementBytes {
    /** Elements written per bulk copy by {@code fill}. */
    static final int FILL_BLOCK = 2048;

    final MappedRegion region;
    final long dataOffset;
    final long length;
    private final DType dtype;
    private final int itemSize;
    /** Deletes the file on {@link #close()}; only set on an array that {@link Memmap} allocated, not on views. */
    private final Cleaner.Cleanable ownedFile;

    MappedArray(MappedRegion region, DType dtype, long dataOffset, long length, Cleaner.Cleanable ownedFile) {
        this.region = region;
        this.dtype = dtype;
        this.itemSize = dtype.itemSize();
        this.dataOffset = dataOffset;
        this.length = length;
        this.ownedFile = ownedFile;
    }

    /** Receives one chunk-contained run of elements. */
    @FunctionalInterface
    interface Segment {
        /**
         * @param chunk          the chunk holding the run
         * @param offsetInChunk  byte position of the run's first element in the chunk
         * @param elementCount   elements in the run
         * @param elementsBefore elements of the range visited before this run
         */
        void visit(ByteBuffer chunk, int offsetInChunk, int elementCount, long elementsBefore);
    }

    /** Sums one chunk-contained run of elements in floating point. */
    @FunctionalInterface
    interface DoubleRunSum {
        double sum(ByteBuffer chunk, int offsetInChunk, int elementCount);
    }

    /** Sums one chunk-contained run of elements in integer arithmetic. */
    @FunctionalInterface
    interface LongRunSum {
        long sum(ByteBuffer chunk, int offsetInChunk, int elementCount);
    }

    public final DType dtype() {
        return dtype;
    }

    public final long length() {
        return length;
    }

    public final boolean isReadOnly() {
        return region.isReadOnly();
    }

    public final boolean isMapped() {
        return true;
    }

    public final Optional<Handle> handle() {
        return Optional.of(handle(new long[] {length}));
    }

    /** A handle for these bytes seen with {@code shape}; matrices use it with their 2-D shape. */
    final Handle handle(long[] shape) {
        return new Handle(region.file(), dataOffset, dtype, shape, region.mode());
    }

    public final void close() {
        if (ownedFile != null) {
            ownedFile.clean();
        }
    }

    /** Absolute file offset of element {@code index}, after the bounds check. */
    final long offsetOf(long index) {
        return dataOffset + Objects.checkIndex(index, length) * itemSize;
    }

    /** Like {@link #offsetOf} for a write, which a read-only mapping refuses. */
    final long writableOffsetOf(long index) {
        checkWritable();
        return offsetOf(index);
    }

    /** Absolute file offset of the view {@code [from, to)}, after the bounds check. */
    final long sliceOffset(long from, long to) {
        return dataOffset + Objects.checkFromToIndex(from, to, length) * itemSize;
    }

    /** Refuses writes with a message saying how to get a writable array, instead of a ReadOnlyBufferException. */
    final void checkWritable() {
        if (region.isReadOnly()) {
            throw new ReadOnlyArrayException(region.file(), dtype);
        }
    }

    /** Visits elements {@code [fromIndex, fromIndex + count)} one chunk-contained run at a time. */
    final void forEachSegment(long fromIndex, long count, Segment segment) {
        Objects.checkFromIndexSize(fromIndex, count, length);
        long position = dataOffset + fromIndex * itemSize;
        long done = 0;
        while (done < count) {
            int run = (int) Math.min(count - done, MappedRegion.bytesLeftInChunk(position) / itemSize);
            segment.visit(region.chunk(position), MappedRegion.offsetInChunk(position), run, done);
            done += run;
            position += (long) run * itemSize;
        }
    }

    /** Sum of all elements, summed run by run in place. */
    final double sumRuns(DoubleRunSum runSum) {
        double[] total = {0};
        forEachSegment(0, length, (chunk, at, count, before) -> total[0] += runSum.sum(chunk, at, count));
        return total[0];
    }

    /** Sum of all elements, summed run by run in place. */
    final long sumRuns(LongRunSum runSum) {
        long[] total = {0};
        forEachSegment(0, length, (chunk, at, count, before) -> total[0] += runSum.sum(chunk, at, count));
        return total[0];
    }

    @Override
    public final void readBytes(long fromByte, ByteBuffer dst) {
        forEachSegment(fromByte / itemSize, dst.remaining() / itemSize,
                (chunk, at, count, before) -> dst.put(chunk.slice(at, count * itemSize)));
    }
}
