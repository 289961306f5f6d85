package org.jparallel.runtime.worker;

import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.Fn;
import org.jparallel.RemoteTaskException;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.TempFolders;
import org.jparallel.runtime.serial.SharedArraySerializer;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.runtime.wire.BatchFrame;
import org.jparallel.runtime.wire.CancelFrame;
import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.FailedFrame;
import org.jparallel.runtime.wire.ForgetFrame;
import org.jparallel.runtime.wire.Frame;
import org.jparallel.runtime.wire.HelloFrame;
import org.jparallel.runtime.wire.ResultFrame;
import org.jparallel.runtime.wire.RevokeFrame;
import org.jparallel.runtime.wire.Status;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.LocalBatch;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The main class of a worker JVM.
 *
 * <p>Arguments: the parent's socket path, the status file, the parent's pid and start time, and
 * the temp folders the parent may use. The first line on stdin is the token that proves to the
 * parent that this process is the one it started.
 *
 * <p>Threads: <b>lifeline</b> blocks on stdin, whose only writer is the parent: end of file means
 * the parent died (SIGKILL included), and the worker removes the parent's temp folders and halts
 * within milliseconds. <b>reader</b> takes frames off the channel, so a CANCEL is seen while a
 * task runs. <b>main</b> runs batches one after the other and sends their outcomes. A CANCEL
 * interrupts main only while it runs tasks ({@link TaskInterrupts}): an interrupt during its
 * channel I/O would close the channel and kill the worker.
 */
public final class WorkerMain {
    private static final int EXIT_OUT_OF_MEMORY = 3;
    private static long parentPid;
    private static long parentStart;
    private static final List<Path> parentBases = new ArrayList<>();

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

    private WorkerMain(Channel channel, Status status, CountingOutputStream stdout, CountingOutputStream stderr) {
        this.channel = channel;
        this.status = status;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--train")) {
            Rehearsal.run();   // loads what a worker loads, for the start-up archive; then exits normally
            return;
        }
        Path socketPath = Path.of(args[0]);
        Path statusFile = Path.of(args[1]);
        parentPid = Long.parseLong(args[2]);
        parentStart = Long.parseLong(args[3]);
        for (int i = 4; i < args.length; i++) {
            parentBases.add(Path.of(args[i]));
        }
        // stdin belongs to the lifeline: the token, then nothing until the parent's end.
        InputStream lifeline = new FileInputStream(FileDescriptor.in);
        String token = readLine(lifeline);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        CountingOutputStream out = new CountingOutputStream(new FileOutputStream(FileDescriptor.out));
        CountingOutputStream err = new CountingOutputStream(new FileOutputStream(FileDescriptor.err));
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));

        Status status = Status.open(statusFile);
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof OutOfMemoryError) {
                outOfMemory(status, e);
            }
            System.err.print("Exception in thread \"" + t.getName() + "\" ");   // what the JVM would print
            e.printStackTrace();
        });
        startLifeline(lifeline);

        var socket = java.nio.channels.SocketChannel.open(UnixDomainSocketAddress.of(socketPath));
        Channel channel = new Channel(socket);
        byte[] hello = HelloFrame.encode(token, ProcessHandle.current().pid());
        channel.write(Frame.HELLO, hello, hello.length);

        WorkerMain worker = new WorkerMain(channel, status, out, err);
        worker.useLoaderFor(-1);
        worker.startReader();
        worker.runBatches();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                System.exit(0);   // the parent died before it sent the token
            }
            line.append((char) c);
        }
        return line.toString();
    }

    private static void startLifeline(InputStream stdin) {
        Thread t = new Thread(() -> {
            try {
                while (stdin.read() >= 0) {
                    // the parent never writes after the token; keep reading until it is gone
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as end of file
            }
            parentGone();
        }, "jparallel-lifeline");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Stdin or the channel closed: the parent exited or was killed. If it is really gone, remove
     * the temp folders it can no longer remove itself (a SIGKILL runs no shutdown hook); then halt.
     * Whichever of the two sees the end first does this.
     */
    private static synchronized void parentGone() {
        try {
            if (!new TempFolders.Owner(parentPid, parentStart).isAlive()) {
                TempFolders.removeFoldersOwnedBy(parentPid, parentStart, parentBases);
            }
        } catch (RuntimeException e) {
            // best effort: the next start's janitor removes what is left
        }
        exit();
    }

    private static void outOfMemory(Status status, Throwable e) {
        status.markOutOfMemory();
        Runtime.getRuntime().halt(EXIT_OUT_OF_MEMORY);
    }

    private void startReader() {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Frame frame = channel.read();
                    switch (frame.type()) {
                        case Frame.BATCH -> batches.add(frame);
                        case Frame.CANCEL -> cancel(CancelFrame.callId(frame.payload()));
                        case Frame.FORGET -> forget(frame.payload());
                        case Frame.EXIT -> exit();
                        case Frame.CLASS_BYTES -> ShippingClassLoader.answer(frame);
                        case Frame.REVOKE -> revoke(frame.payload());
                        default -> throw new IOException("unknown frame type " + frame.type());
                    }
                }
            } catch (IOException e) {
                parentGone();
            }
        }, "jparallel-reader");
        t.setDaemon(true);
        t.start();
    }

    private void cancel(long callId) {
        cancelledCalls.add(callId);
        interrupts.interrupt(callId);   // a task that waits or sleeps stops now; a busy one at its next check
    }

    /**
     * The parent takes back a batch queued behind one that turned out long, for an idle worker;
     * a batch that has started already runs to its end as usual.
     */
    private void revoke(byte[] payload) throws IOException {
        boolean removed = batches.removeIf(batch -> RevokeFrame.names(payload, batch.payload()));
        if (removed) {
            channel.write(Frame.REVOKED, payload, payload.length);
        }
    }

    /** The pool retires this worker: remove the folders its tasks made (halt runs no shutdown hook), then go. */
    private static void exit() {
        TempFolders.deleteAllNow();
        Runtime.getRuntime().halt(0);
    }

    /** The parent ended a call: drop its cached mappings and the results kept for it. */
    private void forget(byte[] payload) {
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

    private void runBatches() throws InterruptedException {
        while (true) {
            byte[] frame = batches.take().payload();
            long callId = BatchFrame.callId(frame);
            long firstIndex = BatchFrame.firstIndex(frame);
            try {
                runBatch(callId, firstIndex, frame);
            } catch (OutOfMemoryError e) {
                outOfMemory(status, e);
            } catch (IOException channelBroken) {
                parentGone();   // the reader sees the same end; whichever comes first halts
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
            outOfMemory(status, outcome.failure());   // the heap may be left in pieces: let the pool replace us
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
    private void useLoaderFor(long callId) {
        if (loader == null || loader.shippedAny()) {
            loader = new ShippingClassLoader(WorkerMain.class.getClassLoader(), channel, callId);
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
        try {
            kryo.writeClassAndObject(output, outcome.results());
        } catch (RuntimeException e) {
            sendFailure(callId, firstIndex, firstIndex, new IllegalArgumentException(
                    "a result of tasks from " + firstIndex + " cannot be sent back: " + e.getMessage(), e), false);
            return;
        } finally {
            kryo.getContext().remove(SharedArraySerializer.SENT_MAPPED);
            kryo.reset();
        }
        if (!mappedResults.isEmpty()) {
            resultsOfCall.computeIfAbsent(callId, k -> new ArrayList<>()).addAll(mappedResults);
        }
        channel.write(Frame.RESULT, output.getBuffer(), output.position());
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
