package org.jparallel;

import org.jparallel.memmap.MmapMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * Default settings for every {@link Parallel} created inside a block, on this thread: joblib's
 * {@code parallel_config}.
 * <pre>{@code
 * try (ParallelConfig config = ParallelConfig.begin().nJobs(4).maxBytes("16M").tempFolder(Path.of("/scratch"))) {
 *     Parallel.of().map(Math::sqrt, args);      // 4 workers, 16 MiB threshold, /scratch
 *     Parallel.of(2).map(Math::sqrt, args);     // 2 workers; the rest from the block
 * }                                             // the settings in force before are back
 * }</pre>
 *
 * <p>Where a setting comes from, first match wins: the {@code Parallel}'s own setter; the innermost
 * open block that sets it; a system property; an environment variable; the built-in default.
 *
 * <p><b>Nulls.</b> As on {@link Parallel}, a setter that takes an object reads null as "the
 * default": this block does not set it, so the value comes from the next place in that order
 * (an outer block, a system property, ...). {@code timeout(null)} in a block inside one with a
 * timeout leaves the outer timeout in force.
 *
 * <table>
 *   <caption>System properties and environment variables</caption>
 *   <tr><th>setting</th><th>system property</th><th>environment variable</th><th>built-in</th></tr>
 *   <tr><td>nJobs of {@code Parallel.of()}</td><td>jparallel.nJobs</td><td>JPARALLEL_N_JOBS</td><td>-1 (all cores)</td></tr>
 *   <tr><td>backend</td><td>jparallel.backend</td><td>JPARALLEL_BACKEND</td><td>PROCESSES</td></tr>
 *   <tr><td>maxBytes</td><td>jparallel.maxBytes</td><td>JPARALLEL_MAX_BYTES</td><td>1M</td></tr>
 *   <tr><td>tempFolder</td><td>jparallel.tempFolder</td><td>JPARALLEL_TEMP_FOLDER</td><td>/dev/shm, else java.io.tmpdir</td></tr>
 * </table>
 */
public final class ParallelConfig implements AutoCloseable {
    private static final ThreadLocal<Deque<ParallelConfig>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final Thread owner = Thread.currentThread();
    /** What this block sets; a null component is not set here. */
    private Settings settings = Settings.NONE;
    /** Tasks of every Parallel of this block share the initializer's state: one per worker JVM. */
    private final String initializerKey = org.jparallel.internal.WorkerState.newKey();
    private boolean closed;

    private ParallelConfig() {
    }

    /** Opens a block of defaults on this thread; close it (try-with-resources) to end it. */
    public static ParallelConfig begin() {
        ParallelConfig config = new ParallelConfig();
        OPEN.get().push(config);
        return config;
    }

    private ParallelConfig set(Consumer<Settings.Builder> change) {
        settings = settings.with(change);   // validated as a Parallel's settings are
        return this;
    }

    /** The nJobs of {@code Parallel.of()} in the block, as {@link Parallel#of(int)} takes it. */
    public ParallelConfig nJobs(int nJobs) {
        return set(s -> s.nJobs = nJobs);
    }

    /** As {@link Parallel#backend}; null: not set here. */
    public ParallelConfig backend(Backend backend) {
        return set(s -> s.backend = backend);
    }

    /** As {@link Parallel#maxBytes(long)}. */
    public ParallelConfig maxBytes(long bytes) {
        return set(s -> s.maxBytes = bytes);
    }

    /** As {@link Parallel#maxBytes(String)}; null: not set here. */
    public ParallelConfig maxBytes(String size) {
        return set(s -> s.maxBytes = size == null ? null : Settings.parseSize(size));
    }

    /** As {@link Parallel#tempFolder}; null: not set here. */
    public ParallelConfig tempFolder(Path folder) {
        return set(s -> s.tempFolder = folder);
    }

    /** As {@link Parallel#mmapMode}; null: not set here. */
    public ParallelConfig mmapMode(MmapMode mode) {
        return set(s -> s.mmapMode = mode);
    }

    /** As {@link Parallel#timeout}; null: not set here. */
    public ParallelConfig timeout(Duration perTask) {
        return set(s -> s.timeout = perTask);
    }

    /** As {@link Parallel#verbose}. */
    public ParallelConfig verbose(int level) {
        return set(s -> s.verbose = level);
    }

    /** As {@link Parallel#batchSize}. */
    public ParallelConfig batchSize(int tasks) {
        return set(s -> s.batchSize = tasks);
    }

    /** As {@link Parallel#workerHeap}; null: not set here. */
    public ParallelConfig workerHeap(String xmx) {
        return set(s -> s.workerHeap = xmx);
    }

    /** As {@link Parallel#retries}. */
    public ParallelConfig retries(int times) {
        return set(s -> s.retries = times);
    }

    /** Every {@code Parallel} of the block runs on {@code cluster}, as with {@link Parallel#on}; null: not set here. */
    public ParallelConfig on(org.jparallel.spi.ClusterBackend cluster) {
        return set(s -> s.cluster = cluster);
    }

    /**
     * An initializer for every {@code Parallel} of the block (joblib's
     * {@code parallel_config(initializer=...)}): its state is made once per worker JVM and shared
     * by the tasks of all of them, reached with {@link Parallel#workerState()}. Null: not set here.
     */
    public ParallelConfig initializer(Init<?> init) {
        return set(s -> s.initializer = init == null ? null : new Settings.Initializer(initializerKey, init));
    }

    /** Ends the block: the settings in force before it are back. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a ParallelConfig block must be closed by the thread that began it");
        }
        Deque<ParallelConfig> open = OPEN.get();
        if (open.peek() != this) {
            throw new IllegalStateException("ParallelConfig blocks must close innermost first (use try-with-resources)");
        }
        open.pop();
        closed = true;
    }

    // ---------------------------------------------------------------- lookup, for Settings

    /** The settings of this thread's open blocks, the innermost one's first; {@link Settings#NONE} for none. */
    static Settings openBlocks() {
        Settings merged = Settings.NONE;
        for (ParallelConfig config : OPEN.get()) {   // innermost first
            merged = merged.over(config.settings);
        }
        return merged;
    }
}
