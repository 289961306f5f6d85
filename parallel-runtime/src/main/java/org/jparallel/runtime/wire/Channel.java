package org.jparallel.runtime.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * One worker's framed, bidirectional channel over a Unix domain socket. A frame is a 4-byte
 * length, a 1-byte {@link Frame type} and the payload. One thread may read while another writes;
 * writes are serialized by the caller (see {@link #write}).
 *
 * <p>Heap buffers are moved in slices of at most {@link #SLICE} bytes: the JDK copies a heap
 * buffer through a temporary direct buffer of the whole remaining size, which for a large frame
 * would allocate that much native memory at once.
 */
public final class Channel implements AutoCloseable {
    static final int SLICE = 1 << 20;
    public static final int MAX_FRAME = Integer.MAX_VALUE - 64;

    private final SocketChannel socket;
    private final ByteBuffer header = ByteBuffer.allocateDirect(5).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer writeHeader = ByteBuffer.allocateDirect(5).order(ByteOrder.BIG_ENDIAN);

    public Channel(SocketChannel socket) {
        this.socket = socket;
    }

    /** Sends one frame; {@code synchronized} so that frames from several threads never interleave. */
    public synchronized void write(byte type, byte[] payload, int length) throws IOException {
        writeHeader(type, length);
        writeAll(payload, length);
    }

    /** Sends one frame whose payload is the concatenation of {@code parts}, without joining them. */
    public synchronized void write(byte type, byte[]... parts) throws IOException {
        long length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        if (length > MAX_FRAME) {
            throw new IOException("a frame of " + length + " bytes is over the limit of " + MAX_FRAME
                    + "; pass large arrays as shared arrays (org.jparallel.memmap) so that they travel as files");
        }
        writeHeader(type, (int) length);
        for (byte[] part : parts) {
            writeAll(part, part.length);
        }
    }

    private void writeHeader(byte type, int length) throws IOException {
        writeHeader.clear();
        writeHeader.putInt(length).put(type).flip();
        while (writeHeader.hasRemaining()) {
            socket.write(writeHeader);
        }
    }

    private void writeAll(byte[] bytes, int length) throws IOException {
        for (int off = 0; off < length; ) {
            ByteBuffer slice = ByteBuffer.wrap(bytes, off, Math.min(SLICE, length - off));
            while (slice.hasRemaining()) {
                socket.write(slice);
            }
            off = slice.position();
        }
    }

    /** Reads the next frame; one reader at a time. */
    public Frame read() throws IOException {
        header.clear();
        fill(header);
        header.flip();
        int length = header.getInt();
        byte type = header.get();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("corrupt frame header: length " + length);
        }
        byte[] payload = new byte[length];
        for (int off = 0; off < length; ) {
            ByteBuffer slice = ByteBuffer.wrap(payload, off, Math.min(SLICE, length - off));
            fill(slice);
            off = slice.position();
        }
        return new Frame(type, payload);
    }

    private void fill(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (socket.read(buffer) < 0) {
                throw new EOFException("channel closed by the other side");
            }
        }
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
