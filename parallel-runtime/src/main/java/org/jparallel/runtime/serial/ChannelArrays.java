package org.jparallel.runtime.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;

import java.util.ArrayList;
import java.util.List;

/**
 * Primitive arrays that travel beside a frame's Kryo bytes instead of inside them. While a worker
 * writes a batch's results, every {@code double[]}, {@code float[]}, {@code long[]}, {@code int[]}
 * or {@code byte[]} of at least {@link #MIN_BYTES} found anywhere in them (a result itself, a field
 * of a result, an element of a list) is written as its index in a list, and the channel then sends
 * the listed arrays after the payload in bulk; the parent reads them back as arrays first and hands
 * them to the serializer, which puts each one where its index stood.
 *
 * <pre>{@code
 * List<Object> arrays = ChannelArrays.collect(kryo);          // worker: before writing the results
 * kryo.writeClassAndObject(output, results);
 * channel.write(Frame.RESULT, output.getBuffer(), output.position(), arrays);
 *
 * ChannelArrays.provide(kryo, frame.arrays());               // parent: before reading them
 * List<?> results = (List<?>) kryo.readClassAndObject(input);
 * }</pre>
 *
 * Both calls are undone by {@link #clear}. Without them arrays travel inside the Kryo bytes, as
 * elsewhere (arguments, the Spark backend).
 */
public final class ChannelArrays {
    /** Arrays below this travel inside the Kryo bytes: their table entry and steps would cost more than the copy. */
    public static final int MIN_BYTES = 4096;
    /** Context key of the {@code List<Object>} that collects arrays on the writing side. */
    static final Object OUTGOING = new Object();
    /** Context key of the {@code Object[]} of arrays that came with the frame, on the reading side. */
    static final Object INCOMING = new Object();

    private ChannelArrays() {
    }

    /** From now until {@link #clear}, large primitive arrays that {@code kryo} writes are left out and listed here. */
    public static List<Object> collect(Kryo kryo) {
        List<Object> arrays = new ArrayList<>();
        kryo.getContext().put(OUTGOING, arrays);
        return arrays;
    }

    /** From now until {@link #clear}, {@code kryo} reads left-out arrays from {@code arrays} (a frame's). */
    public static void provide(Kryo kryo, Object[] arrays) {
        kryo.getContext().put(INCOMING, arrays);
    }

    /** Undoes {@link #collect} and {@link #provide}. */
    public static void clear(Kryo kryo) {
        kryo.getContext().remove(OUTGOING);
        kryo.getContext().remove(INCOMING);
    }
}
