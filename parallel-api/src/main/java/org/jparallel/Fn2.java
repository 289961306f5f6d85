package org.jparallel;

import java.io.Serializable;
import java.util.function.BiFunction;

/**
 * A two-argument function that can be sent to a worker JVM; see {@link Fn}.
 * <pre>{@code
 * List<Double> r = p.run(List.of(delayed(Math::pow).with(2.0, 10.0), delayed(Math::pow).with(3.0, 2.0)));
 * }</pre>
 */
@FunctionalInterface
public interface Fn2<A, B, R> extends BiFunction<A, B, R>, Serializable {
}
