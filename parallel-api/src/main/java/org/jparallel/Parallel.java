package org.jparallel;

import org.jparallel.internal.Backends;
import org.jparallel.internal.CallRunner;
import org.jparallel.internal.IndexCalls;
import org.jparallel.internal.Nesting;
import org.jparallel.internal.Progress;
import org.jparallel.internal.TaskCosts;
import org.jparallel.internal.WorkerState;
import org.jparallel.memmap.MmapMode;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.CallSpec;
import org.jparallel.spi.ClusterBackend;
import org.jparallel.spi.IndexRange;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Runs a function over many arguments on a pool of worker JVMs: joblib's {@code Parallel} for Java.
 *
 * <pre>{@code
 * import static org.jparallel.Parallel.delayed;
 *
 * List<Double> roots = Parallel.of(4).map(delayed(Math::sqrt), List.of(1.0, 4.0, 9.0));   // [1.0, 2.0, 3.0]
 *
 * try (Parallel p = Parallel.of(-1).timeout(Duration.ofMinutes(5))) {   // all cores
 *     DoubleMatrix m = Memmap.loadDoubleMatrix(Path.of("big.npy"), MmapMode.READ_ONLY);
 *     DoubleArray sums = Memmap.doubles(m.rows());                      // shared output
 *     p.forEach(0, m.rows(), r -> sums.set(r, m.row(r).sum()));         // one task per row
 *     List<Integer> lengths = p.map(String::length, List.of("a", "bb"));  // delayed(...) is optional
 * }
 * }</pre>
 *
 * <p><b>Workers.</b> One pool of worker JVMs per set of {@link #workerHeap worker options} is
 * shared by every {@code Parallel} of this JVM and reused from call to call (like loky's reusable
 * executor); it grows or shrinks to the {@code nJobs} of the call at hand. Workers exit after
 * {@link #idleTimeout} without work, at once with {@link #shutdownWorkers()}, and within a second
 * of this JVM's death, however it dies.
 *
 * <p><b>Arguments and results</b> travel with Kryo; a lambda's captured values travel with it.
 * Shared arrays ({@code org.jparallel.memmap}) larger than {@link #maxBytes(long)} are written once
 * per call to a memory-mapped file and every worker maps that file instead of receiving a copy;
 * arrays already mapped (allocated with {@code Memmap.doubles(...)} or loaded with
 * {@code Memmap.load...}) travel as a file name and are never copied.
 *
 * <p><b>Errors.</b> If a task throws, the call throws that same exception (checked ones included)
 * with the worker's stack trace and a suppressed {@link TaskFailure} naming the task; the other
 * tasks are cancelled and the pool stays usable. What the library reports about a task is a
 * {@link ParallelException} with the task's index: a worker that dies gives
 * {@link WorkerDiedException}, a task over its {@link #timeout} {@link TaskTimeoutException}, an
 * exception that cannot travel back {@link RemoteTaskException}.
 *
 * <p><b>Nulls.</b> Every setter that takes an object reads null as "the default": the value in
 * force without that setter when this {@code Parallel} was made, from an open
 * {@link ParallelConfig} block of this thread, a system property, an environment variable or the
 * built-in default, in that order. So
 * {@code timeout(null)} is no timeout unless a block sets one, {@code tempFolder(null)} lets the
 * library choose, {@code workerProperty(key, null)} sets no property {@code key}, and
 * {@code workerJvmOptions((String[]) null)} drops the options given so far. Null functions and
 * argument lists are refused with a {@link NullPointerException}.
 *
 * <p>Settings are not synchronized: configure an instance before sharing it. Calls on one instance
 * may run from several threads at once.
 */
public final class Parallel implements AutoCloseable {
    /** joblib's default {@code max_nbytes}: arrays over 1 MiB are memory-mapped. */
    public static final long DEFAULT_MAX_BYTES = 1L << 20;
    /** Refused above this: thousands of JVMs would exhaust memory long before they helped. */
    public static final int MAX_JOBS = 1024;

    /** What was in force when this Parallel was made: open blocks, system properties, built-in defaults. */
    private final Settings inherited;
    /** What this Parallel's setters set; a null component is not set, so {@link #inherited}'s applies. */
    private Settings own;

    private static final AtomicInteger ASYNC_CALLS = new AtomicInteger();

    private final Set<CallRunner> activeCalls = ConcurrentHashMap.newKeySet();
    /** Automatic batching of a function's next call starts from what its tasks cost in its last one. */
    private final TaskCosts taskCosts = new TaskCosts();
    private volatile boolean closed;

    private Parallel(Settings inherited, int nJobs) {
        this.inherited = inherited;
        this.own = Settings.NONE.with(s -> s.nJobs = nJobs);   // validated here: 0 and > MAX_JOBS are refused
    }

    /** The settings of this Parallel: its own setters' over what it inherited. */
    Settings settings() {
        return own.over(inherited);
    }

    private Parallel set(Consumer<Settings.Builder> change) {
        own = own.with(change);
        return this;
    }

    /**
     * A Parallel with the default number of workers: from an open {@link ParallelConfig} block,
     * else the system property jparallel.nJobs, else the environment variable JPARALLEL_N_JOBS,
     * else -1 (all cores).
     */
    public static Parallel of() {
        return new Parallel(Settings.inForce(), Settings.defaultJobs());
    }

    /**
     * A Parallel that runs up to {@code nJobs} tasks at once, with joblib's meaning: a positive
     * number is the number of workers (more than the cores is allowed; 1 runs in the calling thread
     * with no pool), -1 means all cores, -2 all but one, and generally {@code cores + 1 + nJobs},
     * at least 1.
     *
     * @throws IllegalArgumentException for 0 or more than {@value #MAX_JOBS}
     */
    public static Parallel of(int nJobs) {
        return new Parallel(Settings.inForce(), nJobs);
    }

    /** Wraps {@code fn} for {@link #map}: joblib's {@code delayed}. */
    public static <T, R> Delayed<T, R> delayed(Fn<T, R> fn) {
        return new Delayed<>(fn);
    }

    /** Wraps a two-argument {@code fn}; {@code delayed(fn).with(a, b)} makes a task for {@link #run}. */
    public static <A, B, R> Delayed2<A, B, R> delayed(Fn2<A, B, R> fn) {
        return new Delayed2<>(fn);
    }

    /**
     * The number of tasks that may run at once (nJobs resolved against the core count, or against
     * the cluster's parallelism after {@link #on}).
     */
    public int nJobs() {
        Settings s = settings();
        int capacity = s.cluster() == null ? Runtime.getRuntime().availableProcessors() : s.cluster().parallelism();
        return Settings.resolveJobs(s.nJobs(), capacity);
    }

    /**
     * Runs this Parallel's tasks on a cluster instead of worker JVMs (the {@code backend} setting
     * no longer applies): {@code Parallel.of(-1).on(SparkBackend.of(sparkContext))}. Results,
     * errors, ordering, streams and timeouts are as on worker JVMs; what the cluster cannot honour
     * (its {@link ClusterBackend#support()}) is refused before anything runs.
     * Null: the cluster of an open {@link ParallelConfig} block, else worker JVMs again.
     */
    public Parallel on(ClusterBackend cluster) {
        return set(s -> s.cluster = cluster);
    }

    /** Where tasks run: {@link Backend#PROCESSES} by default. */
    public Parallel backend(Backend backend) {
        return set(s -> s.backend = backend);
    }

    /**
     * Shared arrays and primitive arrays strictly larger than this many bytes travel as
     * memory-mapped files (default {@value #DEFAULT_MAX_BYTES}, joblib's 1 MiB).
     */
    public Parallel maxBytes(long bytes) {
        return set(s -> s.maxBytes = bytes);
    }

    /**
     * {@link #maxBytes(long)} as joblib writes it: "500K", "1M", "2G" (powers of 1024), or plain
     * bytes; null for the default.
     */
    public Parallel maxBytes(String size) {
        return set(s -> s.maxBytes = size == null ? null : Settings.parseSize(size));
    }

    /** Never dump arrays: everything travels through the worker's channel (joblib's max_nbytes=None). */
    public Parallel noMemmap() {
        return set(s -> s.maxBytes = Long.MAX_VALUE);
    }

    /** Where dumped arrays go; default: $JPARALLEL_TEMP_FOLDER, else /dev/shm if it has room, else java.io.tmpdir. */
    public Parallel tempFolder(Path folder) {
        return set(s -> s.tempFolder = folder);
    }

    /**
     * How workers map dumped arguments: {@link MmapMode#READ_ONLY} by default. {@link MmapMode#WRITE}
     * ('w+') means {@link MmapMode#READ_WRITE} here, as in joblib: the dump is made, then mapped
     * writable, so a worker's writes land in the dump, not in the caller's heap array.
     */
    public Parallel mmapMode(MmapMode mode) {
        return set(s -> s.mmapMode = mode);
    }

    /**
     * A task running longer than this fails the call with {@link TaskTimeoutException} naming it;
     * by default (and for null) none, unless a {@link ParallelConfig} block sets one. On PROCESSES its worker is killed and replaced; where
     * tasks run in this JVM (THREADS, SEQUENTIAL, {@code nJobs == 1}, a call nested in a task) the
     * task is interrupted, since a thread cannot be killed: one that ignores the interrupt runs to
     * its end (in the background on THREADS, where the call fails at once).
     */
    public Parallel timeout(Duration perTask) {
        return set(s -> s.timeout = perTask);
    }

    /**
     * When a worker dies while it runs a task (killed, out of memory, System.exit), run that task
     * again on another worker, up to {@code times} times, before failing the call with
     * {@link WorkerDiedException}. Default 0. Tasks that run again must tolerate it: whatever the
     * dead run wrote to shared arrays or files stays.
     */
    public Parallel retries(int times) {
        return set(s -> s.retries = times);
    }

    /**
     * Runs {@code init} once in each worker JVM (the first time one of this Parallel's tasks runs
     * there) and keeps its result for all of this Parallel's tasks in that worker, which reach it
     * with {@link #workerState()}: for loading something big and read-only once per worker. Null
     * means the default: the initializer of an open {@link ParallelConfig} block, else none.
     * {@link WorkerLocal} does the same, typed, for any number of values.
     */
    public Parallel initializer(Init<?> init) {
        return set(s -> s.initializer = init == null ? null
                : new Settings.Initializer(org.jparallel.internal.WorkerState.newKey(), init));
    }

    /**
     * Inside a task, the state the {@link #initializer} made in this worker. {@link WorkerLocal}
     * gives the same, typed, with no cast.
     *
     * @throws IllegalStateException outside a task of a Parallel with an initializer
     */
    public static <S> S workerState() {
        return WorkerState.current();
    }

    /**
     * Whether a long call draws a progress bar (rate, ETA) on stderr when stderr is a terminal
     * (default true). The bar is erased and redrawn around the workers' output lines.
     */
    public Parallel progressBar(boolean show) {
        return set(s -> s.progressBar = show);
    }

    /** Progress lines on stderr: 0 (default) none, higher levels more often. */
    public Parallel verbose(int level) {
        return set(s -> s.verbose = level);
    }

    /**
     * Tasks per batch; 0 (the default) sizes batches automatically: about 20 ms of work each, the
     * tail cut smaller (not below 5 ms), and each call of a function starts from what its tasks
     * cost in this Parallel's last call of it, else from one task. Fix the size when a function's
     * task cost changes widely from call to call.
     */
    public Parallel batchSize(int tasks) {
        return set(s -> s.batchSize = tasks);
    }

    /** How many batches may be dispatched ahead of the results (default 2 × nJobs). */
    public Parallel preDispatch(int batches) {
        return set(s -> s.preDispatch = batches);
    }

    /** The workers' maximum heap, as -Xmx takes it ("512m", "4g"); by default (and for null) the JVM's own. */
    public Parallel workerHeap(String xmx) {
        return set(s -> s.workerHeap = xmx);
    }

    /** A system property set in every worker JVM; a null value sets none (the default) for {@code key}. */
    public Parallel workerProperty(String key, String value) {
        Objects.requireNonNull(key, "workerProperty(key, value): key is null; name the system property to set");
        Map<String, String> before = settings().workerProperties();
        return set(s -> s.workerProperty(before, key, value));
    }

    /**
     * Further options for the worker JVMs, e.g. {@code "-XX:+UseParallelGC"}, added to those given
     * before; {@code (String[]) null} drops them all (the default is none).
     */
    public Parallel workerJvmOptions(String... options) {
        if (options == null) {
            return set(s -> s.workerJvmOptions = null);
        }
        for (String option : options) {
            Objects.requireNonNull(option, "workerJvmOptions(...): an option is null; leave it out");
        }
        List<String> before = settings().workerJvmOptions();
        return set(s -> s.addWorkerJvmOptions(before, List.of(options)));
    }

    /** Workers with no call for this long exit (default, and for null, 300 s). */
    public Parallel idleTimeout(Duration idle) {
        return set(s -> s.idleTimeout = idle);
    }

    /**
     * Applies {@code fn} to every argument in parallel and returns the results in argument order.
     * Arguments are consumed lazily: only the batches in flight are held, never the whole input.
     */
    public <T, R> List<R> map(Delayed<T, R> fn, Iterable<? extends T> args) {
        return map(fnOf(fn, "map"), args);
    }

    /**
     * {@link #map(Delayed, Iterable)} without {@code delayed}, which wraps nothing:
     * <pre>{@code
     * List<Integer> squares = p.map((Integer x) -> x * x, List.of(1, 2, 3));   // [1, 4, 9]
     * }</pre>
     */
    public <T, R> List<R> map(Fn<T, R> fn, Iterable<? extends T> args) {
        return collect(start(checked(fn, args, "map"), fn, args, true));
    }

    /** Runs tasks made with {@code delayed(f).with(...)}; results in task order. */
    @SuppressWarnings("unchecked")
    public <R> List<R> run(Iterable<? extends Task<? extends R>> tasks) {
        Objects.requireNonNull(tasks, "run(tasks): tasks is null; pass an empty list for no tasks");
        return collect(start((Fn<Object, Object>) (Fn<?, ?>) Task.CALL, Task.CALL, tasks, true));
    }

    /**
     * Runs {@code task} for every index from {@code from} (included) to {@code to} (excluded) in
     * parallel: a parallel loop, with no list of boxed indices. A batch of indices travels as its
     * two ends. It returns when every task has run; a task's exception, checked or not, is thrown
     * as itself. Task indices in errors ({@link TaskFailure}, {@link ParallelException}) count
     * positions in the range: task 0 is index {@code from}.
     * <pre>{@code
     * p.forEach(0, m.rows(), r -> sums.set(r, m.row(r).sum()));   // sums: a shared output array
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code from > to}; {@code from == to} runs no task
     */
    public void forEach(long from, long to, IndexTask task) {
        Objects.requireNonNull(task, "forEach(from, to, task): task is null");
        IndexRange range = range(from, to, "forEach");
        try (CallRunner runner = start(IndexCalls.each(task), task, range, false)) {
            while (runner.hasNext()) {
                runner.next();   // nulls: only the tasks' side effects count
            }
        }
    }

    /**
     * Applies {@code fn} to every index from {@code from} (included) to {@code to} (excluded) in
     * parallel and returns the results in index order. A batch of indices travels as its two ends.
     * <pre>{@code
     * List<Double> rowMeans = p.mapIndices(0, m.rows(), r -> m.row(r).sum() / m.cols());
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code from > to}; {@code from == to} gives an empty list
     */
    public <R> List<R> mapIndices(long from, long to, IndexFn<R> fn) {
        Objects.requireNonNull(fn, "mapIndices(from, to, fn): fn is null");
        IndexRange range = range(from, to, "mapIndices");
        return collect(start(IndexCalls.apply(fn), fn, range, true));
    }

    private static IndexRange range(long from, long to, String method) {
        if (from > to) {
            throw new IllegalArgumentException(method + "(from, to, ...) with from = " + from + " > to = " + to
                    + ": the range runs from from (included) to to (excluded), so give from <= to;"
                    + " from == to runs no task");
        }
        return new IndexRange(from, to);
    }

    /**
     * Like {@link #map(Fn, Iterable)}, in the background: the call runs on a daemon thread and the
     * future completes with the results in argument order, or exceptionally with the exception of
     * the task that failed (itself, as {@code map} would throw it). Cancelling the future cancels
     * the call as {@link #close()} does: queued tasks do not run, running ones are interrupted.
     * Set-up errors (a closed {@code Parallel}, a function that cannot be sent) are thrown here.
     * <pre>{@code
     * CompletableFuture<List<Double>> roots = p.mapAsync(Math::sqrt, List.of(1.0, 4.0, 9.0));
     * roots.thenAccept(System.out::println);                  // later: [1.0, 2.0, 3.0]
     * roots.cancel(true);                                      // or give up: the tasks stop
     * }</pre>
     * Only this future cancels the call; cancelling a future derived from it (with
     * {@code thenApply} and the like) does not.
     */
    public <T, R> CompletableFuture<List<R>> mapAsync(Fn<T, R> fn, Iterable<? extends T> args) {
        CallRunner runner = start(checked(fn, args, "mapAsync"), fn, args, true);
        AsyncCall<R> future = new AsyncCall<>(runner);
        int depth = Nesting.depth();   // tasks run inline by the thread count from the caller's depth
        Thread thread = new Thread(() -> {
            Nesting.inherit(depth);
            try {
                future.complete(collect(runner));
            } catch (Throwable failed) {
                future.completeExceptionally(failed);   // ignored if the future was cancelled
            }
        }, "jparallel-mapAsync-" + ASYNC_CALLS.incrementAndGet());
        thread.setDaemon(true);   // a forgotten future does not keep the JVM alive
        thread.start();
        return future;
    }

    /** {@link #mapAsync(Fn, Iterable)} with joblib's {@code delayed}. */
    public <T, R> CompletableFuture<List<R>> mapAsync(Delayed<T, R> fn, Iterable<? extends T> args) {
        return mapAsync(fnOf(fn, "mapAsync"), args);
    }

    /** The future of {@link #mapAsync}: cancelling it cancels its call. */
    private static final class AsyncCall<R> extends CompletableFuture<List<R>> {
        private final CallRunner runner;

        AsyncCall(CallRunner runner) {
            this.runner = runner;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                runner.cancelFromOutside();   // the call's thread wakes up, closes the call and ends
            }
            return cancelled;
        }
    }

    /**
     * Like {@link #map}, as a lazy stream in argument order (joblib's return_as='generator'): the
     * first results are available while later ones still run. Close the stream (or consume it) to
     * end the call; closing early cancels what still runs.
     */
    public <T, R> Stream<R> stream(Delayed<T, R> fn, Iterable<? extends T> args) {
        return stream(fnOf(fn, "stream"), args);
    }

    /** {@link #stream(Delayed, Iterable)} without {@code delayed}. */
    public <T, R> Stream<R> stream(Fn<T, R> fn, Iterable<? extends T> args) {
        return asStream(start(checked(fn, args, "stream"), fn, args, true), true);
    }

    /** Like {@link #stream}, in completion order (joblib's return_as='generator_unordered'). */
    public <T, R> Stream<R> streamUnordered(Delayed<T, R> fn, Iterable<? extends T> args) {
        return streamUnordered(fnOf(fn, "streamUnordered"), args);
    }

    /** {@link #streamUnordered(Delayed, Iterable)} without {@code delayed}. */
    public <T, R> Stream<R> streamUnordered(Fn<T, R> fn, Iterable<? extends T> args) {
        return asStream(start(checked(fn, args, "streamUnordered"), fn, args, false), false);
    }

    private static <T, R> Fn<T, R> fnOf(Delayed<T, R> fn, String method) {
        return Objects.requireNonNull(fn, method + "(fn, args): fn is null").fn();
    }

    @SuppressWarnings("unchecked")
    private static Fn<Object, Object> checked(Fn<?, ?> fn, Iterable<?> args, String method) {
        Objects.requireNonNull(fn, method + "(fn, args): fn is null");
        Objects.requireNonNull(args, method + "(fn, args): args is null; pass an empty list for no tasks");
        return (Fn<Object, Object>) fn;
    }

    /**
     * @param function what each task runs
     * @param userCode the user's own function, whose class loader resolves the call's classes
     *                 ({@code function} may be one of ours wrapped around it)
     */
    private CallRunner start(Fn<Object, Object> function, Object userCode, Iterable<?> args, boolean ordered) {
        if (closed) {
            throw new IllegalStateException("this Parallel is closed; create a new one with Parallel.of(n)");
        }
        ClassLoader userLoader = loaderOf(userCode);
        Settings settings = settings();
        if (settings.initializer() != null) {
            function = WorkerState.withState(settings.initializer().key(), settings.initializer().init(), function);
        }
        int jobs = nJobs();
        CallSpec spec = new CallSpec(function, jobs, settings.maxBytes(), settings.tempFolder(), settings.mmapMode(),
                settings.timeout(), settings.retries(), settings.workerOptions(), userLoader);
        long total = CallRunner.knownSize(args);
        ClusterBackend cluster = settings.cluster();
        CallExecutor executor = cluster == null ? Backends.begin(settings.backend(), spec) : Backends.begin(cluster, spec);
        int batchSize = settings.batchSize();
        int size = cluster == null || batchSize > 0 ? batchSize : cluster.batchSize(total, jobs);
        Integer preDispatch = settings.preDispatch();
        int window = preDispatch != null ? preDispatch : cluster == null ? 2 * jobs : cluster.preDispatch(jobs);
        CallRunner[] self = new CallRunner[1];
        CallRunner runner = new CallRunner(executor, taskCosts, userCode, args, size, jobs, window, ordered,
                new Progress(settings.verbose(), settings.progressBar(), total, System.err),
                () -> activeCalls.remove(self[0]));
        self[0] = runner;
        activeCalls.add(runner);
        if (closed) {   // closed by another thread while we started
            runner.close();
            throw new IllegalStateException("this Parallel was closed while the call started");
        }
        return runner;
    }

    private static ClassLoader loaderOf(Object fn) {
        ClassLoader loader = fn.getClass().getClassLoader();
        return loader != null ? loader : Thread.currentThread().getContextClassLoader();
    }

    @SuppressWarnings("unchecked")
    private static <R> List<R> collect(CallRunner runner) {
        try (runner) {
            List<R> results = new ArrayList<>();
            while (runner.hasNext()) {
                results.add((R) runner.next());
            }
            return results;
        }
    }

    /**
     * The results as a sequential stream. The consumer of each result runs inside tryAdvance, so an
     * exception it throws is seen here and cancels the call at once, even if the stream is not closed.
     */
    private static <R> Stream<R> asStream(CallRunner runner, boolean ordered) {
        Spliterator<R> results = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
                ordered ? Spliterator.ORDERED : 0) {
            @Override
            @SuppressWarnings("unchecked")
            public boolean tryAdvance(Consumer<? super R> action) {
                if (!runner.hasNext()) {
                    return false;
                }
                R next = (R) runner.next();
                try {
                    action.accept(next);
                } catch (RuntimeException | Error consumerFailed) {
                    runner.close();
                    throw consumerFailed;
                }
                return true;
            }
        };
        return StreamSupport.stream(results, false).onClose(runner::close);
    }

    /**
     * Cancels this instance's running calls and refuses new ones. Workers stay in the shared pool
     * for the next Parallel until their idle timeout; {@link #shutdownWorkers()} stops them now.
     */
    @Override
    public void close() {
        closed = true;
        for (CallRunner call : activeCalls) {
            call.cancelFromOutside();
        }
    }

    /** The settings in force, e.g. {@code Parallel[nJobs=4, backend=PROCESSES, maxBytes=1048576, ...]}. */
    @Override
    public String toString() {
        Settings s = settings();
        return "Parallel[nJobs=" + Settings.resolveJobs(s.nJobs(), Runtime.getRuntime().availableProcessors())
                + ", backend=" + s.backend() + ", maxBytes=" + s.maxBytes()
                + ", tempFolder=" + (s.tempFolder() == null ? "default" : s.tempFolder()) + ", mmapMode=" + s.mmapMode()
                + ", timeout=" + (s.timeout() == null ? "none" : s.timeout())
                + ", batchSize=" + (s.batchSize() == 0 ? "auto" : s.batchSize())
                + ", retries=" + s.retries() + ", workerHeap=" + (s.workerHeap() == null ? "default" : s.workerHeap())
                + (closed ? ", closed" : "") + "]";
    }

    /** Stops every worker JVM of this JVM now; the next call starts fresh ones. */
    public static void shutdownWorkers() {
        Backends.shutdownWorkers();
    }
}
