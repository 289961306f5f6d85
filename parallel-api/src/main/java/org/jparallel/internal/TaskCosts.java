package org.jparallel.internal;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * What a task of each function class cost when the last call of that function on one
 * {@code Parallel} ended, so that automatic batching in the next call starts from there instead of
 * from one task per batch (as joblib's auto batching goes on from its last batch size within one
 * {@code with Parallel(...)} block). Classes are held weakly: a JShell snippet's class that is
 * redefined goes away with its loader.
 */
public final class TaskCosts {
    private final Map<Class<?>, Double> nanosPerTask = new WeakHashMap<>();

    /** The smoothed nanoseconds a task of {@code function}'s class took last, or -1 if none was measured. */
    synchronized double of(Class<?> function) {
        return nanosPerTask.getOrDefault(function, -1.0);
    }

    synchronized void record(Class<?> function, double nanos) {
        nanosPerTask.put(function, nanos);
    }
}
