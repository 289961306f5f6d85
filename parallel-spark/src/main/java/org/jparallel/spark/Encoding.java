package org.jparallel.spark;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.jparallel.RemoteTaskException;
import org.jparallel.memmap.Handle;
import org.jparallel.memmap.MmapMode;
import org.jparallel.memmap.SharedArray;
import org.jparallel.runtime.serial.SharedArraySerializer;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;

import java.util.ArrayList;
import java.util.List;

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
 * Shared arrays: no dump context is set, so heap arrays travel as their bytes inside these blocks;
 * a memory-mapped array would travel as the name of a file that other machines do not have, so
 * {@link #encode} refuses it.
 */
final class Encoding {
    private static final byte SUCCESS = 0;
    private static final byte FAILURE = 1;

    private static final ThreadLocal<WireKryo> KRYO = ThreadLocal.withInitial(
            () -> new WireKryo(Encoding.class.getClassLoader()));

    private Encoding() {
    }

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
    static byte[] encode(Object value, ClassLoader loader, String what) {
        Output out = new Output(4096, -1);
        write(out, value, loader, what);
        return out.toBytes();
    }

    private static void write(Output out, Object value, ClassLoader loader, String what) {
        WireKryo kryo = KRYO.get();
        kryo.setClassLoader(loader);
        List<Object> mapped = new ArrayList<>();
        kryo.getContext().put(SharedArraySerializer.SENT_MAPPED, mapped);
        try {
            kryo.writeClassAndObject(out, value);
        } finally {
            kryo.getContext().remove(SharedArraySerializer.SENT_MAPPED);
            kryo.reset();
        }
        if (!mapped.isEmpty()) {
            throw refusal((SharedArray) mapped.get(0), what);
        }
    }

    private static MappedArrayException refusal(SharedArray array, String what) {
        Handle h = array.handle().orElseThrow();
        if (h.mode() == MmapMode.READ_ONLY) {
            return new MappedArrayException(what + " holds a read-only memory-mapped array (" + h.file() + "), and"
                    + " the Spark backend does not ship mapped files to executors yet: a mapping is a file of this"
                    + " machine. Pass a heap copy instead (DoubleArray.of(array.toArray()) and the like; it travels"
                    + " with the call), or put the file where every executor can read it and open it inside the"
                    + " task with Memmap.load...(path, MmapMode.READ_ONLY)");
        }
        return new MappedArrayException(what + " holds a writable memory-mapped array (" + h.file() + ", mode "
                + h.mode() + "): on a Spark cluster tasks run on other machines, where writes to it (set, fill,"
                + " addAndGet and other atomics, an output memmap) could never reach this one. Return the results"
                + " from the tasks instead (map gives them back in argument order) and write them here");
    }

    static Object decode(byte[] bytes, ClassLoader loader) {
        return read(new Input(bytes), loader);
    }

    private static Object read(Input in, ClassLoader loader) {
        WireKryo kryo = KRYO.get();
        kryo.setClassLoader(loader);
        try {
            return kryo.readClassAndObject(in);
        } finally {
            kryo.reset();
        }
    }

    // ---------------------------------------------------------------- partitions

    static byte[] encodeBatch(Batch batch, ClassLoader loader) {
        Output out = new Output(4096, -1);
        out.writeVarLong(batch.firstIndex(), true);
        try {
            write(out, batch.args(), loader, "the arguments of tasks " + batch.firstIndex() + " to "
                    + (batch.firstIndex() + batch.size() - 1));
        } catch (RuntimeException batchFailed) {
            for (int i = 0; i < batch.size(); i++) {   // name the very argument that does not travel
                encode(batch.args().get(i), loader, "the argument of task " + (batch.firstIndex() + i));
            }
            throw batchFailed;
        }
        return out.toBytes();
    }

    @SuppressWarnings("unchecked")
    static Batch decodeBatch(byte[] bytes, ClassLoader loader) {
        Input in = new Input(bytes);
        long first = in.readVarLong(true);
        return new Batch(first, (List<Object>) read(in, loader));
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
                        + (outcome.batch().firstIndex() + outcome.batch().size() - 1));
                return out.toBytes();
            } catch (RuntimeException e) {
                long index = outcome.batch().firstIndex();
                for (Object result : outcome.results()) {
                    try {
                        encode(result, loader, "the result of task " + index);
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
            block = encode(failure, loader, "the exception of task " + index);
        } catch (RuntimeException | LinkageError notSerializable) {
            block = encode(standIn(failure), loader, "the exception of task " + index);
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
                return BatchOutcome.success(batch, (List<Object>) read(in, loader), where, nanos);
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
