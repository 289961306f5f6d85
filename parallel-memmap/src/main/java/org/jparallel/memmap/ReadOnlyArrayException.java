package org.jparallel.memmap;

import java.nio.file.Path;

/**
 * Thrown by writes to an array mapped with {@link MmapMode#READ_ONLY}.
 *
 * <pre>{@code
 * DoubleArray a = Memmap.loadDoubles(path, MmapMode.READ_ONLY);
 * a.set(0, 1.0);   // throws: "mapped read-only from <path>; load it with MmapMode.READ_WRITE or ..."
 * }</pre>
 */
public final class ReadOnlyArrayException extends UnsupportedOperationException {
    private final transient Path file;

    ReadOnlyArrayException(Path file, DType dtype) {
        super("mapped read-only from " + file + "; load it with MmapMode.READ_WRITE or allocate it with Memmap."
                + allocatorName(dtype) + "(...)");
        this.file = file;
    }

    /** The file the array is mapped from. */
    public Path file() {
        return file;
    }

    private static String allocatorName(DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> "doubles";
            case FLOAT32 -> "floats";
            case INT64 -> "longs";
            case INT32 -> "ints";
            case INT8 -> "bytes";
        };
    }
}
