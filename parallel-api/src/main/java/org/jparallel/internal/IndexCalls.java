package org.jparallel.internal;

import org.jparallel.Fn;
import org.jparallel.IndexFn;
import org.jparallel.IndexTask;

/**
 * {@link IndexTask} and {@link IndexFn} as the {@link Fn} a call runs: each task receives its index
 * (a {@code Long} of an {@link org.jparallel.spi.IndexRange}), and a checked exception it throws
 * leaves unwrapped, so that the caller gets it as itself.
 */
public final class IndexCalls {
    private IndexCalls() {
    }

    public static Fn<Object, Object> each(IndexTask task) {
        return new Each(task);
    }

    public static Fn<Object, Object> apply(IndexFn<?> fn) {
        return new Apply(fn);
    }

    /** Classes rather than lambdas: they travel by their fields, with the user's lambda inside. */
    private static final class Each implements Fn<Object, Object> {
        private final IndexTask task;

        Each(IndexTask task) {
            this.task = task;
        }

        @Override
        public Object apply(Object index) {
            try {
                task.run((Long) index);
                return null;
            } catch (Exception e) {
                throw Sneaky.rethrow(e);
            }
        }
    }

    private static final class Apply implements Fn<Object, Object> {
        private final IndexFn<?> fn;

        Apply(IndexFn<?> fn) {
            this.fn = fn;
        }

        @Override
        public Object apply(Object index) {
            try {
                return fn.apply((Long) index);
            } catch (Exception e) {
                throw Sneaky.rethrow(e);
            }
        }
    }
}
