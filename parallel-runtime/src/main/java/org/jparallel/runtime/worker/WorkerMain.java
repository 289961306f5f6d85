package org.jparallel.runtime.worker;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.Fn;
import org.jparallel.RemoteTaskException;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.TempFolders;
import org.jparallel.runtime.pool.Status;
import org.jparallel.runtime.serial.DumpContext;
import org.jparallel.runtime.serial.SharedArraySerializer;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.Frame;
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
import java.nio.charset.StandardCharsets;
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
    /** The current call's maxBytes and temp folder, which came with its function: large results go through files. */
    private long resultMaxBytes = Long.MAX_VALUE;
    private Path resultFolder;
    /**
     * Each call's result files; main thread only. They go when main reaches the call's FORGET, which
     * the reader queues behind the call's batches, so no batch of the call can write one afterwards.
     */
    private final Map<Long, DumpContext> resultDumps = new java.util.HashMap<>();

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
        byte[] hello = (token + "\n" + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
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
                        case Frame.CANCEL -> cancel(new Input(frame.payload()).readLong());
                        case Frame.FORGET -> {
                            forget(frame.payload());
                            batches.add(new Frame(Frame.FORGET, frame.payload()));   // main then removes its result files
                        }
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
        Input in = new Input(payload);
        long callId = in.readLong();
        long firstIndex = in.readLong();
        boolean removed = batches.removeIf(batch -> {
            if (batch.type() != Frame.BATCH) {
                return false;
            }
            Input head = new Input(batch.payload(), 0, 16);
            return head.readLong() == callId && head.readLong() == firstIndex;
        });
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
        Input in = new Input(payload);
        long callId = in.readLong();
        boolean heldMappings = resultsOfCall.remove(callId) != null;
        cancelledCalls.remove(callId);
        if (functionOfCall == callId) {
            // The function may capture the call's arrays: holding it would keep their mappings alive.
            function = null;
            functionOfCall = -1;
        }
        int n = in.readVarInt(true);
        for (int i = 0; i < n; i++) {
            Memmap.forget(Path.of(in.readString()));
        }
        int deletedElsewhere = Memmap.forgetDeletedFiles();
        if (n > 0 || heldMappings || deletedElsewhere > 0) {
            // A deleted file's pages stay in memory (tmpfs) while any mapping of it lives, and a
            // mapping goes only when the GC collects its buffer, which a small, quiet heap may never
            // do. Collect now, so that each call's dumps leave memory when the call ends.
            System.gc();
        }
    }

    private void runBatches() throws InterruptedException {
        while (true) {
            Frame frame = batches.take();
            Input in = new Input(frame.payload());
            long callId = in.readLong();
            if (frame.type() == Frame.FORGET) {
                DumpContext results = resultDumps.remove(callId);
                if (results != null) {
                    results.close();   // the files the caller did not read (a cancelled call's)
                }
                continue;
            }
            long firstIndex = in.readLong();
            try {
                runBatch(callId, firstIndex, in);
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
    private void runBatch(long callId, long firstIndex, Input in) throws IOException {
        if (cancelledCalls.contains(callId)) {
            sendFailure(callId, firstIndex, firstIndex, null, true);
            return;
        }
        Batch batch;
        try {
            int fnLength = in.readInt();
            if (fnLength > 0) {
                function = null;
                functionOfCall = -1;
                useLoaderFor(callId);
                Input fn = new Input(in.readBytes(fnLength));
                resultMaxBytes = fn.readVarLong(true);
                String folder = fn.readString();
                resultFolder = folder == null ? null : Path.of(folder);
                function = (Fn<Object, Object>) kryo.readClassAndObject(fn);
                functionOfCall = callId;
            } else if (functionOfCall != callId) {
                throw new IllegalStateException("no function for call " + callId + " (protocol error)");
            }
            batch = new Batch(firstIndex, (List<Object>) kryo.readClassAndObject(in));
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

    /**
     * Sends a batch's results: arrays over the call's maxBytes through this worker's files (the
     * caller reads and deletes them), the rest through the channel; through the channel alone if
     * the files cannot be written (a full temp folder).
     */
    private void sendResults(long callId, long firstIndex, BatchOutcome outcome) throws IOException {
        List<Object> mappedResults = new ArrayList<>();
        DumpContext files = resultDumps.computeIfAbsent(callId, id -> DumpContext.forResults(resultMaxBytes, resultFolder));
        RuntimeException failure = writeResults(callId, firstIndex, outcome, mappedResults, files);
        if (failure != null) {
            mappedResults.clear();
            failure = writeResults(callId, firstIndex, outcome, mappedResults, null);
        }
        if (failure != null) {
            sendFailure(callId, firstIndex, firstIndex, new IllegalArgumentException(
                    "a result of tasks from " + firstIndex + " cannot be sent back: " + failure.getMessage(), failure), false);
            return;
        }
        if (!mappedResults.isEmpty()) {
            resultsOfCall.computeIfAbsent(callId, k -> new ArrayList<>()).addAll(mappedResults);
        }
        channel.write(Frame.RESULT, output.getBuffer(), output.position());
    }

    /** Writes the RESULT frame into {@code output}; the failure, if a result does not serialize. */
    private RuntimeException writeResults(long callId, long firstIndex, BatchOutcome outcome, List<Object> mappedResults,
                                          DumpContext files) {
        output.reset();
        output.writeLong(callId);
        output.writeLong(firstIndex);
        output.writeLong(outcome.nanos());
        writeOutputCounts();
        kryo.getContext().put(SharedArraySerializer.SENT_MAPPED, mappedResults);
        if (files != null) {
            kryo.getContext().put(DumpContext.KEY, files);
        }
        try {
            kryo.writeClassAndObject(output, outcome.results());
            return null;
        } catch (RuntimeException e) {
            return e;
        } finally {
            kryo.getContext().remove(SharedArraySerializer.SENT_MAPPED);
            kryo.getContext().remove(DumpContext.KEY);
            kryo.reset();
        }
    }

    private void writeOutputCounts() {
        System.out.flush();
        System.err.flush();
        output.writeLong(stdout.count());
        output.writeLong(stderr.count());
    }

    /**
     * Sends a failure: the exception itself if it serializes, and always a stand-in with its
     * class name, message and stack trace, for when it does not or cannot be read by the parent.
     */
    private void sendFailure(long callId, long firstIndex, long failedIndex, Throwable failure, boolean cancelled)
            throws IOException {
        output.reset();
        output.writeLong(callId);
        output.writeLong(firstIndex);
        output.writeLong(failedIndex);
        writeOutputCounts();
        output.writeBoolean(cancelled);
        if (!cancelled) {
            output.writeString(failure.getClass().getName());
            output.writeString(failure.getMessage());
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
            output.writeInt(block.position());
            output.writeBytes(block.getBuffer(), 0, block.position());
        } catch (RuntimeException e) {
            output.writeInt(0);
        } finally {
            kryo.reset();
        }
    }
}
