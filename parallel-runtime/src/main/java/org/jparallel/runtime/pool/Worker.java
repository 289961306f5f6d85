package org.jparallel.runtime.pool;

import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.Status;
import org.jparallel.spi.Batch;

import java.util.ArrayDeque;

/**
 * The parent's view of one worker JVM: its process, channel, output pumps and status, and the
 * batches sent to it. Fields marked "pool lock" are guarded by the owning {@link WorkerPool}.
 */
final class Worker {
    final int id;
    final String token;
    final Process process;
    final Status status;
    final OutputPump stdout;
    final OutputPump stderr;
    final long startedNanos = System.nanoTime();

    /** Set once the worker said hello; null while it starts. */
    volatile Channel channel;

    /** Batches sent and not answered, oldest (the one running) first. Pool lock. */
    final ArrayDeque<Assignment> inFlight = new ArrayDeque<>();
    /** The call whose function the worker holds: a batch of the same call is sent without it. Pool lock. */
    long functionOfCall = -1;
    /** Pool lock. */
    boolean retiring;
    /** The queued batch the pool asked this worker to give back, until it answers. Pool lock. */
    Assignment revoking;
    /** Why the pool killed it (a timeout), so that its death is reported as that. Pool lock. */
    Kill kill;

    Worker(int id, String token, Process process, Status status, OutputPump stdout, OutputPump stderr) {
        this.id = id;
        this.token = token;
        this.process = process;
        this.status = status;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    long pid() {
        return process.pid();
    }

    boolean ready() {
        return channel != null;
    }

    @Override
    public String toString() {
        return "worker pid " + pid();
    }

    /** A batch for a worker, and how many times it ran already on workers that died. */
    record Assignment(ProcessCall call, Batch batch, byte[] args, int deaths) {
    }

    /** Why the pool killed a worker: the task that ran too long, and for how long. */
    record Kill(long taskIndex, long ranNanos, String reason) {
    }
}
