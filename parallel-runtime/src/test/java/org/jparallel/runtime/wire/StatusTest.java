package org.jparallel.runtime.wire;

import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status file: what the worker writes through one mapping, the parent reads through another. */
class StatusTest {
    private final Path dir;

    StatusTest() throws IOException {
        dir = Files.createTempDirectory("status-test");
    }

    @AfterEach
    void removeDir() throws IOException {
        Files.deleteIfExists(dir.resolve("status.npy"));
        Files.deleteIfExists(dir);
    }

    @Test
    void theWorkersWritesReachTheParentsMappingInTheirSlots() {
        Status parent = Status.create(dir.resolve("status.npy"));
        Status worker = Status.open(parent.file());
        assertEquals(Status.IDLE, parent.runningCall());
        assertEquals(0, parent.runningForNanos());
        assertFalse(parent.outOfMemory());

        long before = System.nanoTime();
        worker.starting(8, 41);
        assertEquals(8, parent.runningCall());
        assertEquals(41, parent.runningTask());
        assertTrue(parent.runningSinceNanos() >= before && parent.runningSinceNanos() <= System.nanoTime());
        assertTrue(parent.runningForNanos() >= 0);

        worker.idle();
        assertEquals(Status.IDLE, parent.runningCall());
        assertEquals(41, parent.runningTask(), "the last task's index stays for the parent to name it");
        worker.markOutOfMemory();
        assertTrue(parent.outOfMemory());

        // The slots are where the constants say, in a plain .npy file of SLOTS longs.
        LongArray raw = Memmap.loadLongs(parent.file(), MmapMode.READ_ONLY);
        assertEquals(Status.SLOTS, raw.length());
        assertEquals(Status.IDLE, raw.get(Status.CALL));
        assertEquals(41, raw.get(Status.TASK));
        assertEquals(1, raw.get(Status.OUT_OF_MEMORY));

        parent.delete();
        assertFalse(Files.exists(parent.file()));
    }
}
