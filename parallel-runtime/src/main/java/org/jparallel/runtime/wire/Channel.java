package org.jparallel.runtime.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * One worker's framed, bidirectional channel over a Unix domain socket. A frame is a 4-byte
 * length, a 1-byte {@link Frame type} and the payload. One thread may read while others write;
 * {@link #write} is synchronized so frames never interleave.
 *
 * <p>Small frames go out with one gathering write and come in through a read-ahead buffer, so a
 * round trip costs one system call each way. Large payloads are moved in slices of at most
 * {@link #SLICE} bytes: the JDK copies a heap buffer through a temporary direct buffer of the whole
 * remaining size, which for a large frame would allocate that much native memory at once.
 */
public final class Channel implements AutoCloseable {
    static final int SLICE = 1 << 20;
    private static final int HEADER = 5;
    public static final int MAX_FRAME = Integer.MAX_VALUE - 64;

    private final SocketChannel socket;
    private final ByteBuffer writeHeader = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.BIG_ENDIAN);
    /** Bytes read from the socket and not yet handed out; in read mode between calls. */
    private final ByteBuffer readAhead = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.BIG_ENDIAN);

    public Channel(SocketChannel socket) {
        this.socket = socket;
        readAhead.flip();   // empty
    }

    /** Sends one frame. */
    public void write(byte type, byte[] payload, int length) throws IOException {
        write(type, new byte[][] {payload}, new int[] {length});
    }

    /** Sends one frame whose payload is the concatenation of {@code parts}, without joining them. */
    public void write(byte type, byte[]... parts) throws IOException {
        int[] lengths = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            lengths[i] = parts[i].length;
        }
        write(type, parts, lengths);
    }

    private synchronized void write(byte type, byte[][] parts, int[] lengths) throws IOException {
        long total = 0;
        for (int length : lengths) {
            total += length;
        }
        if (total > MAX_FRAME) {
            throw new IOException("a frame of " + total + " bytes is over the limit of " + MAX_FRAME
                    + "; pass large arrays as shared arrays (org.jparallel.memmap) so that they travel as files");
        }
        writeHeader.clear();
        writeHeader.putInt((int) total).put(type).flip();
        if (total <= SLICE) {
            ByteBuffer[] all = new ByteBuffer[parts.length + 1];
            all[0] = writeHeader;
            for (int i = 0; i < parts.length; i++) {
                all[i + 1] = ByteBuffer.wrap(parts[i], 0, lengths[i]);
            }
            long left = HEADER + total;
            while (left > 0) {
                left -= socket.write(all);
            }
            return;
        }
        while (writeHeader.hasRemaining()) {
            socket.write(writeHeader);
        }
        for (int i = 0; i < parts.length; i++) {
            for (int off = 0; off < lengths[i]; ) {
                ByteBuffer slice = ByteBuffer.wrap(parts[i], off, Math.min(SLICE, lengths[i] - off));
                while (slice.hasRemaining()) {
                    socket.write(slice);
                }
                off = slice.position();
            }
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
        return new Frame(type, payload);
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
