package org.jparallel.runtime.pool;

import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a worker is doing, published through a tiny shared mapping instead of messages, so that
 * starting a task costs two volatile writes and the parent can still read it after the worker
 * died (to name the task it was running) or while it hangs (to time it out).
 *
 * <pre>
 * slot 0  call id of the running task, or -1 when idle
 * slot 1  index of the running task
 * slot 2  System.nanoTime() when it started (CLOCK_MONOTONIC: one clock for all processes on Linux)
 * slot 3  1 if the worker ran out of memory
 * </pre>
 */
public final class Status {
    private final LongArray slots;
    private final Path file;

    private Status(LongArray slots, Path file) {
        this.slots = slots;
        this.file = file;
    }

    /** A new, idle status in {@code file}, in the pool's folder, which goes with the pool (parent side). */
    static Status create(Path file) {
        Memmap.dump(LongArray.of(-1, 0, 0, 0), file);
        return open(file);
    }

    /** The status file the parent created (worker side). */
    public static Status open(Path file) {
        return new Status(Memmap.loadLongs(file, MmapMode.READ_WRITE), file);
    }

    Path file() {
        return file;
    }

    public void starting(long callId, long taskIndex) {
        slots.setVolatile(2, System.nanoTime());
        slots.setVolatile(1, taskIndex);
        slots.setVolatile(0, callId);
    }

    public void idle() {
        slots.setVolatile(0, -1);
    }

    public void markOutOfMemory() {
        slots.setVolatile(3, 1);
    }

    long runningCall() {
        return slots.getVolatile(0);
    }

    long runningTask() {
        return slots.getVolatile(1);
    }

    long runningSinceNanos() {
        return slots.getVolatile(2);
    }

    /** How long the running task has run, or 0 when idle. */
    long runningForNanos() {
        return slots.getVolatile(0) == -1 ? 0 : System.nanoTime() - slots.getVolatile(2);
    }

    boolean outOfMemory() {
        return slots.getVolatile(3) == 1;
    }

    /** Deletes the file; the mapping goes when the GC collects it. */
    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the pool's folder goes at shutdown with whatever is left in it
        }
    }
}
