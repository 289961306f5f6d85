package org.jparallel.memmap;

import java.nio.file.Path;

/**
 * Child-process half of {@link CrossProcessAtomicsTest}: maps a shared array, marks itself ready in
 * element {@link #READY}, waits for the parent to mark it too, then adds 1 to element {@link #COUNTER}
 * {@code count} times.
 *
 * <p>Arguments: file, data offset, dtype name, length, count.
 */
public final class AtomicAdder {
    static final int COUNTER = 0;
    static final int READY = 1;
    private static final long START_TIMEOUT_NANOS = 60_000_000_000L;

    private AtomicAdder() {
    }

    public static void main(String[] args) {
        Handle handle = new Handle(Path.of(args[0]), Long.parseLong(args[1]), DType.valueOf(args[2]),
                new long[] {Long.parseLong(args[3])}, MmapMode.READ_WRITE);
        int count = Integer.parseInt(args[4]);
        SharedArray array = Memmap.open(handle);
        markReadyAndWaitForTheOther(array);
        for (int i = 0; i < count; i++) {
            addOne(array);
        }
    }

    /** Both processes start adding at the same moment, so that their additions really interleave. */
    static void markReadyAndWaitForTheOther(SharedArray array) {
        addOne(array, READY);
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (valueOf(array, READY) < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the other process never became ready");
            }
            Thread.onSpinWait();
        }
    }

    static void addOne(SharedArray array) {
        addOne(array, COUNTER);
    }

    private static void addOne(SharedArray array, int index) {
        if (array instanceof LongArray longs) {
            longs.addAndGet(index, 1);
        } else if (array instanceof DoubleArray doubles) {
            doubles.addAndGet(index, 1.0);
        } else if (array instanceof FloatArray floats) {
            floats.addAndGet(index, 1f);
        } else {
            ((IntArray) array).addAndGet(index, 1);
        }
    }

    static double valueOf(SharedArray array, int index) {
        if (array instanceof LongArray longs) {
            return longs.getVolatile(index);
        } else if (array instanceof DoubleArray doubles) {
            return doubles.getVolatile(index);
        } else if (array instanceof FloatArray floats) {
            return floats.getVolatile(index);
        }
        return ((IntArray) array).getVolatile(index);
    }
}
