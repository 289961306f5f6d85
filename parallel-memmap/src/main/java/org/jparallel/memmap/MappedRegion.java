package org.jparallel.memmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file mapped as a sequence of 1 GiB chunks, since one {@link MappedByteBuffer} cannot exceed 2 GiB.
 * Chunk {@code k} covers file bytes {@code [k << 30, (k + 1) << 30)}, so the chunk of an absolute file
 * offset is {@code offset >>> 30}. Array data starts at a multiple of its item size and chunks are
 * multiples of 8 bytes long, so no element straddles two chunks. Chunks are little-endian.
 *
 * <p>The mapping is never unmapped explicitly: it goes away when the last buffer is garbage collected,
 * which makes a use-after-unmap impossible.
 */
final class MappedRegion {
    static final int CHUNK_SHIFT = 30;
    static final long CHUNK_SIZE = 1L << CHUNK_SHIFT;
    private static final long CHUNK_MASK = CHUNK_SIZE - 1;

    private final Path file;
    private final MmapMode mode;
    private final long fileSize;
    private final MappedByteBuffer[] chunks;

    private MappedRegion(Path file, MmapMode mode, long fileSize, MappedByteBuffer[] chunks) {
        this.file = file;
        this.mode = mode;
        this.fileSize = fileSize;
        this.chunks = chunks;
    }

    /** Maps all of {@code file}; {@code mode} must not be {@link MmapMode#WRITE}. */
    static MappedRegion map(Path file, MmapMode mode) throws IOException {
        boolean readOnly = mode == MmapMode.READ_ONLY;
        try (FileChannel channel = readOnly
                ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return map(file, mode, channel);
        }
    }

    /** Maps all of the file open in {@code channel}; the mapping outlives the channel. */
    static MappedRegion map(Path file, MmapMode mode, FileChannel channel) throws IOException {
        FileChannel.MapMode mapMode = switch (mode) {
            case READ_ONLY -> FileChannel.MapMode.READ_ONLY;
            case READ_WRITE -> FileChannel.MapMode.READ_WRITE;
            case COPY_ON_WRITE -> FileChannel.MapMode.PRIVATE;
            case WRITE -> throw new IllegalArgumentException("WRITE creates a file; map the file with READ_WRITE");
        };
        long size = channel.size();
        int chunkCount = (int) ((size + CHUNK_SIZE - 1) >>> CHUNK_SHIFT);
        MappedByteBuffer[] chunks = new MappedByteBuffer[chunkCount];
        for (int k = 0; k < chunkCount; k++) {
            long start = (long) k << CHUNK_SHIFT;
            chunks[k] = channel.map(mapMode, start, Math.min(CHUNK_SIZE, size - start));
            chunks[k].order(ByteOrder.LITTLE_ENDIAN);
        }
        return new MappedRegion(file, mode, size, chunks);
    }

    Path file() {
        return file;
    }

    MmapMode mode() {
        return mode;
    }

    long fileSize() {
        return fileSize;
    }

    boolean isReadOnly() {
        return mode == MmapMode.READ_ONLY;
    }

    /** The chunk holding absolute file offset {@code fileOffset}. */
    ByteBuffer chunk(long fileOffset) {
        return chunks[(int) (fileOffset >>> CHUNK_SHIFT)];
    }

    /** Position of absolute file offset {@code fileOffset} inside its {@link #chunk(long)}. */
    static int offsetInChunk(long fileOffset) {
        return (int) (fileOffset & CHUNK_MASK);
    }

    /** Number of bytes from {@code fileOffset} to the end of its chunk. */
    static long bytesLeftInChunk(long fileOffset) {
        return CHUNK_SIZE - (fileOffset & CHUNK_MASK);
    }
}
