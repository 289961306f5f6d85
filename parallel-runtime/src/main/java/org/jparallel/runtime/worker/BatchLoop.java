package org.jparallel.runtime.worker;

import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.Fn;
import org.jparallel.RemoteTaskException;
import org.jparallel.memmap.Memmap;
import org.jparallel.runtime.serial.ChannelArrays;
import org.jparallel.runtime.serial.SharedArraySerializer;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.runtime.wire.BatchFrame;
import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.FailedFrame;
import org.jparallel.runtime.wire.ForgetFrame;
import org.jparallel.runtime.wire.Frame;
import org.jparallel.runtime.wire.ResultFrame;
import org.jparallel.runtime.wire.RevokeFrame;
import org.jparallel.runtime.wire.Status;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.internal.LocalBatch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The worker's main thread once it said hello: takes the batches the reader queued, one after
 * the other, reads each one's function (when the batch carries it) and arguments, runs its tasks
 * and sends the outcome. The reader calls {@link #cancel}, {@link #revoke} and {@link #forget} from
 * its own thread.
 *
 * <p>A CANCEL interrupts this thread only while it runs tasks ({@link TaskInterrupts}): an
 * interrupt during its channel I/O would close the channel and kill the worker. Each task's start
 * is published in the {@link Status} file, for the parent's watchdog and death reports.
 */
final class BatchLoop {
    private final Channel channel;
    private final Status status;
    private final CountingOutputStream stdout;
    private final CountingOutputStream stderr;
    /** Resolves classes of the current call: the class path first, then the caller (see ShippingClassLoader). */
    private volatile ShippingClassLoader loader;
    private WireKryo kryo;
    private final LinkedBlockingQueue<Frame> batches = new LinkedBlockingQueue<>();
    private final Set<Long> cancelledCalls = ConcurrentHashMap.newKeySet();
    private final Output output = new Output(64 * 1024, -1);
    private final TaskInterrupts interrupts = new TaskInterrupts();
    private volatile Fn<Object, Object> function;
    private volatile long functionOfCall = -1;
    /**
     * Mapped arrays each call's tasks returned, kept until the call ends: an array a task allocated
     * must not be collected (and its file deleted) before the parent has mapped it.
     */
    private final Map<Long, List<Object>> resultsOfCall = new ConcurrentHashMap<>();

    /** What a broken channel means: the parent is gone ({@link Lifeline#parentGone}). */
    private final Runnable parentGone;

    BatchLoop(Channel channel, Status status, CountingOutputStream stdout, CountingOutputStream stderr,
              Runnable parentGone) {
        this.channel = channel;
        this.status = status;
        this.stdout = stdout;
        this.stderr = stderr;
        this.parentGone = parentGone;
    }

    /** The reader queues a BATCH. */
    void add(Frame batch) {
        batches.add(batch);
    }

    /** The reader saw a CANCEL. */
    void cancel(long callId) {
        cancelledCalls.add(callId);
        interrupts.interrupt(callId);   // a task that waits or sleeps stops now; a busy one at its next check
    }

    /**
     * The parent takes back a batch queued behind one that turned out long, for an idle worker;
     * a batch that has started already runs to its end as usual.
     */
    void revoke(byte[] payload) throws IOException {
        boolean removed = batches.removeIf(batch -> RevokeFrame.names(payload, batch.payload()));
        if (removed) {
            channel.write(Frame.REVOKED, payload, payload.length);
        }
    }

    /** The parent ended a call: drop its cached mappings and the results kept for it. */
    void forget(byte[] payload) {
        long callId = ForgetFrame.callId(payload);
        boolean heldMappings = resultsOfCall.remove(callId) != null;
        cancelledCalls.remove(callId);
        if (functionOfCall == callId) {
            // The function may capture the call's arrays: holding it would keep their mappings alive.
            function = null;
            functionOfCall = -1;
        }
        List<Path> files = ForgetFrame.files(payload);
        files.forEach(Memmap::forget);
        int deletedElsewhere = Memmap.forgetDeletedFiles();
        if (!files.isEmpty() || heldMappings || deletedElsewhere > 0) {
            // A deleted file's pages stay in memory (tmpfs) while any mapping of it lives, and a
            // mapping goes only when the GC collects its buffer, which a small, quiet heap may never
            // do. Collect now, so that each call's dumps leave memory when the call ends.
            System.gc();
        }
    }

    /** The worker's main thread, from here on: runs batches one after the other and sends their outcomes. */
    void run() throws InterruptedException {
        while (true) {
            byte[] frame = batches.take().payload();
            long callId = BatchFrame.callId(frame);
            long firstIndex = BatchFrame.firstIndex(frame);
            try {
                runBatch(callId, firstIndex, frame);
            } catch (OutOfMemoryError e) {
                Lifeline.outOfMemory(status);
            } catch (IOException channelBroken) {
                parentGone.run();   // the reader sees the same end; whichever comes first halts
            } finally {
                status.idle();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void runBatch(long callId, long firstIndex, byte[] frame) throws IOException {
        if (cancelledCalls.contains(callId)) {
            sendFailure(callId, firstIndex, firstIndex, null, true);
            return;
        }
        Batch batch;
        try {
            if (BatchFrame.functionLength(frame) > 0) {
                function = null;
                functionOfCall = -1;
                useLoaderFor(callId);
                function = (Fn<Object, Object>) kryo.readClassAndObject(BatchFrame.function(frame));
                functionOfCall = callId;
            } else if (functionOfCall != callId) {
                throw new IllegalStateException("no function for call " + callId + " (protocol error)");
            }
            batch = new Batch(firstIndex, (List<Object>) kryo.readClassAndObject(BatchFrame.arguments(frame)));
        } catch (RuntimeException | LinkageError e) {
            kryo.reset();
            sendFailure(callId, firstIndex, firstIndex, new IllegalArgumentException(
                    "the worker could not read the function or the arguments of tasks from " + firstIndex
                            + ": " + e.getMessage(), e), false);
            return;
        }
        BatchOutcome outcome;
        interrupts.enter(callId);
        try {
            outcome = LocalBatch.run(function, batch, () -> cancelledCalls.contains(callId),
                    index -> status.starting(callId, index), "worker pid " + ProcessHandle.current().pid());
        } finally {
            interrupts.exit();
        }
        if (outcome.failure() instanceof OutOfMemoryError) {
            Lifeline.outOfMemory(status);   // the heap may be left in pieces: let the pool replace us
        }
        if (outcome.failed()) {
            sendFailure(callId, firstIndex, outcome.failedIndex(), outcome.failure(),
                    outcome.failure() instanceof java.util.concurrent.CancellationException);
        } else {
            sendResults(callId, firstIndex, outcome);
        }
    }

    /**
     * A call's classes resolve through a loader of its own once anything was shipped, so that the
     * next call sees redefined snippet classes and current snippet variables, not this call's.
     */
    void useLoaderFor(long callId) {
        if (loader == null || loader.shippedAny()) {
            loader = new ShippingClassLoader(BatchLoop.class.getClassLoader(), channel, callId);
            kryo = new WireKryo(loader);
        } else {
            loader.serve(callId);
        }
    }

    private void sendResults(long callId, long firstIndex, BatchOutcome outcome) throws IOException {
        output.reset();
        flushOutput();
        ResultFrame.writeHeader(output, callId, firstIndex, outcome.nanos(), stdout.count(), stderr.count());
        List<Object> mappedResults = new ArrayList<>();
        kryo.getContext().put(SharedArraySerializer.SENT_MAPPED, mappedResults);
        // Large primitive arrays go after the Kryo bytes, straight from the results to the socket.
        List<Object> arrays = ChannelArrays.collect(kryo);
        RuntimeException unsendable = null;
        try {
            kryo.writeClassAndObject(output, outcome.results());
        } catch (RuntimeException e) {
            unsendable = e;
        } finally {
            kryo.getContext().remove(SharedArraySerializer.SENT_MAPPED);
            ChannelArrays.clear(kryo);
            kryo.reset();
        }
        if (unsendable != null) {
            // After the clean-up: the failure's own blocks carry their arrays inside them.
            sendFailure(callId, firstIndex, firstIndex, new IllegalArgumentException("a result of tasks from "
                    + firstIndex + " cannot be sent back: " + unsendable.getMessage(), unsendable), false);
            return;
        }
        if (!mappedResults.isEmpty()) {
            resultsOfCall.computeIfAbsent(callId, k -> new ArrayList<>()).addAll(mappedResults);
        }
        channel.write(Frame.RESULT, output.getBuffer(), output.position(), arrays);
    }

    /** What tasks printed goes out before the counts that tell the parent how much to wait for. */
    private static void flushOutput() {
        System.out.flush();
        System.err.flush();
    }

    /**
     * Sends a failure: the exception itself if it serializes, and always a stand-in with its
     * class name, message and stack trace, for when it does not or cannot be read by the parent.
     */
    private void sendFailure(long callId, long firstIndex, long failedIndex, Throwable failure, boolean cancelled)
            throws IOException {
        output.reset();
        flushOutput();
        FailedFrame.writeHeader(output, callId, firstIndex, failedIndex, stdout.count(), stderr.count(), cancelled);
        if (!cancelled) {
            FailedFrame.writeDescription(output, failure.getClass().getName(), failure.getMessage());
            writeBlock(failure);
            RemoteTaskException standIn = new RemoteTaskException(failure.getClass().getName(), failure.getMessage(),
                    failure.getStackTrace(), failedIndex);
            writeBlock(standIn);
        }
        channel.write(Frame.FAILED, output.getBuffer(), output.position());
    }

    /** Writes {@code value} as a length-prefixed block, or an empty block if it does not serialize. */
    private void writeBlock(Object value) {
        Output block = new Output(4096, -1);
        try {
            kryo.writeClassAndObject(block, value);
            FailedFrame.writeBlock(output, block.getBuffer(), block.position());
        } catch (RuntimeException e) {
            FailedFrame.writeBlock(output, block.getBuffer(), 0);
        } finally {
            kryo.reset();
        }
    }
}
