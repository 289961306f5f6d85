package org.jparallel.runtime.pool;

import org.jparallel.TaskTimeoutException;
import org.jparallel.WorkerDiedException;
import org.jparallel.runtime.wire.Status;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How a worker's process ended, in words for the user: its exit code, the signal that killed it,
 * an out-of-memory error its {@link Status} recorded, or the pool's own reason for killing it.
 */
final class ProcessEnd {
    private ProcessEnd() {
    }

    /**
     * What the batch a dead worker was running fails with: a {@link TaskTimeoutException} if the
     * watchdog killed it for its timeout, else a {@link WorkerDiedException} naming the task (the
     * one its status names, if it is this call's) and how the process ended.
     */
    static Throwable failureOf(Worker w, Worker.Assignment running, Worker.Kill kill, int exit) {
        if (kill != null && kill.reason().equals("timeout")) {
            return new TaskTimeoutException("task " + kill.taskIndex() + " ran for "
                    + Duration.ofNanos(kill.ranNanos()).toMillis() + " ms, longer than the timeout of "
                    + running.call().timeout().toMillis() + " ms; its worker (pid " + w.pid()
                    + ") was stopped and replaced", kill.taskIndex(), Duration.ofNanos(kill.ranNanos()));
        }
        long index = taskOf(w, running);
        return new WorkerDiedException("task " + index + ": " + w + " " + describe(exit, w.status)
                + "; the worker was replaced", index, exit);
    }

    /** The task of {@code running} the worker was in when it ended: its status says, or else the first. */
    static long taskOf(Worker w, Worker.Assignment running) {
        return w.status.runningCall() == running.call().id() ? w.status.runningTask() : running.batch().firstIndex();
    }

    static String describe(int exit, Status status) {
        if (status.outOfMemory()) {
            return "ran out of memory (java.lang.OutOfMemoryError) and exited; give workers more heap with"
                    + " workerHeap(\"4g\") or make tasks smaller";
        }
        if (exit > 128 && exit < 128 + 65) {
            int signal = exit - 128;
            return "was killed by signal " + signal + signalName(signal) + " (exit code " + exit + ")";
        }
        return "exited with code " + exit + (exit == 0 ? "" : " (a task called System.exit, or the JVM failed)");
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 9 -> " (SIGKILL)";
            case 15 -> " (SIGTERM)";
            case 11 -> " (SIGSEGV)";
            case 6 -> " (SIGABRT)";
            case 2 -> " (SIGINT)";
            default -> "";
        };
    }

    /** Waits for the process to end (killing it if it has not after 2 s), and returns its exit code. */
    static int await(Process p) {
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return p.waitFor();
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }
}
