package org.jparallel.spark;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.RemoteTaskException;
import org.jparallel.memmap.Handle;
import org.jparallel.memmap.SharedArray;
import org.jparallel.runtime.serial.DumpContext;
import org.jparallel.runtime.serial.SharedArraySerializer;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What Spark carries for us, always as {@code byte[]} (Spark's own serializers never see a user
 * object, so Spark's Kryo 4 and our Kryo 5 never meet an object of the other).
 *
 * <pre>
 * function    : Kryo(Fn)                                        once per call, in the job's closure
 * partition   : varlong firstIndex | Kryo(List args)            one RDD element per partition
 * outcome     : byte 0 | string where | varlong nanos | Kryo(List results)
 *             | byte 1 | string where | varlong failedIndex | string class | string message
 *               | int n | n bytes Kryo(Throwable), or n = 0 if it could not be written
 * </pre>
 *
 * Shared arrays: a heap array (a Java primitive array or a heap shared array) over the call's
 * {@code maxBytes} goes to the call's {@link DumpContext}, whose dumper ships it once per application
 * and content ({@link ShippedFiles#shipArray}), and travels as the handle of that file; smaller ones,
 * and every result, travel as their bytes inside these blocks. A memory-mapped array travels as its
 * handle, whose file other machines do not have: each one written is handed to a {@link Mapped}
 * policy, which ships a read-only one ({@link ShippedFiles}) or refuses it; the executor reads
 * handles through the map of shipped files.
 */
final class Encoding {
    private static final byte SUCCESS = 0;
    private static final byte FAILURE = 1;

    private static final ThreadLocal<WireKryo> KRYO = ThreadLocal.withInitial(
            () -> new WireKryo(Encoding.class.getClassLoader()));

    private Encoding() {
    }

    /** What to do with each memory-mapped array a value holds: ship it, or throw. */
    interface Mapped {
        void sent(SharedArray array, String what);
    }

    /** Refuses every mapped array (results of executors, whose files live there). */
    static final Mapped REFUSE = (array, what) -> {
        throw new MappedArrayException(what + " holds a memory-mapped array (" + array.handle().orElseThrow().file()
                + "), a file of the executor's machine: return a heap copy instead (DoubleArray.of(array.toArray())"
                + " and the like)");
    };

    /** Thrown when a value holds a memory-mapped shared array, which cannot reach another machine. */
    static final class MappedArrayException extends IllegalArgumentException {
        MappedArrayException(String message) {
            super(message);
        }
    }

    /**
     * Writes {@code value} with our Kryo; refuses memory-mapped shared arrays.
     *
     * @param what for messages ("the function", "the argument of task 7")
     */
    static byte[] encode(Object value, ClassLoader loader, String what, Mapped mapped) {
        return encode(value, loader, what, mapped, null);
    }

    /** The same; heap arrays over the call's {@code maxBytes} go to {@code dumps} (null: inline). */
    static byte[] encode(Object value, ClassLoader loader, String what, Mapped mapped, DumpContext dumps) {
        Output out = new Output(4096, -1);
        write(out, value, loader, what, mapped, dumps);
        return out.toBytes();
    }

    private static void write(Output out, Object value, ClassLoader loader, String what, Mapped policy,
                              DumpContext dumps) {
        WireKryo kryo = KRYO.get();
        kryo.setClassLoader(loader);
        List<Object> mapped = new ArrayList<>();
        kryo.getContext().put(SharedArraySerializer.SENT_MAPPED, mapped);
        if (dumps != null) {
            kryo.getContext().put(DumpContext.KEY, dumps);
        }
        try {
            kryo.writeClassAndObject(out, value);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {   // Kryo wraps what a nested serializer throws
                if (t instanceof MappedArrayException refused) {
                    throw new MappedArrayException(what + " holds " + refused.getMessage());
                }
            }
            throw e;
        } finally {
            kryo.getContext().remove(SharedArraySerializer.SENT_MAPPED);
            kryo.getContext().remove(DumpContext.KEY);
            kryo.reset();
        }
        for (Object array : mapped) {
            policy.sent((SharedArray) array, what);
        }
    }

    /** The refusal of a writable mapped array, which executors could never write back to this machine. */
    static MappedArrayException writable(SharedArray array, String what) {
        Handle h = array.handle().orElseThrow();
        return new MappedArrayException(what + " holds a writable memory-mapped array (" + h.file() + ", mode "
                + h.mode() + "): on a Spark cluster tasks run on other machines, where writes to it (set, fill,"
                + " addAndGet and other atomics, an output memmap) could never reach this one. Return the results"
                + " from the tasks instead (map gives them back in argument order) and write them here");
    }

    static Object decode(byte[] bytes, ClassLoader loader) {
        return read(new Input(bytes), loader, null);
    }

    /** Reads with {@code files} (handles' files as the caller named them, to where they are here), if not null. */
    static Object decode(byte[] bytes, ClassLoader loader, Function<Path, Path> files) {
        return read(new Input(bytes), loader, files);
    }

    private static Object read(Input in, ClassLoader loader, Function<Path, Path> files) {
        WireKryo kryo = KRYO.get();
        kryo.setClassLoader(loader);
        if (files != null) {
            kryo.getContext().put(SharedArraySerializer.FILE_MAP, files);
        }
        try {
            return kryo.readClassAndObject(in);
        } finally {
            kryo.getContext().remove(SharedArraySerializer.FILE_MAP);
            kryo.reset();
        }
    }

    // ---------------------------------------------------------------- partitions

    static byte[] encodeBatch(Batch batch, ClassLoader loader, Mapped mapped, DumpContext dumps) {
        Output out = new Output(4096, -1);
        out.writeVarLong(batch.firstIndex(), true);
        try {
            write(out, batch.args(), loader, "the arguments of tasks " + batch.firstIndex() + " to "
                    + (batch.firstIndex() + batch.size() - 1), mapped, dumps);
        } catch (RuntimeException batchFailed) {
            for (int i = 0; i < batch.size(); i++) {   // name the very argument that does not travel
                encode(batch.args().get(i), loader, "the argument of task " + (batch.firstIndex() + i), mapped, dumps);
            }
            throw batchFailed;
        }
        return out.toBytes();
    }

    @SuppressWarnings("unchecked")
    static Batch decodeBatch(byte[] bytes, ClassLoader loader, Function<Path, Path> files) {
        Input in = new Input(bytes);
        long first = in.readVarLong(true);
        return new Batch(first, (List<Object>) read(in, loader, files));
    }

    // ---------------------------------------------------------------- outcomes

    /** On an executor: the outcome of a partition; a result that cannot travel becomes the task's failure. */
    static byte[] encodeOutcome(BatchOutcome outcome, ClassLoader loader) {
        if (!outcome.failed()) {
            Output out = new Output(4096, -1);
            out.writeByte(SUCCESS);
            out.writeString(outcome.where());
            out.writeVarLong(outcome.nanos(), true);
            try {
                write(out, outcome.results(), loader, "a result of tasks " + outcome.batch().firstIndex() + " to "
                        + (outcome.batch().firstIndex() + outcome.batch().size() - 1), REFUSE, null);
                return out.toBytes();
            } catch (RuntimeException e) {
                long index = outcome.batch().firstIndex();
                for (Object result : outcome.results()) {
                    try {
                        encode(result, loader, "the result of task " + index, REFUSE);
                    } catch (RuntimeException thisOne) {
                        return encodeFailure(index, new IllegalStateException("the result of task " + index
                                + " cannot be sent back from the executor: " + thisOne.getMessage(), thisOne),
                                outcome.where(), loader);
                    }
                    index++;
                }
                return encodeFailure(outcome.batch().firstIndex(), new IllegalStateException(
                        "the results cannot be sent back from the executor: " + e.getMessage(), e), outcome.where(), loader);
            }
        }
        return encodeFailure(outcome.failedIndex(), outcome.failure(), outcome.where(), loader);
    }

    static byte[] encodeFailure(long index, Throwable failure, String where, ClassLoader loader) {
        Output out = new Output(4096, -1);
        out.writeByte(FAILURE);
        out.writeString(where);
        out.writeVarLong(index, true);
        out.writeString(failure.getClass().getName());
        out.writeString(failure.getMessage());
        byte[] block;
        try {
            block = encode(failure, loader, "the exception of task " + index, REFUSE);
        } catch (RuntimeException | LinkageError notSerializable) {
            block = encode(standIn(failure), loader, "the exception of task " + index, REFUSE);
        }
        out.writeInt(block.length);
        out.writeBytes(block);
        return out.toBytes();
    }

    /** An exception that does not serialize: its class name, message and stack, chained likewise. */
    private static RemoteTaskException standIn(Throwable t) {
        RemoteTaskException e = new RemoteTaskException(t.getClass().getName(), t.getMessage(), t.getStackTrace());
        if (t.getCause() != null && t.getCause() != t) {
            e.initCause(standIn(t.getCause()));
        }
        return e;
    }

    /** On the caller: the outcome of {@code batch}'s partition, results and exceptions read with {@code loader}. */
    @SuppressWarnings("unchecked")
    static BatchOutcome decodeOutcome(Batch batch, byte[] bytes, ClassLoader loader) {
        Input in = new Input(bytes);
        byte kind = in.readByte();
        String where = in.readString();
        if (kind == SUCCESS) {
            long nanos = in.readVarLong(true);
            try {
                return BatchOutcome.success(batch, (List<Object>) read(in, loader, null), where, nanos);
            } catch (RuntimeException e) {
                return BatchOutcome.failure(batch, new IllegalStateException("a result of tasks from "
                        + batch.firstIndex() + " cannot be read in this JVM: " + e.getMessage(), e),
                        batch.firstIndex(), where);
            }
        }
        long index = in.readVarLong(true);
        String className = in.readString();
        String message = in.readString();
        byte[] block = in.readBytes(in.readInt());
        Throwable failure;
        try {
            failure = (Throwable) decode(block, loader);
        } catch (RuntimeException unknownClass) {
            failure = new RemoteTaskException(className, message, new StackTraceElement[0]);
        }
        return BatchOutcome.failure(batch, failure, index, where);
    }
}
