package org.jparallel.memmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file: element type, shape and where the data starts.
 * See <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">the format</a>.
 */
record NpyHeader(DType dtype, long[] shape, long dataOffset) {
    /** NumPy aligns the data to 64 bytes, so every element is naturally aligned for atomic access. */
    static final int ALIGNMENT = 64;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Magic, two version bytes and the header length: 2 bytes in version 1.0, 4 in versions 2.0 and 3.0. */
    private static final int V1_PREFIX = MAGIC.length + 2 + 2;
    private static final int V2_PREFIX = MAGIC.length + 2 + 4;

    /** Far more than any real header needs; guards against allocating gigabytes for a corrupt length. */
    private static final int MAX_HEADER_LENGTH = 1 << 20;

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN_ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    long dataBytes() {
        return Math.multiplyExact(Shapes.elementCount(shape), dtype.itemSize());
    }

    /**
     * A version 1.0 header for C-order data, padded with spaces and ended by {@code '\n'} so that the data
     * starts at a multiple of {@link #ALIGNMENT} bytes.
     */
    static byte[] encode(DType dtype, long[] shape) {
        String dict = "{'descr': '" + dtype.npyDescr() + "', 'fortran_order': False, 'shape': "
                + Shapes.format(shape) + ", }";
        int unpadded = V1_PREFIX + dict.length() + 1;
        int total = (unpadded + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        String text = dict + " ".repeat(total - unpadded) + "\n";
        return ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN)
                .put(MAGIC)
                .put((byte) 1).put((byte) 0)
                .putShort((short) text.length())
                .put(text.getBytes(StandardCharsets.US_ASCII))
                .array();
    }

    /**
     * Reads and checks the header of {@code file}.
     *
     * @throws IllegalArgumentException naming the file, the problem and what is supported, if it is not a
     *                                  C-order little-endian .npy file of a supported type
     */
    static NpyHeader read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer prefix = readAt(channel, 0, V2_PREFIX);
            byte[] magic = new byte[Math.min(MAGIC.length, prefix.remaining())];
            prefix.get(0, magic);
            if (prefix.remaining() < V1_PREFIX || !Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(file + " is not a .npy file: it does not start with \\x93NUMPY");
            }
            int major = prefix.get(6);
            int headerStart;
            long headerLength;
            Charset charset;
            if (major == 1) {
                headerStart = V1_PREFIX;
                headerLength = Short.toUnsignedInt(prefix.getShort(8));
                charset = StandardCharsets.ISO_8859_1;
            } else if ((major == 2 || major == 3) && prefix.remaining() == V2_PREFIX) {
                headerStart = V2_PREFIX;
                headerLength = Integer.toUnsignedLong(prefix.getInt(8));
                charset = major == 2 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
            } else {
                throw new IllegalArgumentException(file + ": unsupported .npy format version " + major + "."
                        + prefix.get(7) + "; supported: 1.0, 2.0, 3.0");
            }
            if (headerLength > MAX_HEADER_LENGTH) {
                throw new IllegalArgumentException(file + ": malformed .npy file, header length " + headerLength
                        + " is over " + MAX_HEADER_LENGTH + " bytes");
            }
            long dataOffset = headerStart + headerLength;
            if (channel.size() < dataOffset) {
                throw new IllegalArgumentException(file + " is truncated: its .npy header ends at byte " + dataOffset
                        + " but the file has " + channel.size() + " bytes");
            }
            ByteBuffer text = readAt(channel, headerStart, (int) headerLength);
            return parse(file, charset.decode(text).toString(), dataOffset);
        }
    }

    private static NpyHeader parse(Path file, String text, long dataOffset) {
        Matcher descr = DESCR.matcher(text);
        Matcher fortranOrder = FORTRAN_ORDER.matcher(text);
        Matcher shape = SHAPE.matcher(text);
        if (!descr.find()) {
            throw new IllegalArgumentException(file + ": unsupported .npy dtype (structured or missing) in header "
                    + text.strip() + "; supported: plain numeric types such as '<f8'");
        }
        if (!fortranOrder.find() || !shape.find()) {
            throw new IllegalArgumentException(file + ": malformed .npy header " + text.strip());
        }
        if (fortranOrder.group(1).equals("True")) {
            throw new IllegalArgumentException(file + " is stored in Fortran (column-major) order; only C order is"
                    + " supported: save it with numpy.save(f, numpy.ascontiguousarray(a))");
        }
        DType dtype;
        try {
            dtype = DType.fromNpyDescr(descr.group(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return new NpyHeader(dtype, parseShape(file, shape.group(1)), dataOffset);
    }

    /** Refuses a file too short to hold {@code dataBytes} bytes of data from {@code dataOffset}. */
    static void requireData(Path file, long dataOffset, long dataBytes, long fileSize) {
        if (fileSize - dataOffset < dataBytes) {
            throw new IllegalArgumentException(file + " is truncated: " + dataBytes + " bytes of data from offset "
                    + dataOffset + " need " + (dataOffset + dataBytes) + " bytes but the file has " + fileSize);
        }
    }

    /** Parses the inside of a Python tuple such as {@code "3, 4"} or {@code "5,"}. */
    private static long[] parseShape(Path file, String tuple) {
        return Arrays.stream(tuple.split(","))
                .map(String::strip)
                .filter(dimension -> !dimension.isEmpty())
                .mapToLong(dimension -> parseDimension(file, tuple, dimension))
                .toArray();
    }

    private static long parseDimension(Path file, String tuple, String dimension) {
        try {
            // Python 2 wrote long integers with an 'L' suffix.
            long value = Long.parseLong(dimension.endsWith("L") ? dimension.substring(0, dimension.length() - 1)
                    : dimension);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the whole tuple
        }
        throw new IllegalArgumentException(file + ": malformed .npy shape (" + tuple + ")");
    }

    /** Up to {@code length} bytes from {@code position}, fewer only at the end of the file. */
    private static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        int read;
        do {
            read = channel.read(buffer, position + buffer.position());
        } while (read >= 0 && buffer.hasRemaining());
        return buffer.flip();
    }
}
