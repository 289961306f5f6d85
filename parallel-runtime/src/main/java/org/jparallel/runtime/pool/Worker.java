package org.jparallel.runtime.pool;

import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.Status;
import org.jparallel.spi.Batch;

import java.util.ArrayDeque;

/**
 * The parent's view of one worker JVM: its process, channel, output pumps and status, and the
 * batches sent to it. Fields marked "pool lock" are guarded by the owning {@link WorkerPool}.
 *
 * <p><b>States.</b> {@link #state} is one of
 * <pre>
 * STARTING  spawned; waits in the pool's starting map, by token, for its hello; no channel yet
 * READY     said hello with its token; has a channel; the only state that gets batches
 * RETIRING  asked to exit (an EXIT frame), or the pool shuts down; gets nothing new
 * KILLED    the watchdog destroyed its process (a timeout, a cancelled task that went on);
 *           its death is reported as that ({@link #kill})
 * DEAD      out of every structure of the pool: its channel closed, or it exited before its hello
 * </pre>
 * and moves
 * <pre>
 * STARTING -> READY      its hello (WorkerPool.serve)
 * STARTING -> RETIRING   the pool shuts down; a hello after that leaves it RETIRING
 * STARTING -> DEAD       it exits before its hello (WorkerPool.exitedBeforeHello): a bad JVM option,
 *                        or the watchdog's start timeout, which is reported as a failed start
 * READY    -> RETIRING   idle beyond what the calls need, the idle timeout, or shutdown
 *                        (WorkerPool.retireIdleBeyond, WorkerPool.shutdown)
 * READY    -> KILLED     Watchdog (RETIRING -> KILLED too, for a busy worker during shutdown;
 *                        shutdown leaves a KILLED worker KILLED)
 * any      -> DEAD       its reader sees the channel close (WorkerPool.died)
 * </pre>
 * A READY, RETIRING or KILLED worker is in the pool's list of workers, with a channel; only the
 * state is needed to know which of those it is.
 */
final class Worker {
    enum State { STARTING, READY, RETIRING, KILLED, DEAD }

    final int id;
    final String token;
    final Process process;
    final Status status;
    final OutputPump stdout;
    final OutputPump stderr;
    final long startedNanos = System.nanoTime();

    /** Set once the worker said hello; null while it starts. */
    volatile Channel channel;

    /** See the class comment. Pool lock. */
    State state = State.STARTING;
    /** Batches sent and not answered, oldest (the one running) first. Pool lock. */
    final ArrayDeque<Assignment> inFlight = new ArrayDeque<>();
    /** The call whose function the worker holds: a batch of the same call is sent without it. Pool lock. */
    long functionOfCall = -1;
    /** The queued batch the pool asked this worker to give back, until it answers. Pool lock. */
    Assignment revoking;
    /** Why the pool killed it (a timeout), so that its death is reported as that; set with KILLED. Pool lock. */
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

    /** The watchdog destroys its process, for {@code why}. Pool lock. */
    void killed(Kill why) {
        kill = why;
        state = State.KILLED;
    }

    /** Asked to exit, or the pool shuts down; a KILLED worker stays KILLED. Pool lock. */
    void retiring() {
        if (state != State.KILLED && state != State.DEAD) {
            state = State.RETIRING;
        }
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
