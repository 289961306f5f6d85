package org.jparallel.spark;

import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.jparallel.WorkerDiedException;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.CallSpec;
import scala.concurrent.ExecutionContext$;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;
import scala.util.Try;

import org.jparallel.memmap.Handle;
import org.jparallel.memmap.MmapMode;
import org.jparallel.memmap.SharedArray;
import org.jparallel.runtime.serial.DumpContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One call on Spark. Batches submitted before the caller first waits become the partitions of one
 * Spark job (the backend sizes batches so that a call of known size is one job of about
 * {@code 4 * nJobs} partitions); a lazy iterable is run in waves, a new job starting when slots are
 * free and batches wait. Each partition's outcome is handed over as Spark finishes it.
 *
 * <p>Every job of the call belongs to the call's Spark job group, with interrupt on cancel, so
 * {@link #cancel()} (the caller interrupted, {@code close()}, the first failure, a timeout) stops
 * the call's Spark tasks.
 */
final class SparkCall implements CallExecutor {
    private static final AtomicLong IDS = new AtomicLong();
    /** Job completions are only queued: run on Spark's thread that completes the job. */
    private static final scala.concurrent.ExecutionContext ON_COMPLETING_THREAD =
            ExecutionContext$.MODULE$.fromExecutor(Runnable::run);
    private static final Pattern LOST_TASK = Pattern.compile("Task (\\d+) in stage \\S+ failed (\\d+) times");

    private final SparkBackend backend;
    private final CallSpec spec;
    private final String group;
    private final byte[] function;
    private final List<Batch> pending = new ArrayList<>();
    private final List<byte[]> pendingBytes = new ArrayList<>();
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final List<SimpleFutureAction<BoxedUnit>> jobs = new ArrayList<>();
    /** Read-only mapped files the call's values hold: the caller's path to the name shipped under. */
    private final Map<String, String> files = new HashMap<>();
    private final Encoding.Mapped ship = this::ship;
    /** Heap arrays over maxBytes: shipped once per application and content, deduplicated per call by identity. */
    private final DumpContext dumps;
    private int running;   // partitions launched whose outcome was not taken yet
    private volatile boolean cancelled;
    private boolean closed;

    /** A partition's outcome ({@code bytes}), or the failure of a whole job ({@code jobFailure}). */
    private record Finished(List<Batch> job, int partition, byte[] bytes, Throwable jobFailure) {
    }

    SparkCall(SparkBackend backend, CallSpec spec) {
        this.backend = backend;
        this.spec = spec;
        this.group = "jparallel-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
        this.dumps = new DumpContext(spec.maxBytes(), spec.mmapMode(), this::shipHeap);
        this.function = Encoding.encode(spec.function(), spec.userLoader(), "the function", ship, dumps);
    }

    /** A heap array over maxBytes: its dump is shipped (once per application and content) and mapped by executors. */
    private Handle shipHeap(SharedArray array, MmapMode mode) {
        if (mode == MmapMode.READ_WRITE) {
            throw new Encoding.MappedArrayException("a heap array of " + array.byteSize() + " bytes (over maxBytes,"
                    + " so it travels as a file) while mmapMode(READ_WRITE) asks that tasks share their writes to"
                    + " it: on a Spark cluster tasks run on other machines, where no write could reach another"
                    + " executor or this JVM. Keep the default mmapMode(READ_ONLY), or COPY_ON_WRITE for a private"
                    + " writable copy per task, and return the results from the tasks instead");
        }
        ShippedFiles.Shipped shipped = ShippedFiles.of(backend.context()).shipArray(array, spec.tempFolder());
        Handle h = shipped.handle();
        files.put(h.file().toString(), shipped.name());
        return new Handle(h.file(), h.dataOffset(), h.dtype(), h.shape(), mode);
    }

    /** A mapped array met while encoding: a read-only one is shipped (once per application), a writable one refused. */
    private void ship(SharedArray array, String what) {
        Handle h = array.handle().orElseThrow();
        if (h.mode() == MmapMode.READ_WRITE) {
            throw Encoding.writable(array, what);
        }
        files.computeIfAbsent(h.file().toString(), f -> ShippedFiles.of(backend.context()).ship(h.file()));
    }

    @Override
    public void submit(Batch batch) {
        pendingBytes.add(Encoding.encodeBatch(batch, spec.userLoader(), ship, dumps));
        pending.add(batch);
    }

    @Override
    public BatchOutcome take() throws InterruptedException {
        if (cancelled && !pending.isEmpty() && running == 0) {
            Batch first = pending.get(0);
            return BatchOutcome.failure(first, new CancellationException("the call was cancelled"), first.firstIndex(),
                    backend.name());
        }
        if (!pending.isEmpty() && running < spec.nJobs()) {
            launch();
        }
        Finished f = finished.take();
        if (f.jobFailure() != null) {
            return jobFailed(f);
        }
        running--;
        return Encoding.decodeOutcome(f.job().get(f.partition()), f.bytes(), spec.userLoader());
    }

    /** One Spark job over the batches waiting: one partition (one Spark task) per batch. */
    private void launch() {
        List<Batch> batches = List.copyOf(pending);
        SparkContext sc = backend.context();
        RDD<byte[]> rdd = JavaSparkContext.fromSparkContext(sc).parallelize(List.copyOf(pendingBytes), batches.size()).rdd();
        pending.clear();
        pendingBytes.clear();
        List<Object> partitions = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            partitions.add(i);
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        scala.collection.immutable.Seq<Object> seq = (scala.collection.immutable.Seq)
                scala.jdk.javaapi.CollectionConverters.asScala(partitions).toList();
        String[] keys = {"spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel"};
        String[] saved = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            saved[i] = sc.getLocalProperty(keys[i]);
        }
        SimpleFutureAction<BoxedUnit> job;
        try {
            sc.setJobGroup(group, "jparallel: tasks " + batches.get(0).firstIndex() + " to "
                    + (last(batches).firstIndex() + last(batches).size() - 1), true);
            job = sc.submitJob(rdd, new PartitionTask(function, spec.timeout(), files), seq,
                    new AbstractFunction2<Object, byte[], BoxedUnit>() {
                        @Override
                        public BoxedUnit apply(Object partition, byte[] outcome) {
                            finished.add(new Finished(batches, (Integer) partition, outcome, null));
                            return BoxedUnit.UNIT;
                        }
                    },
                    new AbstractFunction0<BoxedUnit>() {
                        @Override
                        public BoxedUnit apply() {
                            return BoxedUnit.UNIT;
                        }
                    });
        } finally {
            for (int i = 0; i < keys.length; i++) {
                sc.setLocalProperty(keys[i], saved[i]);
            }
        }
        running += batches.size();
        synchronized (jobs) {
            jobs.add(job);
        }
        job.onComplete(new AbstractFunction1<Try<BoxedUnit>, Object>() {
            @Override
            public Object apply(Try<BoxedUnit> result) {
                if (result.isFailure()) {
                    finished.add(new Finished(batches, -1, null, result.failed().get()));
                }
                return BoxedUnit.UNIT;
            }
        }, ON_COMPLETING_THREAD);
        if (cancelled) {
            sc.cancelJobGroup(group);
        }
    }

    private static Batch last(List<Batch> batches) {
        return batches.get(batches.size() - 1);
    }

    /** A job failed as a whole: cancelled, or a Spark task failed spark.task.maxFailures times (lost executors). */
    private BatchOutcome jobFailed(Finished f) {
        Throwable failure = f.jobFailure();
        String message = String.valueOf(failure.getMessage());
        Matcher lost = LOST_TASK.matcher(message);
        if (!cancelled && lost.find()) {
            Batch batch = f.job().get(Integer.parseInt(lost.group(1)));
            long last = batch.firstIndex() + batch.size() - 1;
            WorkerDiedException died = new WorkerDiedException("task " + batch.firstIndex() + ": the Spark tasks"
                    + " running tasks " + batch.firstIndex() + " to " + last + " failed " + lost.group(2) + " times"
                    + " (spark.task.maxFailures) without finishing, as when their executors are lost; tasks that"
                    + " throw never count here. Spark said: " + firstLine(message), batch.firstIndex(), -1);
            died.initCause(failure);
            return BatchOutcome.failure(batch, died, batch.firstIndex(), backend.name());
        }
        Batch first = f.job().get(0);
        if (cancelled) {
            CancellationException ce = new CancellationException("the call was cancelled");
            ce.initCause(failure);
            return BatchOutcome.failure(first, ce, first.firstIndex(), backend.name());
        }
        return BatchOutcome.failure(first, new IllegalStateException("the Spark job of tasks from "
                + first.firstIndex() + " failed: " + firstLine(message), failure), first.firstIndex(), backend.name());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Cancels the call's job group, if a job of it still runs (any thread). */
    @Override
    public void cancel() {
        cancelled = true;
        synchronized (jobs) {
            if (jobs.stream().anyMatch(job -> !job.isCompleted())) {
                backend.context().cancelJobGroup(group);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancel();   // a stream closed early leaves partitions running
    }
}
