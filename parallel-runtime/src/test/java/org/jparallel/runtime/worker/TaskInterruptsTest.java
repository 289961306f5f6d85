package org.jparallel.runtime.worker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cancellation reaches the thread only while it runs that call's tasks. */
class TaskInterruptsTest {
    private final TaskInterrupts interrupts = new TaskInterrupts();

    @Test
    void outsideTasksNothingIsInterrupted() {
        interrupts.interrupt(1);
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void onlyTheRunningCallIsInterruptedAndExitClearsIt() {
        interrupts.enter(1);
        interrupts.interrupt(2);
        assertFalse(Thread.currentThread().isInterrupted(), "another call's cancel");
        interrupts.interrupt(1);
        assertTrue(Thread.currentThread().isInterrupted());
        interrupts.exit();
        assertFalse(Thread.currentThread().isInterrupted(), "cleared before the outcome is written");
        interrupts.interrupt(1);
        assertFalse(Thread.currentThread().isInterrupted(), "too late: the tasks ended");
    }

    @Test
    void aCancelFromAnotherThreadReachesTheTaskThread() {
        interrupts.enter(3);
        Thread canceller = new Thread(() -> interrupts.interrupt(3));
        canceller.start();
        while (canceller.isAlive()) {
            Thread.onSpinWait();   // join() would throw at the interrupt it waits for
        }
        assertTrue(Thread.interrupted());
        interrupts.exit();
    }
}
