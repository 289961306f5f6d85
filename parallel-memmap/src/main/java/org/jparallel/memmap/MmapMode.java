package org.jparallel.memmap;

/**
 * How a {@code .npy} file is mapped, with NumPy's {@code mmap_mode} codes.
 *
 * <pre>{@code
 * DoubleArray a = Memmap.loadDoubles(path, MmapMode.of("r+"));   // READ_WRITE
 * }</pre>
 */
public enum MmapMode {
    /** Reading only; writes throw {@link ReadOnlyArrayException}. */
    READ_ONLY("r"),
    /** Reads and writes go to the file and are seen by every process mapping it. */
    READ_WRITE("r+"),
    /**
     * Creates a new file; only {@link Memmap}'s allocation methods and {@link Memmap#create} (NumPy's
     * {@code open_memmap(path, mode='w+', ...)}) create files, loading with it is refused.
     */
    WRITE("w+"),
    /** Writes stay private to this mapping, the file is never changed. */
    COPY_ON_WRITE("c");

    private final String code;

    MmapMode(String code) {
        this.code = code;
    }

    /** NumPy's code for this mode: {@code "r"}, {@code "r+"}, {@code "w+"} or {@code "c"}. */
    public String code() {
        return code;
    }

    /**
     * The mode with NumPy code {@code code}.
     *
     * @throws IllegalArgumentException for any other string
     */
    public static MmapMode of(String code) {
        for (MmapMode mode : values()) {
            if (mode.code.equals(code)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mmap mode '" + code + "'; use one of 'r', 'r+', 'w+', 'c'");
    }
}
