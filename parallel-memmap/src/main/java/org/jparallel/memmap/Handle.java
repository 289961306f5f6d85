package org.jparallel.memmap;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Describes a memory-mapped array so that another process can map the same bytes with
 * {@link Memmap#open(Handle)}.
 *
 * <pre>{@code
 * Handle h = Memmap.dump(DoubleArray.of(1, 2, 3), Path.of("/dev/shm/x.npy"));
 * DoubleArray again = (DoubleArray) Memmap.open(h);   // in this or any other process
 * }</pre>
 *
 * @param file       the {@code .npy} file
 * @param dataOffset byte offset of the first element in the file
 * @param dtype      element type
 * @param shape      dimensions, row-major (compared by content)
 * @param mode       how to map it; {@link MmapMode#COPY_ON_WRITE} gives each opener a private copy
 */
public record Handle(Path file, long dataOffset, DType dtype, long[] shape, MmapMode mode) {

    public Handle {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(mode, "mode");
        if (dataOffset < 0) {
            throw new IllegalArgumentException("negative dataOffset " + dataOffset);
        }
        shape = shape.clone();
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
    }

    /** Dimensions; a fresh copy, so the handle stays immutable. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long size() {
        return Shapes.elementCount(shape);
    }

    /** Number of data bytes. */
    public long byteSize() {
        return Math.multiplyExact(size(), dtype.itemSize());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handle other
                && file.equals(other.file)
                && dataOffset == other.dataOffset
                && dtype == other.dtype
                && Arrays.equals(shape, other.shape)
                && mode == other.mode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, dataOffset, dtype, Arrays.hashCode(shape), mode);
    }

    @Override
    public String toString() {
        return "Handle[file=" + file + ", dataOffset=" + dataOffset + ", dtype=" + dtype
                + ", shape=" + Shapes.format(shape) + ", mode=" + mode + "]";
    }
}
