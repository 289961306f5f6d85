package org.jparallel.memmap;

/**
 * Element type of a {@link SharedArray}, with its NumPy {@code .npy} type descriptor.
 *
 * <pre>{@code
 * DType type = DType.fromNpyDescr("<f8");   // FLOAT64
 * long bytes = type.itemSize() * 1_000L;    // 8000
 * }</pre>
 */
public enum DType {
    FLOAT64(8, "<f8", "float64"),
    FLOAT32(4, "<f4", "float32"),
    INT64(8, "<i8", "int64"),
    INT32(4, "<i4", "int32"),
    INT8(1, "|i1", "int8");

    private static final String SUPPORTED =
            "supported: '<f8' (float64), '<f4' (float32), '<i8' (int64), '<i4' (int32), '|i1' (int8), '|u1' (read as int8)";

    private final int itemSize;
    private final String npyDescr;
    private final String numpyName;

    DType(int itemSize, String npyDescr, String numpyName) {
        this.itemSize = itemSize;
        this.npyDescr = npyDescr;
        this.numpyName = numpyName;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** The descriptor written to {@code .npy} headers, e.g. {@code "<f8"}. */
    public String npyDescr() {
        return npyDescr;
    }

    /** NumPy's name of the type, e.g. {@code "float64"}; used in messages. */
    String numpyName() {
        return numpyName;
    }

    /**
     * Parses a {@code .npy} type descriptor. Little-endian ({@code '<'}) and native ({@code '='}, taken
     * as little-endian) forms are accepted; {@code "|u1"} loads as {@link #INT8} bytes.
     *
     * @throws IllegalArgumentException naming the descriptor and listing the supported ones
     */
    public static DType fromNpyDescr(String descr) {
        if (descr.length() < 3) {
            throw unsupported(descr);
        }
        char byteOrder = descr.charAt(0);
        String kindAndSize = descr.substring(1);
        DType type = switch (kindAndSize) {
            case "f8" -> FLOAT64;
            case "f4" -> FLOAT32;
            case "i8" -> INT64;
            case "i4" -> INT32;
            case "i1", "u1" -> INT8;
            default -> throw unsupported(descr);
        };
        // Byte order is meaningless for one-byte types, so any marker is fine there.
        if (type.itemSize == 1 || byteOrder == '<' || byteOrder == '=') {
            return type;
        }
        if (byteOrder == '>') {
            throw new IllegalArgumentException("big-endian dtype '" + descr + "' is not supported, only little-endian;"
                    + " convert it in NumPy with a.astype(a.dtype.newbyteorder('<')); " + SUPPORTED);
        }
        throw unsupported(descr);
    }

    private static IllegalArgumentException unsupported(String descr) {
        return new IllegalArgumentException("unsupported .npy dtype '" + descr + "'; " + SUPPORTED);
    }
}
