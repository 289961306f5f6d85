package org.jparallel.runtime.serial;

import org.jparallel.memmap.Handle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The caller's side of results that came back through a worker's files: a Java array over the
 * call's {@code maxBytes} is read from its file straight into a new array of this heap (through a
 * small direct buffer: no mapping, which would hold the file's pages until a collection), and the
 * file is deleted as soon as the batch's results are read. Used while reading one batch's results:
 * a worker's result never names a file twice.
 */
public final class ResultFiles {
    /** Where a ResultFiles sits in the Kryo context while results are read. */
    public static final Object KEY = ResultFiles.class;
    private static final int CHUNK = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN));

    private final List<Path> read = new ArrayList<>();

    /** Reads the array that {@code handle} names: {@code type} is double[], float[], long[], int[] or byte[]. */
    <A> A read(Handle handle, Class<A> type) {
        long bytes = handle.byteSize();
        int itemSize = handle.dtype().itemSize();
        long n = bytes / itemSize;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a result of " + n + " elements does not fit in a Java array");
        }
        Object array = java.lang.reflect.Array.newInstance(type.getComponentType(), (int) n);
        ByteBuffer buffer = BUFFER.get();
        read.add(handle.file());
        try (FileChannel in = FileChannel.open(handle.file())) {
            long position = handle.dataOffset();
            int done = 0;
            while (done < n) {
                buffer.clear();
                buffer.limit((int) Math.min(CHUNK, (n - done) * itemSize));
                while (buffer.hasRemaining()) {
                    if (in.read(buffer, position + buffer.position()) < 0) {
                        throw new IOException("the file ends before its " + n + " elements");
                    }
                }
                buffer.flip();
                int count = buffer.remaining() / itemSize;
                copy(buffer, array, done, count);
                position += buffer.limit();
                done += count;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a result from " + handle.file(), e);
        }
        return type.cast(array);
    }

    private static void copy(ByteBuffer from, Object to, int offset, int count) {
        if (to instanceof double[] a) {
            from.asDoubleBuffer().get(a, offset, count);
        } else if (to instanceof float[] a) {
            from.asFloatBuffer().get(a, offset, count);
        } else if (to instanceof long[] a) {
            from.asLongBuffer().get(a, offset, count);
        } else if (to instanceof int[] a) {
            from.asIntBuffer().get(a, offset, count);
        } else {
            from.get((byte[]) to, offset, count);
        }
    }

    /** Deletes the files read: their pages go back to the machine now, not when the worker forgets the call. */
    public void deleteRead() {
        for (Path file : read) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // The worker's folder goes with the call's end anyway.
            }
        }
        read.clear();
    }
}
