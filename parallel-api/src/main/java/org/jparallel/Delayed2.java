package org.jparallel;

import java.util.Objects;

/**
 * A two-argument function wrapped for parallel execution: joblib's {@code delayed(f)(a, b)}.
 *
 * <pre>{@code
 * List<Task<Double>> tasks = List.of(delayed(Math::pow).with(2.0, 10.0), delayed(Math::pow).with(3.0, 2.0));
 * List<Double> r = Parallel.of(2).run(tasks);                 // [1024.0, 9.0]
 * }</pre>
 */
public final class Delayed2<A, B, R> {
    private final Fn2<A, B, R> fn;

    Delayed2(Fn2<A, B, R> fn) {
        this.fn = Objects.requireNonNull(fn, "delayed(fn): fn is null");
    }

    /** A task that applies the function to {@code a} and {@code b}. */
    public Task<R> with(A a, B b) {
        return new Task<>(new Task.Pair<>(fn), new Object[] {a, b});
    }
}
