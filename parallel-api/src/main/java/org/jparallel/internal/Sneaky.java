package org.jparallel.internal;

/** Rethrows any throwable as it is, checked or not: a task's exception reaches the caller unchanged. */
final class Sneaky {
    private Sneaky() {
    }

    static RuntimeException rethrow(Throwable t) {
        return Sneaky.<RuntimeException>throwAs(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException throwAs(Throwable t) throws T {
        throw (T) t;
    }
}
