package org.jparallel.runtime.wire;

import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a worker is doing, published through a tiny shared mapping instead of messages, so that
 * starting a task costs three volatile writes and the parent can still read it after the worker
 * died (to name the task it was running) or while it hangs (to time it out). The parent creates
 * the file in its pool's folder and passes its path on the worker's command line; the worker
 * writes it, the parent reads it.
 *
 * <pre>
 * slot              long
 * 0 CALL            call id of the running task, or IDLE (-1)
 * 1 TASK            index of the running task
 * 2 STARTED_NANOS   System.nanoTime() when it started (CLOCK_MONOTONIC: one clock for all processes on Linux)
 * 3 OUT_OF_MEMORY   1 if the worker ran out of memory
 * </pre>
 *
 * The file is a {@code .npy} array of {@link #SLOTS} longs. A task starts by writing its start
 * time and index before its call, so that a reader who sees the call sees that task's index and
 * time.
 */
public final class Status {
    public static final int CALL = 0;
    public static final int TASK = 1;
    public static final int STARTED_NANOS = 2;
    public static final int OUT_OF_MEMORY = 3;
    public static final int SLOTS = 4;
    /** {@link #CALL} of a worker that runs no task. */
    public static final long IDLE = -1;

    private final LongArray slots;
    private final Path file;

    private Status(LongArray slots, Path file) {
        this.slots = slots;
        this.file = file;
    }

    /** A new, idle status in {@code file}, in the pool's folder, which goes with the pool (parent side). */
    public static Status create(Path file) {
        long[] idle = new long[SLOTS];
        idle[CALL] = IDLE;
        Memmap.dump(LongArray.of(idle), file);
        return open(file);
    }

    /** The status file the parent created (worker side). */
    public static Status open(Path file) {
        return new Status(Memmap.loadLongs(file, MmapMode.READ_WRITE), file);
    }

    public Path file() {
        return file;
    }

    // ---------------------------------------------------------------- worker side

    public void starting(long callId, long taskIndex) {
        slots.setVolatile(STARTED_NANOS, System.nanoTime());
        slots.setVolatile(TASK, taskIndex);
        slots.setVolatile(CALL, callId);
    }

    public void idle() {
        slots.setVolatile(CALL, IDLE);
    }

    public void markOutOfMemory() {
        slots.setVolatile(OUT_OF_MEMORY, 1);
    }

    // ---------------------------------------------------------------- parent side

    public long runningCall() {
        return slots.getVolatile(CALL);
    }

    public long runningTask() {
        return slots.getVolatile(TASK);
    }

    public long runningSinceNanos() {
        return slots.getVolatile(STARTED_NANOS);
    }

    /** How long the running task has run, or 0 when idle. */
    public long runningForNanos() {
        return slots.getVolatile(CALL) == IDLE ? 0 : System.nanoTime() - slots.getVolatile(STARTED_NANOS);
    }

    public boolean outOfMemory() {
        return slots.getVolatile(OUT_OF_MEMORY) == 1;
    }

    /** Deletes the file; the mapping goes when the GC collects it. */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the pool's folder goes at shutdown with whatever is left in it
        }
    }
}
