package org.jparallel.runtime.worker;

import com.esotericsoftware.kryo.kryo5.io.Input;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.ClassBytesFrame;
import org.jparallel.runtime.wire.ClassRequestFrame;
import org.jparallel.runtime.wire.Frame;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Loads, in a worker, the classes that exist only in the caller: JShell snippets, classes of an
 * application's own class loader, plugins. Whatever the worker's class path lacks is asked of the
 * parent over the worker's channel; the parent reads the bytes from the class loader of the call's
 * function and sends them back.
 *
 * <p>A JShell top-level variable ({@code int k = 5;}) is a static field of a snippet wrapper class,
 * set by the caller's session, not by the class's initializer: the parent sends the fields' current
 * values with the bytes of {@code REPL.$JShell$...} classes, so that a worker does not quietly see
 * {@code k == 0}.
 *
 * <p>One loader serves one call: a call after it gets a fresh loader if this one shipped anything,
 * so redefined snippets and changed variables are fetched again.
 */
final class ShippingClassLoader extends ClassLoader {
    private static final long REPLY_TIMEOUT_SECONDS = 60;

    static {
        registerAsParallelCapable();
    }

    private final Channel channel;
    /** Writes class requests: a thread nothing interrupts (see {@link #request}). */
    private static final ExecutorService REQUESTS = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jparallel-class-requests");
        t.setDaemon(true);
        return t;
    });
    /** The call whose function's loader the parent should ask; a loader that shipped nothing is reused. */
    private volatile long callId;
    /** Requests waiting for the parent, by class name; shared, as an older call's loader may still ask. */
    private static final Map<String, CompletableFuture<Frame>> REPLIES = new ConcurrentHashMap<>();
    private volatile boolean shippedAny;

    ShippingClassLoader(ClassLoader parent, Channel channel, long callId) {
        super("jparallel-shipped", parent);
        this.channel = channel;
        this.callId = callId;
    }

    void serve(long newCallId) {
        this.callId = newCallId;
    }

    boolean shippedAny() {
        return shippedAny;
    }

    /** The reader thread hands over the parent's answer to a request. */
    static void answer(Frame classBytes) {
        String name = ClassBytesFrame.className(classBytes.payload());
        CompletableFuture<Frame> waiting = REPLIES.get(name);
        if (waiting != null) {
            waiting.complete(classBytes);
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        ClassBytesFrame reply = ClassBytesFrame.decode(request(name).payload());
        if (reply.classFile() == null) {
            throw new ClassNotFoundException(name + " is on neither this worker's class path nor the caller's"
                    + " class loader of the call's function");
        }
        byte[] bytes = reply.classFile();
        Class<?> type = defineClass(name, bytes, 0, bytes.length);
        shippedAny = true;
        if (reply.statics().length > 0) {
            setStatics(type, reply.statics());
        }
        return type;
    }

    /**
     * Asks the parent for a class. A task may load classes as it runs, and a task's thread may be
     * interrupted at any moment (a cancellation, a timeout, the task itself): the request is
     * written by a thread of its own, as an interrupt would close the channel mid-write, and the
     * answer is awaited through interrupts, which are kept for the task to see afterwards.
     */
    private Frame request(String name) throws ClassNotFoundException {
        CompletableFuture<Frame> reply = REPLIES.computeIfAbsent(name, n -> new CompletableFuture<>());
        byte[] payload = ClassRequestFrame.encode(callId, name);
        REQUESTS.execute(() -> {
            try {
                channel.write(Frame.CLASS_REQUEST, payload, payload.length);
            } catch (IOException e) {
                reply.completeExceptionally(e);
            }
        });
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REPLY_TIMEOUT_SECONDS);
        try {
            while (true) {
                try {
                    return reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;   // the class is needed all the same; the task sees the interrupt after
                }
            }
        } catch (ExecutionException | TimeoutException e) {   // the channel broke, or no answer came in time
            throw new ClassNotFoundException(name + ": the caller did not send it (" + e + ")", e);
        } finally {
            REPLIES.remove(name, reply);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sets the static fields the parent sent: a Kryo instance of its own, as this may run mid-read. */
    private void setStatics(Class<?> type, byte[] statics) {
        WireKryo kryo = new WireKryo(this);
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) kryo.readClassAndObject(new Input(statics));
        for (Map.Entry<String, Object> value : values.entrySet()) {
            try {
                Field field = type.getDeclaredField(value.getKey());
                if (Modifier.isStatic(field.getModifiers()) && !Modifier.isFinal(field.getModifiers())) {
                    field.setAccessible(true);
                    field.set(null, value.getValue());
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.err.println("jparallel: cannot set " + type.getName() + "." + value.getKey()
                        + " in the worker: " + e);
            }
        }
    }
}
