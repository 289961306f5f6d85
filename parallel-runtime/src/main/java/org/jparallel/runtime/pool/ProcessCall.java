package org.jparallel.runtime.pool;

import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.RemoteTaskException;
import org.jparallel.runtime.serial.ChannelArrays;
import org.jparallel.runtime.serial.DumpContext;
import org.jparallel.runtime.serial.SharedArraySerializer;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.runtime.wire.BatchFrame;
import org.jparallel.runtime.wire.FailedFrame;
import org.jparallel.runtime.wire.Frame;
import org.jparallel.runtime.wire.ResultFrame;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.CallSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call on the PROCESSES backend. The function is serialized once, when the call starts, so a
 * function that cannot travel fails before anything is dispatched; each batch's arguments are
 * serialized by the calling thread as it submits them; results are deserialized by the calling
 * thread as it takes them, with the class loader of the user's function.
 */
final class ProcessCall implements CallExecutor {
    private static final AtomicLong IDS = new AtomicLong();
    private static final byte[] NO_BYTES = new byte[0];
    /** How long a result waits for the output its tasks printed to be copied to this JVM's streams. */
    private static final long OUTPUT_WAIT_MILLIS = 2000;
    private static final ThreadLocal<WireKryo> KRYO =
            ThreadLocal.withInitial(() -> new WireKryo(ProcessCall.class.getClassLoader()));

    private final long id = IDS.incrementAndGet();
    private final WorkerPool pool;
    private final CallSpec spec;
    private final DumpContext dumps;
    private final byte[] function;
    private final LinkedBlockingQueue<WorkerPool.Delivery> deliveries = new LinkedBlockingQueue<>();
    /** Workers running batches of this call, with how many each. Pool lock. */
    private final Map<Worker, Integer> workersInUse = new HashMap<>();
    private volatile long cancelledAtNanos;
    /** Smoothed run time of this call's batches in the workers, -1 until one finished. Pool lock. */
    private long lastBatchNanos = -1;
    static final long SHORT_BATCH_NANOS = 5_000_000L;
    private boolean closed;

    ProcessCall(WorkerPool pool, CallSpec spec) {
        this.pool = pool;
        this.spec = spec;
        pool.prestart(spec.nJobs(), spec.userLoader());   // JVMs start while the function is serialized
        this.dumps = new DumpContext(spec.maxBytes(), spec.tempFolder(), spec.mmapMode());
        try {
            this.function = serialize(spec.function(), "the function");
        } catch (RuntimeException e) {
            dumps.close();
            throw e;
        }
        pool.begin(this, spec);
    }

    long id() {
        return id;
    }

    Duration timeout() {
        return spec.timeout();
    }

    int retries() {
        return spec.retries();
    }

    /** The class loader of the call's function: what workers lack is read from it. */
    ClassLoader userLoader() {
        return spec.userLoader();
    }

    // ---------------------------------------------------------------- CallExecutor

    @Override
    public void submit(Batch batch) {
        if (cancelledAtNanos != 0) {
            deliveries.add(cancelled());   // cancelled from another thread meanwhile: send nothing more
            return;
        }
        pool.enqueue(this, batch, serializeArgs(batch));
    }

    private static WorkerPool.Delivery cancelled() {
        return new WorkerPool.Delivery(null, null, null, BatchOutcome.failure(new Batch(-1, List.of()),
                new CancellationException("the call was cancelled"), -1, "the caller"));
    }

    @Override
    public BatchOutcome take() throws InterruptedException {
        WorkerPool.Delivery d = deliveries.take();
        if (d.ready() != null) {
            return d.ready();
        }
        byte[] payload = d.frame().payload();
        if (d.frame().type() == Frame.RESULT) {
            awaitOutput(d.worker(), ResultFrame.stdoutBytes(payload), ResultFrame.stderrBytes(payload));
            return readResults(d, ResultFrame.results(payload), d.frame().arrays(), ResultFrame.nanos(payload));
        }
        long failedIndex = FailedFrame.failedIndex(payload);
        awaitOutput(d.worker(), FailedFrame.stdoutBytes(payload), FailedFrame.stderrBytes(payload));
        if (FailedFrame.cancelled(payload)) {
            return BatchOutcome.failure(d.batch(), new CancellationException("the call was cancelled"),
                    failedIndex, d.worker().toString());
        }
        return BatchOutcome.failure(d.batch(), readFailure(FailedFrame.failure(payload), failedIndex), failedIndex,
                d.worker().toString());
    }

