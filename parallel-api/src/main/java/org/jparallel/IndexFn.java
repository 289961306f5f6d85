package org.jparallel;

import java.io.Serializable;

/**
 * A function of one {@code long} index, for {@link Parallel#mapIndices(long, long, IndexFn)}.
 * <pre>{@code
 * List<Double> rowMeans = p.mapIndices(0, m.rows(), r -> m.row(r).sum() / m.cols());
 * }</pre>
 * It is serializable for the same reason as {@link Fn}: it travels to the workers with what it
 * captures. Like {@link java.util.concurrent.Callable} it may throw a checked exception, which
 * reaches the caller as itself.
 */
@FunctionalInterface
public interface IndexFn<R> extends Serializable {
    R apply(long index) throws Exception;
}
