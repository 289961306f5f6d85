package org.jparallel.memmap;

import java.nio.ByteBuffer;

/**
 * Reads any array's elements as raw little-endian bytes in row-major order; implemented by every
 * {@link SharedArray} class so that {@link Memmap#dump} and {@link ArrayBytes} need one code path.
 */
interface ElementBytes {

    /**
     * Copies data bytes {@code [fromByte, fromByte + dst.remaining())} into {@code dst}, advancing its
     * position. {@code dst} is little-endian; {@code fromByte} and {@code dst.remaining()} are multiples of
     * the item size.
     */
    void readBytes(long fromByte, ByteBuffer dst);
}
