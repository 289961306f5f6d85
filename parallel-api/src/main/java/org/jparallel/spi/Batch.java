package org.jparallel.spi;

import java.util.List;

/**
 * Consecutive tasks sent together: the arguments of tasks {@code firstIndex ..
 * firstIndex + args.size() - 1}, in argument order.
 */
public record Batch(long firstIndex, List<Object> args) {
    public int size() {
        return args.size();
    }
}
