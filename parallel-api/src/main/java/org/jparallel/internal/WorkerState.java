package org.jparallel.internal;

import org.jparallel.Fn;
import org.jparallel.Init;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The states made by {@link Init initializers} and {@link org.jparallel.WorkerLocal}s, one per key
 * per JVM: a worker computes a state the first time one of its tasks needs it, and keeps it for the
 * tasks of later calls. Backend-agnostic: on THREADS and SEQUENTIAL the calling JVM keeps one state.
 */
public final class WorkerState {
    private static final Map<String, Slot> STATES = new ConcurrentHashMap<>();
    private static final ThreadLocal<Object> CURRENT = new ThreadLocal<>();
    private static final Object NONE = new Object();

    private WorkerState() {
    }

    /** The state of the initializer of the task running in this thread. */
    @SuppressWarnings("unchecked")
    public static <S> S current() {
        Object state = CURRENT.get();
        if (state == null) {
            throw new IllegalStateException("no worker state here: Parallel.workerState() works inside a task of a"
                    + " Parallel that has an initializer, e.g. Parallel.of(4).initializer(() -> load())");
        }
        return state == NONE ? null : (S) state;
    }

    private static final java.util.concurrent.atomic.AtomicLong KEYS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A key no other initializer or WorkerLocal of this JVM has. Unique within this JVM is enough, since
     * workers (and Spark executors) serve one parent; a random UUID here cost a cold first call 25 ms
     * of setting up the JDK's SecureRandom.
     */
    public static String newKey() {
        return "state-" + KEYS.incrementAndGet();
    }

    /** The state kept under {@code key} in this JVM, made by {@code init} the first time it is asked for. */
    @SuppressWarnings("unchecked")
    public static <S> S once(String key, Init<S> init) {
        // A slot per key, filled outside the map's lock: an init that takes long, or that asks for
        // another key, does not block or break the map.
        return (S) STATES.computeIfAbsent(key, k -> new Slot()).get(init);
    }

    /** Wraps {@code fn} so that each task runs with the state of {@code init}, made once per JVM. */
    public static Fn<Object, Object> withState(String key, Init<?> init, Fn<Object, Object> fn) {
        return new Initialized(key, init, fn);
    }

    /** One state, made once; a failed init leaves it empty, so that the next task tries again. */
    private static final class Slot {
        private boolean made;
        private Object value;

        synchronized Object get(Init<?> init) {
            if (!made) {
                value = init.get();
                made = true;
            }
            return value;
        }
    }

    /** A function whose tasks see the state of an initializer; travels to workers like any Fn. */
    private static final class Initialized implements Fn<Object, Object> {
        private final String key;
        private final Init<?> init;
        private final Fn<Object, Object> fn;

        Initialized(String key, Init<?> init, Fn<Object, Object> fn) {
            this.key = key;
            this.init = init;
            this.fn = fn;
        }

        @Override
        public Object apply(Object arg) {
            Object state = once(key, init);
            Object outer = CURRENT.get();
            CURRENT.set(state == null ? NONE : state);
            try {
                return fn.apply(arg);
            } finally {
                if (outer == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(outer);
                }
            }
        }
    }
}
