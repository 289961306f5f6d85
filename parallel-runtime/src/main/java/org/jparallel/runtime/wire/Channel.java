package org.jparallel.runtime.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * One worker's framed, bidirectional channel over a Unix domain socket. A frame is a 4-byte
 * length, a 1-byte {@link Frame type} and the payload, optionally followed by primitive arrays
 * ({@link Frame#arrays()}). One thread may read while others write; {@link #write} is synchronized
 * so frames never interleave.
 *
 * <p>Small frames go out with one gathering write and come in through a read-ahead buffer, so a
 * round trip costs one system call each way. Large payloads are moved in slices of at most
 * {@link #SLICE} bytes: the JDK copies a heap buffer through a temporary direct buffer of the whole
 * remaining size, which for a large frame would allocate that much native memory at once.
 *
 * <p><b>Arrays after the payload.</b> A frame may carry primitive arrays ({@code double[]},
 * {@code float[]}, {@code long[]}, {@code int[]}, {@code byte[]}) beside its payload: the arrays
 * of a batch's results, which the serializer leaves out of the payload. On the socket the type
 * byte then has {@link #WITH_ARRAYS} set, and the payload is followed by
 * <pre>
 * +-----------------+-------------------------------------------+----------------------------+
 * | count (int, BE) | count x (kind byte, element count int, BE) | elements of each array ... |
 * +-----------------+-------------------------------------------+----------------------------+
 * </pre>
 * the elements little-endian, as in payloads. Each array is moved in pieces through a small direct
 * buffer of this channel's, converted in bulk: one copy between the array and that buffer, one
 * between it and the socket, where a payload that held them would cost the serializer's staging
 * buffer, the growth of its output buffer, the JDK's heap-to-direct copy and, on the reading side,
 * a frame-sized byte array and the decode out of it (measured: 64 x 4 MiB of results moved at
 * 0.5 GB/s through the payload).
 */
public final class Channel implements AutoCloseable {
    static final int SLICE = 1 << 20;
    /** Set in the type byte on the socket: arrays follow the payload. No frame type uses this bit. */
    static final byte WITH_ARRAYS = (byte) 0x80;
    /** Bytes of an array moved per step: fits a core's L2 cache, so the second copy reads from it. */
    static final int BULK = 256 * 1024;
    private static final int HEADER = 5;
    public static final int MAX_FRAME = Integer.MAX_VALUE - 64;

    /** Kinds of array on the socket. */
    private static final byte DOUBLES = 1;
    private static final byte FLOATS = 2;
    private static final byte LONGS = 3;
    private static final byte INTS = 4;
    private static final byte BYTES = 5;

    private final SocketChannel socket;
    private final ByteBuffer writeHeader = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.BIG_ENDIAN);
    /** Bytes read from the socket and not yet handed out; in read mode between calls. */
    private final ByteBuffer readAhead = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.BIG_ENDIAN);
    /** Where arrays pass on their way out and in; allocated with the first array, as most channels carry none. */
    private ByteBuffer writeBulk;
    private ByteBuffer readBulk;

    public Channel(SocketChannel socket) {
        this.socket = socket;
        readAhead.flip();   // empty
    }

    /** Sends one frame. */
    public void write(byte type, byte[] payload, int length) throws IOException {
        write(type, new byte[][] {payload}, new int[] {length}, List.of());
    }

    /**
     * Sends one frame whose first {@code length} bytes of {@code payload} are followed by
     * {@code arrays} (primitive arrays; see the class comment), which the reader gets as
     * {@link Frame#arrays()}, in this order.
     *
     * @throws IllegalArgumentException if an element of {@code arrays} is not a supported primitive array
     */
    public void write(byte type, byte[] payload, int length, List<?> arrays) throws IOException {
        write(type, new byte[][] {payload}, new int[] {length}, arrays);
    }

    /** Sends one frame whose payload is the concatenation of {@code parts}, without joining them. */
    public void write(byte type, byte[]... parts) throws IOException {
        int[] lengths = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            lengths[i] = parts[i].length;
        }
        write(type, parts, lengths, List.of());
    }

    private synchronized void write(byte type, byte[][] parts, int[] lengths, List<?> arrays) throws IOException {
        long total = 0;
        for (int length : lengths) {
            total += length;
        }
        if (total > MAX_FRAME) {
            throw new IOException("a frame of " + total + " bytes is over the limit of " + MAX_FRAME
                    + "; pass large arrays as shared arrays (org.jparallel.memmap) so that they travel as files");
        }
        byte[] table = arrays.isEmpty() ? null : table(arrays);
        writeHeader.clear();
        writeHeader.putInt((int) total).put(table == null ? type : (byte) (type | WITH_ARRAYS)).flip();
        ByteBuffer[] all = new ByteBuffer[parts.length + (table == null ? 1 : 2)];
        all[0] = writeHeader;
        for (int i = 0; i < parts.length; i++) {
            all[i + 1] = ByteBuffer.wrap(parts[i], 0, lengths[i]);
        }
        if (table != null) {
            all[all.length - 1] = ByteBuffer.wrap(table);
            total += table.length;
        }
        if (total <= SLICE) {
            long left = HEADER + total;
            while (left > 0) {
                left -= socket.write(all);
            }
        } else {
            for (ByteBuffer b : all) {
                writeSliced(b);
            }
        }
        for (Object array : arrays) {
            writeArray(array);
        }
    }

    private void writeSliced(ByteBuffer b) throws IOException {
        if (b.isDirect()) {
            writeFully(b);
            return;
        }
        int end = b.limit();
        while (b.position() < end) {
            b.limit(Math.min(end, b.position() + SLICE));
            writeFully(b);
        }
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            socket.write(b);
        }
    }

    /** The count, and each array's kind and length. */
    private static byte[] table(List<?> arrays) {
        ByteBuffer t = ByteBuffer.allocate(4 + 5 * arrays.size()).order(ByteOrder.BIG_ENDIAN);
        t.putInt(arrays.size());
        for (Object a : arrays) {
            t.put(kindOf(a)).putInt(java.lang.reflect.Array.getLength(a));
        }
        return t.array();
    }

    private static byte kindOf(Object array) {
        if (array instanceof double[]) {
            return DOUBLES;
        } else if (array instanceof float[]) {
            return FLOATS;
        } else if (array instanceof long[]) {
            return LONGS;
        } else if (array instanceof int[]) {
            return INTS;
        } else if (array instanceof byte[]) {
            return BYTES;
        }
        throw new IllegalArgumentException("a frame carries arrays of double, float, long, int or byte, not "
                + (array == null ? "null" : array.getClass().getTypeName()));
    }

    private static int itemSize(byte kind) {
        return switch (kind) {
            case DOUBLES, LONGS -> 8;
            case FLOATS, INTS -> 4;
            default -> 1;
        };
    }

    /** The array's elements, little-endian, a bulk conversion into the direct buffer per step. */
    private void writeArray(Object array) throws IOException {
        if (writeBulk == null) {
            writeBulk = ByteBuffer.allocateDirect(BULK).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer bulk = writeBulk;
        byte kind = kindOf(array);
        int size = itemSize(kind);
        int length = java.lang.reflect.Array.getLength(array);
        int perStep = BULK / size;
        for (int off = 0; off < length; off += perStep) {
            int n = Math.min(perStep, length - off);
            bulk.clear();
            switch (kind) {   // a view's put leaves the buffer's own position where it was
                case DOUBLES -> bulk.asDoubleBuffer().put((double[]) array, off, n);
                case FLOATS -> bulk.asFloatBuffer().put((float[]) array, off, n);
                case LONGS -> bulk.asLongBuffer().put((long[]) array, off, n);
                case INTS -> bulk.asIntBuffer().put((int[]) array, off, n);
                default -> bulk.put((byte[]) array, off, n).flip();
            }
            bulk.limit(n * size);
            writeFully(bulk);
        }
    }

    /** Reads the next frame; one reader at a time. */
    public Frame read() throws IOException {
        ensure(HEADER);
        int length = readAhead.getInt();
        byte type = readAhead.get();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("corrupt frame header: length " + length);
        }
        byte[] payload = new byte[length];
        int have = Math.min(length, readAhead.remaining());
        readAhead.get(payload, 0, have);
        for (int off = have; off < length; ) {
            ByteBuffer slice = ByteBuffer.wrap(payload, off, Math.min(SLICE, length - off));
            while (slice.hasRemaining()) {
                if (socket.read(slice) < 0) {
                    throw new EOFException("channel closed by the other side");
                }
            }
            off = slice.position();
        }
        if ((type & WITH_ARRAYS) == 0) {
            return new Frame(type, payload);
        }
        return new Frame((byte) (type & ~WITH_ARRAYS), payload, readArrays());
    }

    private Object[] readArrays() throws IOException {
        ensure(4);
        int count = readAhead.getInt();
        if (count < 0) {
            throw new IOException("corrupt frame: " + count + " arrays");
        }
        byte[] kinds = new byte[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            ensure(5);
            kinds[i] = readAhead.get();
            lengths[i] = readAhead.getInt();
            if (kinds[i] < DOUBLES || kinds[i] > BYTES || lengths[i] < 0) {
                throw new IOException("corrupt frame: array " + i + " of kind " + kinds[i] + " and length " + lengths[i]);
            }
        }
        Object[] arrays = new Object[count];
        for (int i = 0; i < count; i++) {
            arrays[i] = readArray(kinds[i], lengths[i]);
        }
        return arrays;
    }

    private Object readArray(byte kind, int length) throws IOException {
        if (readBulk == null) {
            readBulk = ByteBuffer.allocateDirect(BULK).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer bulk = readBulk;
        Object array = switch (kind) {
            case DOUBLES -> new double[length];
            case FLOATS -> new float[length];
            case LONGS -> new long[length];
            case INTS -> new int[length];
            default -> new byte[length];
        };
        int size = itemSize(kind);
        int perStep = BULK / size;
        for (int off = 0; off < length; off += perStep) {
            int n = Math.min(perStep, length - off);
            bulk.clear().limit(n * size);
            readFully(bulk);
            bulk.flip();
            switch (kind) {
                case DOUBLES -> bulk.asDoubleBuffer().get((double[]) array, off, n);
                case FLOATS -> bulk.asFloatBuffer().get((float[]) array, off, n);
                case LONGS -> bulk.asLongBuffer().get((long[]) array, off, n);
                case INTS -> bulk.asIntBuffer().get((int[]) array, off, n);
                default -> bulk.get((byte[]) array, off, n);
            }
        }
        return array;
    }

    /** Fills {@code dst}: first with what the read-ahead buffer holds, then straight from the socket. */
    private void readFully(ByteBuffer dst) throws IOException {
        if (readAhead.hasRemaining()) {
            int n = Math.min(readAhead.remaining(), dst.remaining());
            int end = readAhead.limit();
            readAhead.limit(readAhead.position() + n);
            dst.put(readAhead);
            readAhead.limit(end);
        }
        while (dst.hasRemaining()) {
            if (socket.read(dst) < 0) {
                throw new EOFException("channel closed by the other side");
            }
        }
    }

    /** Makes at least {@code n} bytes (n ≤ the buffer's size) available in the read-ahead buffer. */
    private void ensure(int n) throws IOException {
        if (readAhead.remaining() >= n) {
            return;
        }
        readAhead.compact();
        while (readAhead.position() < n) {
            if (socket.read(readAhead) < 0) {
                throw new EOFException("channel closed by the other side");
            }
        }
        readAhead.flip();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken socket: nothing left to release
        }
    }
}