    @Override
    public void cancel() {
        if (cancelledAtNanos == 0) {
            cancelledAtNanos = System.nanoTime();
            pool.cancel(this);
        }
        deliveries.add(cancelled());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pool.end(this, dumps.files());
            dumps.close();
        }
    }

    // ---------------------------------------------------------------- pool side

    void deliver(WorkerPool.Delivery delivery) {
        deliveries.add(delivery);
    }

    /** May this call send a batch to {@code w}? Not if it already occupies nJobs other workers. Pool lock. */
    boolean mayUse(Worker w) {
        return workersInUse.containsKey(w) || workersInUse.size() < spec.nJobs();
    }

    /** Pool lock. */
    void using(Worker w, int delta) {
        workersInUse.merge(w, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** Notes how long a finished batch ran in its worker. Pool lock. */
    void ranBatch(Frame frame) {
        if (frame.type() == Frame.RESULT) {
            long nanos = ResultFrame.nanos(frame.payload());
            lastBatchNanos = lastBatchNanos < 0 ? nanos : (lastBatchNanos + nanos) / 2;
        }
    }

    /**
     * Whether a second batch may wait in a worker behind the running one: while batches are short,
     * where the saved round trip matters and the wait cannot leave another worker idle long, and
     * until the call's first batch has come back. A first task that then turns out long gets the
     * batch behind it taken back by the watchdog ({@link Watchdog#REVOKE_AFTER_NANOS}); before, the
     * first batches of every call waited a round trip each, also in a loop of calls whose batches
     * were sized from the last call's tasks (bench/RowsumGaps).
     */
    boolean runsShortBatches() {
        return lastBatchNanos < SHORT_BATCH_NANOS;
    }

    long cancelledForNanos(long now) {
        long at = cancelledAtNanos;
        return at == 0 ? 0 : now - at;
    }

    /** A BATCH frame: header, function (or nothing, if the worker has it), arguments. */
    Sender.Outgoing batchFrame(Worker.Assignment a, boolean withFunction) {
        byte[] header = BatchFrame.header(id, a.batch().firstIndex(), withFunction ? function.length : 0);
        return new Sender.Outgoing(Frame.BATCH, header, withFunction ? function : NO_BYTES, a.args());
    }

    /** Folders where this JVM may put dumps: a worker removes ours from them if we die. */
    static List<Path> defaultTempBases() {
        Set<Path> bases = new LinkedHashSet<>();
        String env = System.getenv("JPARALLEL_TEMP_FOLDER");
        if (env != null && !env.isBlank()) {
            bases.add(Path.of(env));
        }
        bases.add(Path.of("/dev/shm"));
        bases.add(Path.of(System.getProperty("java.io.tmpdir")));
        return new ArrayList<>(bases);
    }

    // ---------------------------------------------------------------- serialization

    /** Serializes {@code value} for the workers, with this call's dumps and class loader. */
    byte[] serialize(Object value, String what) {
        WireKryo kryo = KRYO.get();
        kryo.setClassLoader(spec.userLoader());
        kryo.getContext().put(DumpContext.KEY, dumps);
        Output out = new Output(4096, -1);
        try {
            kryo.writeClassAndObject(out, value);
            return out.toBytes();
        } catch (RuntimeException e) {
            String notOpen = WireKryo.describeNotOpen(e);
            if (notOpen != null) {
                throw new IllegalArgumentException("cannot send " + what + " to a worker: " + notOpen, e);
            }
            // No room, no folder or a failed write for a dump is the machine's problem, not the argument's.
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof java.nio.channels.ClosedByInterruptException) {
                    CancellationException interrupted = new CancellationException("the calling thread was"
                            + " interrupted while it wrote " + what + " to the temp folder; the call was cancelled");
                    interrupted.initCause(e);
                    throw interrupted;
                }
                if (c instanceof java.io.UncheckedIOException io) {
                    throw new IllegalStateException("cannot send " + what + " to a worker: " + io.getMessage()
                            + ": " + io.getCause().getMessage(), e);
                }
                if (c instanceof IllegalStateException) {
                    throw new IllegalStateException("cannot send " + what + " to a worker: " + c.getMessage(), e);
                }
            }
            throw new IllegalArgumentException("cannot send " + what + " to a worker: " + e.getMessage(), e);
        } finally {
            kryo.getContext().remove(DumpContext.KEY);
            kryo.reset();
        }
    }

    private byte[] serializeArgs(Batch batch) {
        try {
            return serialize(batch.args(), "the arguments of tasks " + batch.firstIndex() + " to "
                    + (batch.firstIndex() + batch.size() - 1));
        } catch (IllegalArgumentException batchFailed) {
            // Name the very argument that does not travel.
            for (int i = 0; i < batch.size(); i++) {
                long index = batch.firstIndex() + i;
                serialize(batch.args().get(i), "the argument of task " + index);
            }
            throw batchFailed;
        }
    }

    /** The results in {@code in}; their large primitive arrays came beside it, read already by the worker's reader. */
    private BatchOutcome readResults(WorkerPool.Delivery d, Input in, Object[] arrays, long nanos) {
        WireKryo kryo = KRYO.get();
        kryo.setClassLoader(spec.userLoader());
        ChannelArrays.provide(kryo, arrays);
        kryo.getContext().put(SharedArraySerializer.ADOPT_FOREIGN, Boolean.TRUE);
        kryo.getContext().put(DumpContext.KEY, dumps);   // a result that is one of our dumps is adopted too
        try {
            @SuppressWarnings("unchecked")
            List<Object> results = (List<Object>) kryo.readClassAndObject(in);
            return BatchOutcome.success(d.batch(), results, d.worker().toString(), nanos);
        } catch (KryoException | java.lang.reflect.InaccessibleObjectException e) {
            String notOpen = WireKryo.describeNotOpen(e);
            return BatchOutcome.failure(d.batch(), new IllegalStateException("a result of tasks from "
                    + d.batch().firstIndex() + " cannot be read in this JVM: " + (notOpen != null ? notOpen : e.getMessage()), e),
                    d.batch().firstIndex(), d.worker().toString());
        } finally {
            kryo.getContext().remove(SharedArraySerializer.ADOPT_FOREIGN);
            kryo.getContext().remove(DumpContext.KEY);
            ChannelArrays.clear(kryo);
            kryo.reset();
        }
    }

    /** The task's own exception if it can be rebuilt here, else a stand-in with its name and stack. */
    private Throwable readFailure(FailedFrame.Failure sent, long failedIndex) {
        WireKryo kryo = KRYO.get();
        kryo.setClassLoader(spec.userLoader());
        for (byte[] block : new byte[][] {sent.exception(), sent.standIn()}) {
            if (block.length == 0) {
                continue;
            }
            try {
                return (Throwable) kryo.readClassAndObject(new Input(block));
            } catch (RuntimeException e) {
                // try the stand-in
            } finally {
                kryo.reset();
            }
        }
        return new RemoteTaskException(sent.className(), sent.message(), new StackTraceElement[0], failedIndex);
    }

    private static void awaitOutput(Worker w, long stdoutBytes, long stderrBytes) throws InterruptedException {
        w.stdout.awaitCopied(stdoutBytes, OUTPUT_WAIT_MILLIS);
        w.stderr.awaitCopied(stderrBytes, OUTPUT_WAIT_MILLIS);
    }
}
