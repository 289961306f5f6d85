package org.jparallel.internal;

/**
 * How deep calls are nested on this thread: a task that starts a call, whose task starts a call...
 * Counted so that a task that calls itself without end (joblib's thread bomb) fails at once with a
 * clear error, instead of starting threads or calls until the machine gives out.
 */
public final class Nesting {
    /** Far deeper than any real nesting, far shallower than a thread's stack. */
    public static final int MAX_DEPTH = 64;

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Nesting() {
    }

    /** The calls whose tasks this thread is running now, counting those of the thread that started it. */
    public static int depth() {
        return DEPTH.get()[0];
    }

    /** A thread that runs tasks for a call made at {@code depth} starts at that depth. */
    public static void inherit(int depth) {
        DEPTH.get()[0] = depth;
    }

    /** The current thread starts running a call's tasks. */
    public static void enter() {
        DEPTH.get()[0]++;
    }

    /** ... and is done with them. */
    public static void exit() {
        DEPTH.get()[0]--;
    }

    /**
     * Refuses a call nested {@link #MAX_DEPTH} deep.
     *
     * @throws TooDeep naming the depth
     */
    public static void checkNewCall() {
        int depth = depth();
        if (depth >= MAX_DEPTH) {
            throw new TooDeep("a Parallel call nested " + (depth + 1) + " deep (the limit is " + MAX_DEPTH
                    + "): does a task start a call of itself with no case that ends the recursion?");
        }
    }

    /** A call nested too deep; thrown once, at the innermost call, and passed up unchanged. */
    public static final class TooDeep extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        TooDeep(String message) {
            super(message);
        }
    }
}
