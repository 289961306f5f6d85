package org.jparallel.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.jparallel.Fn;
import org.jparallel.TaskTimeoutException;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.internal.LocalBatch;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Spark task runs on an executor: one partition, which is one batch of consecutive tasks.
 * Spark serializes this object (with Java serialization) once per stage, so the function's bytes
 * reach each executor once per call.
 *
 * <p>Every outcome is a value, a task that threw included: Spark fails (and retries) a Spark task
 * only when its executor is lost, never for the user's exception. An interrupt from Spark (the job
 * group was cancelled) stops the batch before its next task.
 *
 * <p>With a timeout, the tasks run on a helper thread that this Spark task watches: a task over its
 * time is interrupted and the partition returns {@link TaskTimeoutException} at once; a task that
 * ignores the interrupt runs on in the background (a thread cannot be killed), as on THREADS.
 */
final class PartitionTask extends AbstractFunction1<Iterator<byte[]>, byte[]> implements Serializable {
    private static final long serialVersionUID = 1L;
    private static volatile String where;
    /** Kryo's words for a class its loader does not find. */
    private static final Pattern MISSING_CLASS = Pattern.compile("Unable to find class: ([\\w.$]+)");

    private final byte[] function;
    private final long timeoutNanos;
    /** Read-only mapped files shipped with SparkContext.addFile: the caller's path to the name added. */
    private final HashMap<String, String> files;

    PartitionTask(byte[] function, Duration timeout, Map<String, String> files) {
        this.function = function;
        this.timeoutNanos = timeout == null ? 0 : timeout.toNanos();
        this.files = new HashMap<>(files);
    }

    /** A handle's file as the caller named it, to where Spark put it on this executor. */
    private Function<Path, Path> shippedFiles() {
        if (files.isEmpty()) {
            return null;
        }
        return file -> {
            String name = files.get(file.toString());
            return name == null ? file : Path.of(SparkFiles.get(name));
        };
    }

    @Override
    public byte[] apply(Iterator<byte[]> partition) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        byte[] input = partition.next();
        String here = where();
        long firstIndex = -1;
        try {
            Function<Path, Path> shipped = shippedFiles();
            Batch batch = Encoding.decodeBatch(input, loader, shipped);
            firstIndex = batch.firstIndex();
            @SuppressWarnings("unchecked")
            Fn<Object, Object> fn = (Fn<Object, Object>) Encoding.decode(function, loader, shipped);
            BatchOutcome outcome = timeoutNanos == 0
                    ? LocalBatch.run(fn, batch, () -> Thread.currentThread().isInterrupted(), i -> { }, here)
                    : runWatched(fn, batch, loader, here);
            return Encoding.encodeOutcome(outcome, loader);
        } catch (LinkageError missing) {
            return Encoding.encodeFailure(Math.max(0, firstIndex), new IllegalStateException("the executor cannot"
                    + " run jparallel's tasks: " + missing + ". Ship jparallel's jars and kryo5-*.jar to the"
                    + " executors (spark.jars, or spark.executor.extraClassPath)"), here, loader);
        } catch (InterruptedException cancelled) {
            Thread.currentThread().interrupt();
            return Encoding.encodeFailure(Math.max(0, firstIndex), new CancellationException("the call was cancelled"),
                    here, loader);
        } catch (RuntimeException e) {
            Matcher missing = MISSING_CLASS.matcher(String.valueOf(e.getMessage()));
            String message = missing.find()
                    ? "the executor cannot load class " + missing.group(1) + ", which the call needs: it is in no"
                    + " jar of the application. Put it in a jar and ship that with spark.jars (spark-submit --jars)"
                    + " or SparkContext.addJar(path) before the call; classes defined only in the caller (JShell"
                    + " snippets, classes made at run time) are not served to Spark executors"
                    : "the call cannot be read on the executor: " + e;
            return Encoding.encodeFailure(Math.max(0, firstIndex), new IllegalStateException(message, e), here, loader);
        }
    }

    /** Runs the batch on a helper thread and stops waiting for it when a task passes the timeout. */
    private BatchOutcome runWatched(Fn<Object, Object> fn, Batch batch, ClassLoader loader, String here)
            throws InterruptedException {
        AtomicLong current = new AtomicLong(-1);   // index of the running task
        long[] startedAt = new long[1];
        BatchOutcome[] done = new BatchOutcome[1];
        Object lock = new Object();
        Thread helper = new Thread(() -> {
            BatchOutcome outcome = LocalBatch.run(fn, batch, () -> Thread.currentThread().isInterrupted(), i -> {
                synchronized (lock) {
                    startedAt[0] = System.nanoTime();
                    current.set(i);
                }
            }, here);
            synchronized (lock) {
                done[0] = outcome;
                lock.notifyAll();
            }
        }, "jparallel-task-" + batch.firstIndex());
        helper.setDaemon(true);
        helper.setContextClassLoader(loader);
        helper.start();
        long step = Math.max(1, Math.min(50, Duration.ofNanos(timeoutNanos).toMillis() / 10));
        try {
            synchronized (lock) {
                while (done[0] == null) {
                    long index = current.get();
                    long ran = System.nanoTime() - startedAt[0];
                    if (index >= 0 && ran > timeoutNanos) {
                        helper.interrupt();
                        return BatchOutcome.failure(batch, new TaskTimeoutException("task " + index
                                + " ran longer than the timeout of " + Duration.ofNanos(timeoutNanos).toMillis()
                                + " ms on " + here + "; it was interrupted (a thread cannot be killed: if the task"
                                + " ignores interrupts, it runs on in the background until it ends)", index,
                                Duration.ofNanos(ran)), index, here);
                    }
                    lock.wait(step);
                }
                return done[0];
            }
        } catch (InterruptedException cancelled) {
            helper.interrupt();
            throw cancelled;
        }
    }

    /** "Spark executor 1 on host, pid 4242", once per executor JVM. */
    private static String where() {
        String w = where;
        if (w == null) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "an unknown host";
            }
            SparkEnv env = SparkEnv.get();
            w = "Spark executor " + (env == null ? "?" : env.executorId()) + " on " + host + ", pid "
                    + ProcessHandle.current().pid();
            where = w;
        }
        return w;
    }
}
