package org.jparallel;

import java.util.Objects;

/**
 * A function wrapped for parallel execution, as joblib's {@code delayed(f)}.
 *
 * <pre>{@code
 * List<Double> roots = Parallel.of(2).map(delayed(Math::sqrt), List.of(1.0, 4.0, 9.0));
 * Task<Double> one = delayed(Math::sqrt).with(16.0);      // for Parallel.run(tasks)
 * }</pre>
 */
public final class Delayed<T, R> {
    private final Fn<T, R> fn;

    Delayed(Fn<T, R> fn) {
        this.fn = Objects.requireNonNull(fn, "delayed(fn): fn is null");
    }

    /** The wrapped function. */
    public Fn<T, R> fn() {
        return fn;
    }

    /** A task that applies the function to {@code arg}: joblib's {@code delayed(f)(arg)}. */
    public Task<R> with(T arg) {
        return new Task<>(fn, arg);
    }
}
