package org.jparallel.runtime.pool;

import org.jparallel.runtime.wire.Status;
import org.junit.jupiter.api.AfterEach;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a worker's end is put in words, from real processes' exit codes and a real status file. */
@ExtendWith(NoLeftovers.class)
class ProcessEndTest {
    private final Path dir;
    private final Status status;

    ProcessEndTest() throws IOException {
        dir = Files.createTempDirectory("process-end-test");
        status = Status.create(dir.resolve("status.npy"));
    }

    @AfterEach
    void removeDir() throws IOException {
        status.delete();
        Files.deleteIfExists(dir);
    }

    private static int exitOf(String... command) throws IOException {
        return ProcessEnd.await(new ProcessBuilder(command).start());
    }

    @Test
    void anExitCodeIsSaidAsItIs() throws IOException {
        assertEquals("exited with code 0", ProcessEnd.describe(exitOf("true"), status));
        assertEquals("exited with code 3 (a task called System.exit, or the JVM failed)",
                ProcessEnd.describe(exitOf("sh", "-c", "exit 3"), status));
    }

    @Test
    void aSignalIsNamed() throws IOException {
        int killed = exitOf("sh", "-c", "kill -9 $$");
        assertEquals(137, killed);
        assertEquals("was killed by signal 9 (SIGKILL) (exit code 137)", ProcessEnd.describe(killed, status));
        assertEquals("was killed by signal 15 (SIGTERM) (exit code 143)", ProcessEnd.describe(143, status));
        assertEquals("was killed by signal 10 (exit code 138)", ProcessEnd.describe(138, status));
        assertEquals("exited with code 200 (a task called System.exit, or the JVM failed)",
                ProcessEnd.describe(200, status));
    }

    @Test
    void runningOutOfMemoryWinsOverTheExitCode() {
        Status.open(status.file()).markOutOfMemory();   // as the worker does, through its own mapping
        String said = ProcessEnd.describe(3, status);
        assertTrue(said.startsWith("ran out of memory (java.lang.OutOfMemoryError)"), said);
        assertTrue(said.contains("workerHeap"), said);
    }

    @Test
    void aProcessThatDoesNotEndIsKilledAfterTwoSeconds() throws IOException {
        Process p = new ProcessBuilder("sleep", "60").start();
        assertEquals(137, ProcessEnd.await(p));
        assertFalse(p.isAlive());
    }
}
