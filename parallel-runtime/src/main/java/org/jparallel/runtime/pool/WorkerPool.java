package org.jparallel.runtime.pool;

import org.jparallel.WorkerDiedException;
import org.jparallel.memmap.TempFolders;
import org.jparallel.runtime.pool.Sender.Outgoing;
import org.jparallel.runtime.wire.CancelFrame;
import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.ClassRequestFrame;
import org.jparallel.runtime.wire.ForgetFrame;
import org.jparallel.runtime.wire.Frame;
import org.jparallel.runtime.wire.HelloFrame;
import org.jparallel.runtime.wire.RevokeFrame;
import org.jparallel.runtime.wire.Status;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallSpec;
import org.jparallel.spi.WorkerOptions;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pool of worker JVMs started with the same {@link WorkerOptions}, shared by every call of this
 * JVM that uses those options.
 *
 * <p><b>Dispatch.</b> Batches of all calls wait in one FIFO queue. A worker gets up to
 * {@link #PIPELINE} batches at a time (the next one is already on its way while the current one
 * runs, hiding the round trip), and a call never occupies more workers than its {@code nJobs}.
 *
 * <p><b>Security.</b> Workers connect to a Unix domain socket in a folder of mode 0700 and must
 * present the random token the pool wrote to their stdin, which only the pool holds.
 *
 * <p><b>Workers</b> go STARTING, READY, then RETIRING or KILLED, then DEAD: {@link Worker} draws
 * the states and what moves a worker between them. Only READY workers get batches.
 *
 * <p><b>Taking back.</b> A batch queued behind one whose task turns out long (over
 * {@link Watchdog#REVOKE_AFTER_NANOS}) is asked back by the {@link Watchdog}; the worker gives it
 * back if it has not started it, and it goes to the next free worker, so that fast results never
 * wait behind a slow task.
 *
 * <p><b>Death.</b> A worker's reader thread sees its channel close: the batch it ran fails with
 * {@link WorkerDiedException} naming the task (read from the worker's {@link Status}) and how the
 * process ended ({@link ProcessEnd}); batches queued behind it go back to the queue; a replacement
 * starts.
 *
 * <p><b>Time.</b> Timeouts, cancelled tasks that go on, workers that never say hello and the idle
 * time-out are the {@link Watchdog}'s.
 *
 * <p>State is guarded by {@code this} (the "pool lock" of {@link Worker}, {@link ProcessCall},
 * {@link Watchdog} and {@link Sender}); frames are sent outside the lock, in order, from each
 * worker's outbox, and only by the pool's own threads ({@link PoolThread}): an interrupt closes the
 * channel its thread writes to, and a caller's thread may be interrupted at any time (see
 * {@link Sender}).
 */
final class WorkerPool {
    static final int PIPELINE = 2;

    private final WorkerOptions options;
    private final Path folder;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Watchdog watchdog;
    /** Every frame to a worker goes through it; see {@link Sender}. */
    private final Sender sender = new Sender(this);

    /** READY, RETIRING and KILLED workers. */
    private final List<Worker> workers = new ArrayList<>();
    /** STARTING workers, by token. */
    private final Map<String, Worker> starting = new HashMap<>();
    private final ArrayDeque<Worker.Assignment> pending = new ArrayDeque<>();
    private final Set<ProcessCall> activeCalls = new LinkedHashSet<>();
    /** Workers that died since no call was active: their folders go when no call can read their results. */
    private final List<Long> deadWorkers = new ArrayList<>();
    private int target;
    private int nextWorkerId;
    private long idleSinceNanos = System.nanoTime();
    /** Why the last worker could not start; cleared when a call tries again. */
    private IllegalStateException startFailure;
    /** How the last worker was started: the start-up archive is trained from it. */
    private WorkerLauncher.Launch lastLaunch;
    private boolean closed;

    WorkerPool(WorkerOptions options) {
        this.options = options;
        this.folder = TempFolders.newFolder(Path.of(System.getProperty("java.io.tmpdir")), "pool");
        this.socketPath = folder.resolve("s");
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socketPath));
        } catch (IOException e) {
            TempFolders.deleteNow(folder);
            throw new IllegalStateException("cannot open the workers' socket " + socketPath + ": " + e, e);
        }
        daemon("jparallel-acceptor", this::acceptLoop).start();
        watchdog = new Watchdog(this);
    }

    // ---------------------------------------------------------------- calls

    /**
     * Starts the workers a call of {@code nJobs} will need, before the call exists: a cold first
     * call then loads and sets up its serializers in this JVM while the worker JVMs start, instead
     * of before. Idle workers beyond it are left to {@link #begin}, which knows whether other calls run.
     */
    synchronized void prestart(int nJobs, ClassLoader userLoader) {
        if (closed) {
            return;
        }
        target = Math.max(target, nJobs);   // what spawn divides the cores by
        for (int live = workers.size() + starting.size(); live < nJobs; live++) {
            spawn(userLoader);
        }
    }

    /** Registers a call and sizes the pool for it. */
    synchronized void begin(ProcessCall call, CallSpec spec) {
        if (closed) {
            throw new IllegalStateException("the worker pool was shut down");
        }
        activeCalls.add(call);
        startFailure = null;
        if (activeCalls.size() == 1) {
            target = spec.nJobs();
            retireIdleBeyond(target);
        } else {
            target = Math.max(target, spec.nJobs());
        }
        int live = workers.size() + starting.size();
        for (int i = live; i < target; i++) {
            spawn(spec.userLoader());
        }
    }

    void enqueue(ProcessCall call, Batch batch, byte[] args) {
        synchronized (this) {
            pending.add(new Worker.Assignment(call, batch, args, 0));
        }
        dispatch();
    }

    void cancel(ProcessCall call) {
        synchronized (this) {
            pending.removeIf(a -> a.call() == call);
            byte[] cancel = CancelFrame.encode(call.id());
            for (Worker w : workers) {
                if (w.inFlight.stream().anyMatch(a -> a.call() == call)) {
                    sender.queue(w, new Outgoing(Frame.CANCEL, cancel));
                }
            }
        }
        flushAll();
    }

    void end(ProcessCall call, List<Path> files) {
        List<Long> dead = List.of();
        synchronized (this) {
            activeCalls.remove(call);
            pending.removeIf(a -> a.call() == call);
            if (activeCalls.isEmpty()) {
                idleSinceNanos = System.nanoTime();
                if (lastLaunch != null) {
                    lastLaunch.trainArchiveInBackground();   // idle now: the training run slows no call
                }
                dead = new ArrayList<>(deadWorkers);
                deadWorkers.clear();
            }
            byte[] forget = ForgetFrame.encode(call.id(), files);
            for (Worker w : workers) {
                sender.queue(w, new Outgoing(Frame.FORGET, forget));
            }
        }
        flushAll();
        removeFoldersOf(dead);
    }

    /**
     * Removes what dead workers' tasks allocated (a killed JVM runs no clean-up). Only once no call
     * is active: an array a worker returned lives in its folder until the caller has read it.
     */
    private static void removeFoldersOf(List<Long> deadPids) {
        for (long pid : deadPids) {
            try {
                TempFolders.removeFoldersOfDeadProcess(pid, ProcessCall.defaultTempBases());
            } catch (RuntimeException e) {
                // best effort: the janitor of the next JVM that uses the folder removes it
            }
        }
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * Hands queued batches to workers with room, then sends them: first one batch to every idle
     * worker, then a second to workers whose call runs short batches, so that the next batch is
     * already there when the current one ends. Long batches are not queued behind each other: a
     * worker that frees up must not idle while another holds two.
     */
    private void dispatch() {
        List<Worker.Assignment> failed;
        synchronized (this) {
            failed = failIfNoWorkerCanStart();
            for (int depth = 0; depth < PIPELINE && !pending.isEmpty(); depth++) {
                for (Worker w : workers) {
                    if (w.state != Worker.State.READY || w.inFlight.size() != depth
                            || (depth > 0 && w.status.runningForNanos() > ProcessCall.SHORT_BATCH_NANOS)) {
                        continue;   // never queue a batch behind one that is taking long
                    }
                    Worker.Assignment next = nextFor(w, depth);
                    if (next == null) {
                        continue;
                    }
                    pending.remove(next);
                    w.inFlight.add(next);
                    next.call().using(w, +1);
                    boolean sendFunction = w.functionOfCall != next.call().id();
                    w.functionOfCall = next.call().id();
                    sender.queue(w, next.call().batchFrame(next, sendFunction));
                }
            }
        }
        for (Worker.Assignment a : failed) {
            a.call().deliver(new Delivery(null, a.batch(), null,
                    BatchOutcome.failure(a.batch(), startFailure(), a.batch().firstIndex(), "worker start")));
        }
        flushAll();
    }

    /** The oldest queued batch whose call may use this worker at this pipeline depth. */
    private Worker.Assignment nextFor(Worker w, int depth) {
        for (Worker.Assignment a : pending) {
            if (a.call().mayUse(w) && (depth == 0 || a.call().runsShortBatches())) {
                return a;
            }
        }
        return null;
    }

    /** Sends every worker's outbox, from a pool thread only: see {@link Sender#flushAll}. */
    void flushAll() {
        sender.flushAll();
    }

    // ---------------------------------------------------------------- workers

    private void spawn(ClassLoader userLoader) {
        String token = HexFormat.of().formatHex(randomBytes());
        int id = ++nextWorkerId;
        Path statusFile = folder.resolve("status-" + id + ".npy");
        ProcessBuilder builder = new ProcessBuilder();
        int threadsPerWorker = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, target));
        WorkerLauncher.Launch launch = WorkerLauncher.command(options, userLoader, socketPath, statusFile,
                ProcessCall.defaultTempBases(), builder.environment(), threadsPerWorker);
        lastLaunch = launch;
        Process process;
        try {
            process = builder.command(launch.command()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a worker JVM (" + launch.command().get(0) + "): " + e, e);
        }
        // The JVM boots while its status file is made: it opens the file only once it has read the
        // token below. Made before the start, the file (and the first use of the memmap classes)
        // delayed a session's first worker: first calls of 10 fresh processes each way, median
        // 471 ms against 519 ms.
        Status status;
        try {
            status = Status.create(statusFile);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        try {
            process.getOutputStream().write((token + "\n").getBytes(StandardCharsets.US_ASCII));
            process.getOutputStream().flush();   // stdin stays open: its end tells the worker we died
        } catch (IOException e) {
            // The JVM exited at once (a bad option): exitedBeforeHello reports it.
        }
        OutputPump out = new OutputPump(process.getInputStream(), () -> System.out);
        OutputPump err = new OutputPump(process.getErrorStream(), () -> System.err);
        Worker w = new Worker(id, token, process, status, out, err);
        daemon("jparallel-w" + id + "-stdout", out).start();
        daemon("jparallel-w" + id + "-stderr", err).start();
        starting.put(token, w);
        process.onExit().thenRun(() -> exitedBeforeHello(w));
    }

    /**
     * 16 bytes from the kernel's random source, as SecureRandom's default provider reads them on
     * Linux, without setting up the JDK's security providers (25 ms of a cold first call here).
     */
    private static byte[] randomBytes() {
        try (var in = java.nio.file.Files.newInputStream(Path.of("/dev/urandom"))) {
            byte[] b = in.readNBytes(16);
            if (b.length == 16) {
                return b;
            }
        } catch (IOException | UnsupportedOperationException noUrandom) {
            // not Linux: SecureRandom below
        }
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;   // the pool was shut down
            }
            daemon("jparallel-reader", () -> serve(new Channel(socket))).start();
        }
    }

    /** Handshake, then the worker's reader loop, on the thread of its connection. */
    private void serve(Channel channel) {
        Worker w;
        try {
            Frame hello = channel.read();
            synchronized (this) {
                w = hello.type() == Frame.HELLO ? starting.remove(HelloFrame.token(hello.payload())) : null;
                if (w != null) {
                    w.channel = channel;
                    if (w.state == Worker.State.STARTING) {
                        w.state = Worker.State.READY;
                    }
                    workers.add(w);
                }
            }
        } catch (IOException | RuntimeException e) {
            w = null;
        }
        if (w == null) {
            channel.close();   // not one of ours
            return;
        }
        Thread.currentThread().setName("jparallel-w" + w.id + "-reader");
        dispatch();
        try {
            while (true) {
                Frame frame = channel.read();
                if (frame.type() == Frame.CLASS_REQUEST) {
                    answerClassRequest(w, frame);
                } else if (frame.type() == Frame.REVOKED) {
                    revoked(w, frame);
                } else {
                    completed(w, frame);
                }
            }
        } catch (IOException e) {
            died(w);
        }
    }

    /** Sends a worker the bytes of a class it lacks, read from the loader of the call that needs it. */
    private void answerClassRequest(Worker w, Frame request) throws IOException {
        long callId = ClassRequestFrame.callId(request.payload());
        String name = ClassRequestFrame.className(request.payload());
        ProcessCall call;
        synchronized (this) {
            call = activeCalls.stream().filter(c -> c.id() == callId).findFirst().orElse(null);
        }
        w.channel.write(Frame.CLASS_BYTES, ClassServer.classBytes(call, name));
    }

    /** A worker gave back a batch it had not started: it goes to the front of the queue. */
    private void revoked(Worker w, Frame frame) {
        long callId = RevokeFrame.callId(frame.payload());
        long firstIndex = RevokeFrame.firstIndex(frame.payload());
        synchronized (this) {
            for (Worker.Assignment a : w.inFlight) {
                if (a.call().id() == callId && a.batch().firstIndex() == firstIndex) {
                    w.inFlight.remove(a);
                    a.call().using(w, -1);
                    pending.addFirst(a);
                    break;
                }
            }
            w.revoking = null;
        }
        dispatch();
    }

    private void completed(Worker w, Frame frame) {
        Worker.Assignment done;
        synchronized (this) {
            done = w.inFlight.poll();
            if (done != null && done == w.revoking) {
                w.revoking = null;   // it had started: nothing comes back but its outcome
            }
            if (done != null) {
                done.call().using(w, -1);
                done.call().ranBatch(frame);
            }
        }
        if (done != null) {
            done.call().deliver(new Delivery(w, done.batch(), frame, null));
        }
        dispatch();
    }

    /**
     * A worker's channel closed. The batch it was running fails with how it died, or runs again if
     * its call allows retries and the worker was not stopped on purpose; batches queued behind it
     * never started and queue again; a replacement starts if calls need it.
     */
    private void died(Worker w) {
        int exit = ProcessEnd.await(w.process);
        Worker.Assignment failed = null;
        Worker.Kill kill;
        boolean noCallToRead;
        synchronized (this) {
            workers.remove(w);
            sender.remove(w);
            w.state = Worker.State.DEAD;
            noCallToRead = activeCalls.isEmpty();
            if (!noCallToRead) {
                deadWorkers.add(w.pid());   // its folders go when the calls that may read its results end
            }
            kill = w.kill;
            List<Worker.Assignment> lost = new ArrayList<>(w.inFlight);
            w.inFlight.clear();
            lost.forEach(a -> a.call().using(w, -1));
            for (int i = lost.size() - 1; i >= 1; i--) {
                pending.addFirst(lost.get(i));
            }
            if (!lost.isEmpty()) {
                Worker.Assignment running = lost.get(0);
                if (kill == null && running.deaths() < running.call().retries()) {
                    pending.addFirst(new Worker.Assignment(running.call(), running.batch(), running.args(),
                            running.deaths() + 1));
                } else {
                    failed = running;
                }
            }
            if (!closed && workers.size() + starting.size() < target && !activeCalls.isEmpty()) {
                spawn(activeCalls.iterator().next().userLoader());
            }
        }
        w.channel.close();
        if (failed != null) {
            long index = ProcessEnd.taskOf(w, failed);
            Throwable failure = ProcessEnd.failureOf(w, failed, kill, exit);
            failed.call().deliver(new Delivery(w, failed.batch(), null,
                    BatchOutcome.failure(failed.batch(), failure, index, w.toString())));
        }
        w.status.delete();
        if (noCallToRead) {
            removeFoldersOf(List.of(w.pid()));
        }
        dispatch();
    }

    /**
     * A worker that exits before its hello could not start. If no worker is left to run the queued
     * batches, they fail with why, and so do batches queued later, until a worker starts.
     */
    private void exitedBeforeHello(Worker w) {
        synchronized (this) {
            if (starting.remove(w.token) == null) {
                return;   // it started; its reader handles its death
            }
            w.status.delete();
            boolean retired = w.state == Worker.State.RETIRING;
            w.state = Worker.State.DEAD;
            if (closed || retired) {
                return;
            }
            startFailure = new IllegalStateException("a worker JVM exited with code " + w.process.exitValue()
                    + " before it started; its stderr (printed above) says why. Check the worker options"
                    + " (workerHeap, workerJvmOptions, workerProperty)");
        }
        dispatch();
    }

    /** Takes every queued batch when no worker runs or starts and the last start failed. Pool lock. */
    private List<Worker.Assignment> failIfNoWorkerCanStart() {
        if (startFailure == null || !workers.isEmpty() || !starting.isEmpty() || pending.isEmpty()) {
            return List.of();
        }
        List<Worker.Assignment> failed = new ArrayList<>(pending);
        pending.clear();
        return failed;
    }

    private synchronized IllegalStateException startFailure() {
        return startFailure;
    }

    // ---------------------------------------------------------------- for the watchdog (pool lock)

    /** READY, RETIRING and KILLED workers. Pool lock. */
    List<Worker> connectedWorkers() {
        return workers;
    }

    /** STARTING workers. Pool lock. */
    Collection<Worker> startingWorkers() {
        return starting.values();
    }

    /** Queues a frame for {@code w}; {@link #flushAll} sends it. Pool lock. */
    void queue(Worker w, Outgoing frame) {
        sender.queue(w, frame);
    }

    /** Retires every worker once no call has run for the idle timeout. Pool lock. */
    void retireAllIfIdleSince(long now) {
        if (activeCalls.isEmpty() && !workers.isEmpty() && now - idleSinceNanos > options.idleTimeout().toNanos()) {
            target = 0;
            retireIdleBeyond(0);
        }
    }

    /** Asks idle workers beyond {@code keep} to exit. */
    private void retireIdleBeyond(int keep) {
        int live = 0;
        for (Worker w : new ArrayList<>(workers)) {
            if (w.state == Worker.State.RETIRING) {
                continue;
            }
            if (live < keep || !w.inFlight.isEmpty()) {
                live++;
                continue;
            }
            if (w.state == Worker.State.KILLED) {
                continue;   // idle and dying already
            }
            w.retiring();
            sender.queue(w, new Outgoing(Frame.EXIT));
            watchdog.execute(() -> sender.flush(w));
        }
    }

    /** Stops every worker and waits until their processes are gone. */
    void shutdown() {
        List<Process> processes = new ArrayList<>();
        List<Worker.Assignment> failed;
        synchronized (this) {
            closed = true;
            target = 0;
            for (Worker w : workers) {
                w.retiring();
                processes.add(w.process);
            }
            for (Worker w : starting.values()) {
                w.retiring();
                processes.add(w.process);
            }
            failed = new ArrayList<>(pending);
            pending.clear();
        }
        watchdog.shutdownNow();
        sender.shutdownNow();
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Process p : processes) {
            p.destroy();
        }
        List<Long> dead;
        synchronized (this) {
            dead = new ArrayList<>(deadWorkers);
            deadWorkers.clear();
        }
        for (Process p : processes) {
            ProcessEnd.await(p);
            dead.add(p.pid());
        }
        removeFoldersOf(dead);   // a busy worker stopped by SIGTERM, or killed after it, may leave its own
        IllegalStateException why = new IllegalStateException("the workers were shut down during the call");
        for (Worker.Assignment a : failed) {
            a.call().deliver(new Delivery(null, a.batch(), null,
                    BatchOutcome.failure(a.batch(), why, a.batch().firstIndex(), "shutdown")));
        }
        TempFolders.deleteNow(folder);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** The processes of this pool's live workers (for tests and diagnostics). */
    synchronized List<ProcessHandle> workerProcesses() {
        List<ProcessHandle> all = new ArrayList<>();
        workers.forEach(w -> all.add(w.process.toHandle()));
        starting.values().forEach(w -> all.add(w.process.toHandle()));
        return all;
    }

    private static Thread daemon(String name, Runnable r) {
        return PoolThread.daemon(name, r);
    }

    /** A frame (or a failure made here) for a call, with the worker and batch it belongs to. */
    record Delivery(Worker worker, Batch batch, Frame frame, BatchOutcome ready) {
    }
}
