package org.jparallel.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.CallSpec;
import org.jparallel.spi.ClusterBackend;
import org.jparallel.spi.Support;

import java.time.Duration;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * Runs a {@link org.jparallel.Parallel}'s tasks on the executors of an Apache Spark application:
 *
 * <pre>{@code
 * SparkContext sc = ...;                                     // yours: spark-submit, or new SparkContext(conf)
 * List<Double> roots = Parallel.of(-1).on(SparkBackend.of(sc)).map(delayed(Math::sqrt), args);
 * }</pre>
 *
 * <p>Results, the task's own exceptions (with a {@link org.jparallel.TaskFailure} naming the task
 * index and the executor), argument order, streams and timeouts are as on worker JVMs.
 * {@code nJobs = -1} is the application's default parallelism (the executors' cores).
 *
 * <p><b>How a call runs.</b> The function and each batch's arguments are encoded with jparallel's
 * Kryo into {@code byte[]}; Spark moves only those. A call of known size is one Spark job of about
 * {@code 4 * nJobs} partitions (one Spark task each, so a task's ~5 ms overhead is paid a few times
 * per call, not per argument); a lazy iterable runs in waves of jobs. Every job of a call is in a
 * job group of its own, cancelled with interrupts when the call is cancelled (the caller
 * interrupted, {@code close()}, the first failure, a timeout).
 *
 * <p><b>Failures.</b> A task that throws is an outcome, not a Spark failure: Spark never retries it.
 * A Spark task whose executor is lost is run again by Spark, up to {@code spark.task.maxFailures}
 * times (an application setting; the call's {@code retries} has no say), after which the call fails
 * with {@link org.jparallel.WorkerDiedException} naming the first task of the lost partition.
 *
 * <p><b>Shared arrays.</b> A read-only memory-mapped array (or a copy-on-write one) in the function
 * or the arguments is shipped with {@link SparkContext#addFile} under a unique name, once per
 * application: each executor fetches it once and maps it read-only, its tasks sharing the mapping.
 * The data must stay until the application ends (jparallel keeps a hard link to it where it can):
 * an executor that starts later fetches every file added so far. A heap array over the call's
 * {@code maxBytes} (a {@code double[]} and the like, or a heap shared array) is dumped to a file
 * named by the SHA-256 of its content and shipped the same way, once per application and content:
 * an unchanged array is recognised in later calls (its hash is computed on every call) and not
 * shipped again, a changed one is shipped anew (every version stays, in this JVM's temp folder and
 * on each executor, until the application ends). A heap shared array arrives mapped read-only (or
 * copy-on-write, as {@code mmapMode} says; {@code READ_WRITE} is refused); a Java array arrives as
 * itself, copied out of the executor's mapping by each Spark task. Smaller arrays travel inside the
 * call (once per executor for one the function captures, in Spark's broadcast of the job).
 *
 * <p><b>What it refuses, before anything runs</b>: a writable memory-mapped array (an output memmap,
 * atomics), which executors on other machines could never write back: return results instead.
 * Settings about worker JVMs ({@code workerHeap} and the like) and {@code retries} are refused as
 * well, since Spark's configuration governs executors.
 *
 * <p>What tasks print goes to the executors' logs ({@code work/app-*}/N/stdout and stderr on a
 * standalone worker), as with any Spark code.
 *
 * <p>Class path: the executors need jparallel's jars and {@code kryo5} ({@code spark.jars} or
 * {@code spark.executor.extraClassPath}), in any order: jparallel's Kryo 5 lives in relocated
 * packages ({@code com.esotericsoftware.kryo.kryo5}), so it shares the class path with the Kryo 4
 * that Spark brings, and Spark's own serializer, Java or {@code KryoSerializer}, is the
 * application's choice.
 */
public final class SparkBackend implements ClusterBackend {
    /** How long a call waits by default for a first executor to register. */
    public static final Duration DEFAULT_EXECUTOR_WAIT = Duration.ofSeconds(60);

    private final SparkContext sc;
    private final Duration executorWait;
    /** How many executors are registered now (the tests give a stand-in). */
    private final IntSupplier executors;

    SparkBackend(SparkContext sc, Duration executorWait, IntSupplier executors) {
        this.sc = sc;
        this.executorWait = executorWait;
        this.executors = executors;
    }

    private static IntSupplier registeredExecutors(SparkContext sc) {
        return () -> sc.statusTracker().getExecutorInfos().length - 1;   // the driver is listed too
    }

    /**
     * The backend of a running application's context.
     *
     * @throws IllegalArgumentException if the context is stopped
     */
    public static SparkBackend of(SparkContext sc) {
        Objects.requireNonNull(sc, "SparkBackend.of(null)");
        if (sc.isStopped()) {
            throw new IllegalArgumentException("this SparkContext is stopped; create a new one");
        }
        return new SparkBackend(sc, DEFAULT_EXECUTOR_WAIT, registeredExecutors(sc));
    }

    /** The same, from a JavaSparkContext. */
    public static SparkBackend of(JavaSparkContext jsc) {
        return of(Objects.requireNonNull(jsc, "SparkBackend.of(null)").sc());
    }

    /**
     * How long a call waits for a first executor before it fails with a message that says what to
     * check (by default {@link #DEFAULT_EXECUTOR_WAIT}).
     */
    public SparkBackend executorWait(Duration wait) {
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("executorWait must be positive, got " + wait);
        }
        return new SparkBackend(sc, wait, executors);
    }

    SparkContext context() {
        return sc;
    }

    @Override
    public String name() {
        return "Spark " + sc.master();
    }

    /** The application's default parallelism, once an executor registered (local mode: its threads). */
    @Override
    public int parallelism() {
        awaitExecutor();
        return sc.defaultParallelism();
    }

    /** Retries and worker-JVM settings are refused: Spark's own configuration governs executors. */
    @Override
    public Support support() {
        return Support.all()
                .refuses(Support.Setting.RETRIES, "cannot apply on Spark: Spark runs a task again when its executor"
                        + " is lost, up to spark.task.maxFailures times (an application setting of the SparkConf);"
                        + " remove retries(...)")
                .refuses(Support.Setting.WORKER_OPTIONS, "are about worker JVMs, and Spark starts its executors"
                        + " itself: use spark.executor.memory, spark.executor.extraJavaOptions and the like in the"
                        + " SparkConf instead");
    }

    @Override
    public CallExecutor begin(CallSpec spec) {
        awaitExecutor();
        return new SparkCall(this, spec);
    }

    /** Waits (bounded) until at least one executor registered: joblib-spark users hang silently here. */
    private void awaitExecutor() {
        if (sc.isStopped()) {
            throw new IllegalStateException("the SparkContext of this backend is stopped");
        }
        if (sc.isLocal()) {
            return;
        }
        long deadline = System.nanoTime() + executorWait.toNanos();
        while (executors.getAsInt() < 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no Spark executor registered with " + sc.master() + " (application "
                        + sc.applicationId() + ") within " + (executorWait.toMillis() % 1000 == 0 ? executorWait.toSeconds() + " s"
                        : executorWait.toMillis() + " ms") + ". Check that a worker is"
                        + " alive and has the free cores and memory the application asks for (spark.executor.cores,"
                        + " spark.executor.memory, spark.cores.max), and read the executors' stderr (work/app-*/N/stderr"
                        + " on a standalone worker). SparkBackend.executorWait(...) sets this limit");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("interrupted while waiting for Spark executors");
            }
        }
    }

    /** Known size: about 4 partitions per slot, in one job. Unknown: automatic batches, in waves. */
    @Override
    public int batchSize(long knownSize, int nJobs) {
        if (knownSize <= 0) {
            return 0;
        }
        long partitions = 4L * nJobs;
        return (int) Math.min(Integer.MAX_VALUE, (knownSize + partitions - 1) / partitions);
    }

    @Override
    public int preDispatch(int nJobs) {
        return 4 * nJobs;
    }
}
