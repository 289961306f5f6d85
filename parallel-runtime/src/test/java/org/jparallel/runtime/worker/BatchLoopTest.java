package org.jparallel.runtime.worker;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.Fn;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.runtime.wire.BatchFrame;
import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.FailedFrame;
import org.jparallel.runtime.wire.Frame;
import org.jparallel.runtime.wire.ResultFrame;
import org.jparallel.runtime.wire.RevokeFrame;
import org.jparallel.runtime.wire.Status;
import org.junit.jupiter.api.AfterEach;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's batch loop in this JVM, over a real socket, with the test as its parent: what it
 * answers to batches, cancellations and revokes. (No reader and no lifeline run here, and a
 * broken channel is only recorded: in a worker, each of them halts the JVM.)
 */
@ExtendWith(NoLeftovers.class)
class BatchLoopTest {
    private final Path dir;
    private final Channel parent;
    private final Channel worker;
    private final Status status;
    private final BatchLoop loop;
    private final WireKryo kryo = new WireKryo(BatchLoopTest.class.getClassLoader());
    private Thread main;
    private volatile boolean channelBroke;

    BatchLoopTest() throws IOException {
        dir = Files.createTempDirectory("batch-loop-test");
        Path socket = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            worker = new Channel(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            parent = new Channel(server.accept());
        }
        status = Status.create(dir.resolve("status.npy"));
        loop = new BatchLoop(worker, Status.open(status.file()), new CountingOutputStream(new ByteArrayOutputStream()),
                new CountingOutputStream(new ByteArrayOutputStream()), () -> channelBroke = true);
        loop.useLoaderFor(-1);
    }

    private void startLoop() {
        main = new Thread(() -> {
            try {
                loop.run();
            } catch (InterruptedException stopped) {
                // the test is over
            }
        }, "test-batch-loop");
        main.setDaemon(true);
        main.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (main != null) {
            // Only once it waits for the next batch: an interrupt that ends a write to the channel breaks it.
            org.awaitility.Awaitility.await().until(() -> main.getState() == Thread.State.WAITING);
            main.interrupt();
            main.join(10_000);
        }
        assertFalse(channelBroke, "the loop's channel broke");
        parent.close();
        worker.close();
        status.delete();
        Files.deleteIfExists(dir.resolve("s"));
        Files.deleteIfExists(dir);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted", e);
        }
    }

    private byte[] bytes(Object value) {
        Output out = new Output(256, -1);
        kryo.writeClassAndObject(out, value);
        kryo.reset();
        return out.toBytes();
    }

    private Frame batch(long callId, long firstIndex, Fn<Integer, Object> fn, Integer... args) {
        byte[] function = fn == null ? new byte[0] : bytes(fn);
        byte[] arguments = bytes(new ArrayList<>(List.of(args)));
        byte[] header = BatchFrame.header(callId, firstIndex, function.length);
        byte[] payload = new byte[header.length + function.length + arguments.length];
        System.arraycopy(header, 0, payload, 0, header.length);
        System.arraycopy(function, 0, payload, header.length, function.length);
        System.arraycopy(arguments, 0, payload, header.length + function.length, arguments.length);
        return new Frame(Frame.BATCH, payload);
    }

    private Object results(Frame frame) {
        assertEquals(Frame.RESULT, frame.type());
        Object results = kryo.readClassAndObject(ResultFrame.results(frame.payload()));
        kryo.reset();
        return results;
    }

    @Test
    void aBatchIsAnsweredWithItsResultsAndTheNextOfTheCallNeedsNoFunction() throws IOException {
        startLoop();
        loop.add(batch(1, 10, i -> i * 2, 1, 2, 3));
        Frame first = parent.read();
        assertEquals(List.of(2, 4, 6), results(first));
        assertEquals(1, ResultFrame.callId(first.payload()));
        assertEquals(10, ResultFrame.firstIndex(first.payload()));
        assertTrue(ResultFrame.nanos(first.payload()) > 0);

        loop.add(batch(1, 13, null, 4));
        assertEquals(List.of(8), results(parent.read()));
        // idle right after the result is sent
        org.awaitility.Awaitility.await().until(() -> status.runningCall() == Status.IDLE);
        assertEquals(13, status.runningTask(), "the status named the last task that ran");

        loop.add(batch(2, 0, null, 1));   // a call whose function it never got
        Frame failed = parent.read();
        assertEquals(Frame.FAILED, failed.type());
        assertFalse(FailedFrame.cancelled(failed.payload()));
        assertTrue(FailedFrame.failure(failed.payload()).message().contains("protocol error"));
    }

    @Test
    void aFailingTaskIsNamedWithItsException() throws IOException {
        startLoop();
        loop.add(batch(3, 20, i -> {
            if (i == 2) {
                throw new IllegalStateException("no " + i);
            }
            return i;
        }, 1, 2, 3));
        Frame frame = parent.read();
        assertEquals(Frame.FAILED, frame.type());
        assertEquals(21, FailedFrame.failedIndex(frame.payload()));
        FailedFrame.Failure failure = FailedFrame.failure(frame.payload());
        assertEquals(IllegalStateException.class.getName(), failure.className());
        assertEquals("no 2", failure.message());
        Object thrown = kryo.readClassAndObject(new Input(failure.exception()));
        assertEquals("no 2", ((IllegalStateException) thrown).getMessage());
    }

    @Test
    void aCancelStopsASleepingTaskAndReachesNothingAfterIt() throws IOException {
        startLoop();
        loop.add(batch(4, 0, i -> {
            sleep(30_000);
            return i;
        }, 0));
        org.awaitility.Awaitility.await().until(() -> status.runningCall() == 4);
        long sent = System.nanoTime();
        loop.cancel(4);
        Frame stopped = parent.read();
        assertEquals(Frame.FAILED, stopped.type());
        assertTrue(System.nanoTime() - sent < 10_000_000_000L, "the interrupt stopped the sleep");

        loop.add(batch(4, 1, null, 1));   // queued after the cancel: answered as cancelled, not run
        Frame skipped = parent.read();
        assertTrue(FailedFrame.cancelled(skipped.payload()));

        // The interrupt was cleared with the task: the next call's sleeping task and the write of its result are untouched.
        loop.add(batch(5, 0, i -> {
            sleep(50);
            return i + 1;
        }, 41));
        assertEquals(List.of(42), results(parent.read()));
    }

    @Test
    void aRevokeTakesBackAQueuedBatchOnly() throws IOException {
        loop.add(batch(6, 0, i -> i, 0));
        loop.add(batch(6, 1, null, 1));
        byte[] revoke = RevokeFrame.encode(6, 1);
        loop.revoke(revoke);
        loop.revoke(RevokeFrame.encode(6, 7));   // no such batch: no answer
        Frame revoked = parent.read();
        assertEquals(Frame.REVOKED, revoked.type());
        assertArrayEquals(revoke, revoked.payload());

        startLoop();
        Frame ran = parent.read();
        assertEquals(0, ResultFrame.firstIndex(ran.payload()));
        assertEquals(List.of(0), results(ran));
        loop.add(batch(6, 2, null, 2));
        assertEquals(2, ResultFrame.firstIndex(parent.read().payload()), "the revoked batch never ran");
    }
}
