package org.jparallel;

import java.util.Objects;

/**
 * One function applied to its arguments, ready to run anywhere: made by {@link Delayed#with} or
 * {@link Delayed2#with} and run by {@link Parallel#run}. Tasks of one batch that share a function
 * send it once.
 */
public final class Task<R> {
    private final Fn<Object, ?> fn;
    private final Object arg;

    @SuppressWarnings("unchecked")
    Task(Fn<?, ?> fn, Object arg) {
        this.fn = (Fn<Object, ?>) Objects.requireNonNull(fn, "fn");
        this.arg = arg;
    }

    /** Runs the task in the current thread. */
    @SuppressWarnings("unchecked")
    public R call() {
        return (R) fn.apply(arg);
    }

    /** The function every task call goes through; a method reference, so workers can load it. */
    static final Fn<Task<?>, Object> CALL = Task::call;

    /** Adapts a two-argument function to one argument: an {@code Object[]} of the two. */
    static final class Pair<A, B, R> implements Fn<Object[], R> {
        private final Fn2<A, B, R> fn;

        Pair(Fn2<A, B, R> fn) {
            this.fn = fn;
        }

        @Override
        @SuppressWarnings("unchecked")
        public R apply(Object[] ab) {
            return fn.apply((A) ab[0], (B) ab[1]);
        }
    }
}
