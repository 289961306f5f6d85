package org.jparallel.runtime.pool;

import org.jparallel.runtime.wire.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The moves of a worker's state that are the worker's own (see Worker's class comment). */
class WorkerStateTest {
    private final Path dir;
    private final Worker worker;

    WorkerStateTest() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("worker-state-test");
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        worker = new Worker(1, "token", p, Status.create(dir.resolve("status.npy")),
                new OutputPump(p.getInputStream(), () -> System.out), new OutputPump(p.getErrorStream(), () -> System.err));
    }

    @AfterEach
    void removeDir() throws IOException {
        worker.status.delete();
        Files.deleteIfExists(dir);
    }

    @Test
    void aWorkerStartsStarting() {
        assertEquals(Worker.State.STARTING, worker.state);
        assertNull(worker.channel);
        assertNull(worker.kill);
    }

    @Test
    void retiringLeavesAKilledWorkerKilledSoItsDeathIsReportedAsTheKill() {
        worker.state = Worker.State.READY;
        Worker.Kill timeout = new Worker.Kill(7, 1_000_000, "timeout");
        worker.killed(timeout);
        assertEquals(Worker.State.KILLED, worker.state);
        worker.retiring();   // the pool shuts down
        assertEquals(Worker.State.KILLED, worker.state);
        assertEquals(timeout, worker.kill);
    }

    @Test
    void aRetiringWorkerCanStillBeKilled() {
        worker.state = Worker.State.READY;
        worker.retiring();
        assertEquals(Worker.State.RETIRING, worker.state);
        worker.killed(new Worker.Kill(0, 1, "cancelled"));
        assertEquals(Worker.State.KILLED, worker.state);
    }

    @Test
    void aStartingWorkerRetiresWhenThePoolShutsDown() {
        worker.retiring();
        assertEquals(Worker.State.RETIRING, worker.state);
    }

    @Test
    void aDeadWorkerStaysDead() {
        worker.state = Worker.State.DEAD;
        worker.retiring();
        assertEquals(Worker.State.DEAD, worker.state);
    }
}
