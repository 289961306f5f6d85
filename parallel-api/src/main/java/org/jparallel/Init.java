package org.jparallel;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * Computes a worker's state once per worker JVM: multiprocessing's {@code Pool(initializer=...)}.
 * Load something big and read-only once, not once per task:
 * <pre>{@code
 * Parallel p = Parallel.of(4).initializer(() -> Model.load(Path.of("model.bin")));
 * List<Double> scores = p.map(delayed((String text) -> Parallel.<Model>workerState().score(text)), texts);
 * }</pre>
 * It is serializable for the same reason as {@link Fn}: it travels to the workers. It also makes
 * the value of a {@link WorkerLocal}, the typed way to keep state per worker.
 */
@FunctionalInterface
public interface Init<S> extends Supplier<S>, Serializable {
}
