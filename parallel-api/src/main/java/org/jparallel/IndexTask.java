package org.jparallel;

import java.io.Serializable;

/**
 * A task of one {@code long} index, for {@link Parallel#forEach(long, long, IndexTask)}: the body
 * of a parallel loop, such as the sum of row {@code r} of a shared matrix.
 * <pre>{@code
 * p.forEach(0, m.rows(), r -> sums.set(r, m.row(r).sum()));
 * }</pre>
 * It is serializable for the same reason as {@link Fn}: it travels to the workers with what it
 * captures. Like {@link java.util.concurrent.Callable} it may throw a checked exception, which
 * reaches the caller as itself.
 */
@FunctionalInterface
public interface IndexTask extends Serializable {
    void run(long index) throws Exception;
}
