package org.jparallel;

import org.jparallel.memmap.MmapMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Function;

/**
 * Default settings for every {@link Parallel} created inside a block, on this thread: joblib's
 * {@code parallel_config}.
 * <pre>{@code
 * try (ParallelConfig config = ParallelConfig.begin().nJobs(4).maxBytes("16M").tempFolder(Path.of("/scratch"))) {
 *     Parallel.of().map(...);               // 4 workers, 16 MiB threshold, /scratch
 *     Parallel.of(2).map(...);              // 2 workers; the rest from the block
 * }                                         // the settings in force before are back
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
    private Integer nJobs;
    private Backend backend;
    private Long maxBytes;
    private Path tempFolder;
    private MmapMode mmapMode;
    private Duration timeout;
    private Integer verbose;
    private Integer batchSize;
    private String workerHeap;
    private Integer retries;
    private Init<?> initializer;
    private org.jparallel.spi.ClusterBackend cluster;
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

    public ParallelConfig nJobs(int nJobs) {
        Parallel.resolveJobs(nJobs, Runtime.getRuntime().availableProcessors());   // same checks as Parallel.of
        this.nJobs = nJobs;
        return this;
    }

    public ParallelConfig backend(Backend backend) {
        this.backend = backend;
        return this;
    }

    public ParallelConfig maxBytes(long bytes) {
        this.maxBytes = Parallel.checkMaxBytes(bytes);
        return this;
    }

    public ParallelConfig maxBytes(String size) {
        this.maxBytes = size == null ? null : Parallel.checkMaxBytes(Parallel.parseSize(size));
        return this;
    }

    public ParallelConfig tempFolder(Path folder) {
        this.tempFolder = folder;
        return this;
    }

    public ParallelConfig mmapMode(MmapMode mode) {
        this.mmapMode = mode == null ? null : Parallel.checkMmapMode(mode);
        return this;
    }

    public ParallelConfig timeout(Duration perTask) {
        this.timeout = Parallel.checkTimeout(perTask);
        return this;
    }

    public ParallelConfig verbose(int level) {
        Parallel.checkVerbose(level);
        this.verbose = level;
        return this;
    }

    public ParallelConfig batchSize(int tasks) {
        Parallel.checkBatchSize(tasks);
        this.batchSize = tasks;
        return this;
    }

    public ParallelConfig workerHeap(String xmx) {
        Parallel.checkHeap(xmx);
        this.workerHeap = xmx;
        return this;
    }

    public ParallelConfig retries(int times) {
        this.retries = Parallel.checkRetries(times);
        return this;
    }

    /** Every {@code Parallel} of the block runs on {@code cluster}, as with {@link Parallel#on}; null: not set here. */
    public ParallelConfig on(org.jparallel.spi.ClusterBackend cluster) {
        this.cluster = cluster;
        return this;
    }

    /**
     * An initializer for every {@code Parallel} of the block (joblib's
     * {@code parallel_config(initializer=...)}): its state is made once per worker JVM and shared
     * by the tasks of all of them, reached with {@link Parallel#workerState()}.
     */
    public ParallelConfig initializer(Init<?> init) {
        this.initializer = init;
        return this;
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

    // ---------------------------------------------------------------- lookup, for Parallel

    /** The innermost open block's value of a setting, or null if no open block sets it. */
    static <T> T fromBlocks(Function<ParallelConfig, T> setting) {
        for (ParallelConfig config : OPEN.get()) {   // innermost first
            T value = setting.apply(config);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The setting from the blocks, else the system property, else the environment variable, else null. */
    static String fromOutside(String property, String variable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    Integer nJobs() {
        return nJobs;
    }

    Backend backend() {
        return backend;
    }

    Long maxBytes() {
        return maxBytes;
    }

    Path tempFolder() {
        return tempFolder;
    }

    MmapMode mmapMode() {
        return mmapMode;
    }

    Duration timeout() {
        return timeout;
    }

    Integer verbose() {
        return verbose;
    }

    Integer batchSize() {
        return batchSize;
    }

    String workerHeap() {
        return workerHeap;
    }

    Integer retries() {
        return retries;
    }

    /** The block's initializer and the key its state is kept under, or null. */
    org.jparallel.spi.ClusterBackend cluster() {
        return cluster;
    }

    Map.Entry<String, Init<?>> initializer() {
        return initializer == null ? null : Map.entry(initializerKey, initializer);
    }
}
