package org.jparallel.memmap;

import java.nio.ByteBuffer;

/**
 * Sums over heap array ranges and over runs of mapped chunks, with four independent accumulators so that
 * consecutive additions do not wait for each other and the loop runs near memory bandwidth. Chunk runs are
 * read in place with absolute gets: measured faster than copying blocks out first.
 */
final class Sums {
    private Sums() {
    }

    static double sum(double[] values, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i <= to - 4; i += 4) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
        }
        for (; i < to; i++) {
            s0 += values[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Accumulates in double precision, as NumPy's pairwise float32 sum nearly does. */
    static double sum(float[] values, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i <= to - 4; i += 4) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
        }
        for (; i < to; i++) {
            s0 += values[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static long sum(long[] values, int from, int to) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i <= to - 4; i += 4) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
        }
        for (; i < to; i++) {
            s0 += values[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static long sum(int[] values, int from, int to) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i <= to - 4; i += 4) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
        }
        for (; i < to; i++) {
            s0 += values[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static long sum(byte[] values, int from, int to) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i <= to - 4; i += 4) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
        }
        for (; i < to; i++) {
            s0 += values[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Sum of {@code count} little-endian elements from byte {@code at} of {@code chunk}. */
    static double sumDoubles(ByteBuffer chunk, int at, int count) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int end = at + count * 8;
        for (; at <= end - 32; at += 32) {
            s0 += chunk.getDouble(at);
            s1 += chunk.getDouble(at + 8);
            s2 += chunk.getDouble(at + 16);
            s3 += chunk.getDouble(at + 24);
        }
        for (; at < end; at += 8) {
            s0 += chunk.getDouble(at);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Sum of {@code count} little-endian elements from byte {@code at} of {@code chunk}. */
    static double sumFloats(ByteBuffer chunk, int at, int count) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int end = at + count * 4;
        for (; at <= end - 16; at += 16) {
            s0 += chunk.getFloat(at);
            s1 += chunk.getFloat(at + 4);
            s2 += chunk.getFloat(at + 8);
            s3 += chunk.getFloat(at + 12);
        }
        for (; at < end; at += 4) {
            s0 += chunk.getFloat(at);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Sum of {@code count} little-endian elements from byte {@code at} of {@code chunk}. */
    static long sumLongs(ByteBuffer chunk, int at, int count) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int end = at + count * 8;
        for (; at <= end - 32; at += 32) {
            s0 += chunk.getLong(at);
            s1 += chunk.getLong(at + 8);
            s2 += chunk.getLong(at + 16);
            s3 += chunk.getLong(at + 24);
        }
        for (; at < end; at += 8) {
            s0 += chunk.getLong(at);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Sum of {@code count} little-endian elements from byte {@code at} of {@code chunk}. */
    static long sumInts(ByteBuffer chunk, int at, int count) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int end = at + count * 4;
        for (; at <= end - 16; at += 16) {
            s0 += chunk.getInt(at);
            s1 += chunk.getInt(at + 4);
            s2 += chunk.getInt(at + 8);
            s3 += chunk.getInt(at + 12);
        }
        for (; at < end; at += 4) {
            s0 += chunk.getInt(at);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Sum of {@code count} little-endian elements from byte {@code at} of {@code chunk}. */
    static long sumBytes(ByteBuffer chunk, int at, int count) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int end = at + count * 1;
        for (; at <= end - 4; at += 4) {
            s0 += chunk.get(at);
            s1 += chunk.get(at + 1);
            s2 += chunk.get(at + 2);
            s3 += chunk.get(at + 3);
        }
        for (; at < end; at += 1) {
            s0 += chunk.get(at);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
