package org.jparallel;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A one-argument function that can be sent to a worker JVM.
 *
 * <p>It is a {@link Function} that is also {@link Serializable}, so a lambda or method reference
 * written where an {@code Fn} is expected is serializable without a cast:
 * <pre>{@code
 * Fn<Double, Double> root = Math::sqrt;
 * Fn<Integer, Integer> plusK = x -> x + k;   // k is captured and travels with the lambda
 * }</pre>
 * Everything the lambda captures travels with it, so capture data, not resources: a captured
 * {@code Thread}, socket or stream is refused with an error that names its class.
 */
@FunctionalInterface
public interface Fn<T, R> extends Function<T, R>, Serializable {
}
