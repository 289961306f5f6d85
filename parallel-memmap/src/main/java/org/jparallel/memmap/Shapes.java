package org.jparallel.memmap;

import java.util.StringJoiner;

/** Shape arithmetic and formatting shared by headers, handles and messages. */
final class Shapes {
    /** Java arrays hold at most this many elements on common JVMs. */
    static final int MAX_JAVA_ARRAY = Integer.MAX_VALUE - 8;

    private Shapes() {
    }

    /** Product of the dimensions, failing on overflow rather than wrapping. */
    static long elementCount(long[] shape) {
        long count = 1;
        for (long dimension : shape) {
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }

    /** Formats like a Python tuple, as NumPy does: {@code (5,)}, {@code (3, 4)}. */
    static String format(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringJoiner joined = new StringJoiner(", ", "(", ")");
        for (long dimension : shape) {
            joined.add(Long.toString(dimension));
        }
        return joined.toString();
    }

    /** The length as an int for a Java array, or a clear error. */
    static int javaArrayLength(long length) {
        if (length > MAX_JAVA_ARRAY) {
            throw new IllegalStateException(length + " elements do not fit in a Java array (at most " + MAX_JAVA_ARRAY
                    + "); copy slices with copyTo instead");
        }
        return (int) length;
    }
}
