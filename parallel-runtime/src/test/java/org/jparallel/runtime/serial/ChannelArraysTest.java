package org.jparallel.runtime.serial;

import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Primitive arrays written beside the Kryo bytes, and the ones that stay inside them. */
class ChannelArraysTest {
    private final WireKryo writer = new WireKryo(getClass().getClassLoader());
    private final WireKryo reader = new WireKryo(getClass().getClassLoader());

    record Holder(String name, double[] values, int[][] grid) {
    }

    /** What a worker sends: the Kryo bytes and the arrays left out of them. */
    private record Sent(byte[] bytes, List<Object> arrays) {
    }

    private Sent send(Object value) {
        Output out = new Output(256, -1);
        List<Object> arrays = ChannelArrays.collect(writer);
        try {
            writer.writeClassAndObject(out, value);
        } finally {
            ChannelArrays.clear(writer);
            writer.reset();
        }
        return new Sent(out.toBytes(), arrays);
    }

    private Object receive(Sent sent) {
        ChannelArrays.provide(reader, sent.arrays().toArray());
        try {
            return reader.readClassAndObject(new Input(sent.bytes()));
        } finally {
            ChannelArrays.clear(reader);
            reader.reset();
        }
    }

    private static double[] doubles(int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = i * 1.25 - 3;
        }
        return a;
    }

    private static long[] longs(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = Long.MAX_VALUE - 3L * i;
        }
        return a;
    }

    private static int[] ints(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = -i * 101;
        }
        return a;
    }

    private static float[] floats(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i / 3f;
        }
        return a;
    }

    private static byte[] bytes(int n) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            a[i] = (byte) (i * 13);
        }
        return a;
    }

    @Test
    void largeArraysOfEveryTypeGoBesideTheBytesAndComeBackAsThemselves() {
        double[] d = doubles(1 << 17);   // 1 MiB
        float[] f = floats(ChannelArrays.MIN_BYTES / 4);
        long[] l = longs(5000);
        int[] i = ints(70_000);
        byte[] b = bytes(ChannelArrays.MIN_BYTES);
        Sent sent = send(new ArrayList<>(List.of(d, f, l, i, b)));

        assertEquals(5, sent.arrays().size());
        for (int k = 0; k < 5; k++) {
            assertSame(List.of(d, f, l, i, b).get(k), sent.arrays().get(k), "array " + k + " is sent as it is");
        }
        assertTrue(sent.bytes().length < 100, "the Kryo bytes hold indexes, not elements: " + sent.bytes().length);

        List<?> back = (List<?>) receive(sent);
        assertArrayEquals(d, (double[]) back.get(0));
        assertArrayEquals(f, (float[]) back.get(1));
        assertArrayEquals(l, (long[]) back.get(2));
        assertArrayEquals(i, (int[]) back.get(3));
        assertArrayEquals(b, (byte[]) back.get(4));
    }

    @Test
    void smallAndEmptyArraysStayInsideTheBytes() {
        double[] justBelow = doubles(ChannelArrays.MIN_BYTES / 8 - 1);
        List<Object> values = new ArrayList<>(List.of(justBelow, new double[0], floats(3), longs(1), ints(10),
                bytes(ChannelArrays.MIN_BYTES - 1), new byte[0], new int[0]));
        Sent sent = send(values);

        assertEquals(List.of(), sent.arrays());
        List<?> back = (List<?>) receive(sent);
        assertArrayEquals(justBelow, (double[]) back.get(0));
        assertArrayEquals(new double[0], (double[]) back.get(1));
        assertArrayEquals(floats(3), (float[]) back.get(2));
        assertArrayEquals(longs(1), (long[]) back.get(3));
        assertArrayEquals(ints(10), (int[]) back.get(4));
        assertArrayEquals(bytes(ChannelArrays.MIN_BYTES - 1), (byte[]) back.get(5));
        assertArrayEquals(new byte[0], (byte[]) back.get(6));
        assertArrayEquals(new int[0], (int[]) back.get(7));
    }

    @Test
    void arraysNestedInResultsAreFoundAndPutBackWhereTheyWere() {
        double[] values = doubles(10_000);
        int[][] grid = {ints(2000), ints(3), ints(0)};
        Holder holder = new Holder("h", values, grid);
        List<Object> nested = new ArrayList<>(List.of(new ArrayList<>(List.of(longs(600))), "text"));
        Map<String, Object> map = new java.util.HashMap<>(Map.of("k", floats(4000)));
        Sent sent = send(new ArrayList<>(List.of(holder, nested, map)));

        assertEquals(4, sent.arrays().size(), "values, grid[0], the long[] and the float[]");
        List<?> back = (List<?>) receive(sent);
        Holder h = (Holder) back.get(0);
        assertEquals("h", h.name());
        assertArrayEquals(values, h.values());
        assertEquals(3, h.grid().length);
        assertArrayEquals(ints(2000), h.grid()[0]);
        assertArrayEquals(ints(3), h.grid()[1]);
        assertArrayEquals(ints(0), h.grid()[2]);
        List<?> n = (List<?>) back.get(1);
        assertArrayEquals(longs(600), (long[]) ((List<?>) n.get(0)).get(0));
        assertEquals("text", n.get(1));
        assertArrayEquals(floats(4000), (float[]) ((Map<?, ?>) back.get(2)).get("k"));
    }

    @Test
    void anArrayReturnedTwiceTravelsOnceAndComesBackAsOneArray() {
        double[] shared = doubles(4096);
        Sent sent = send(new ArrayList<>(List.of(shared, shared, new Holder("x", shared, new int[0][]))));

        assertEquals(1, sent.arrays().size());
        List<?> back = (List<?>) receive(sent);
        assertArrayEquals(shared, (double[]) back.get(0));
        assertSame(back.get(0), back.get(1));
        assertSame(back.get(0), ((Holder) back.get(2)).values());
    }

    @Test
    void withoutAChannelLargeArraysTravelInsideTheBytes() {
        double[] d = doubles(100_000);
        int[] i = ints(50_000);
        Output out = new Output(256, -1);
        writer.writeClassAndObject(out, new ArrayList<>(List.of(d, i)));
        writer.reset();
        assertTrue(out.position() > 8 * 100_000 + 4 * 50_000);

        List<?> inPlace = (List<?>) reader.readClassAndObject(new Input(out.toBytes()));
        reader.reset();
        assertArrayEquals(d, (double[]) inPlace.get(0));
        assertArrayEquals(i, (int[]) inPlace.get(1));
        // Through a stream and a small buffer, as a reader that does not hold all the bytes at once.
        List<?> streamed = (List<?>) reader.readClassAndObject(new Input(new ByteArrayInputStream(out.toBytes()), 1024));
        reader.reset();
        assertArrayEquals(d, (double[]) streamed.get(0));
        assertArrayEquals(i, (int[]) streamed.get(1));
    }

    @Test
    void aMissingArrayIsAClearError() {
        Sent sent = send(new ArrayList<>(List.of(doubles(1000))));
        KryoException e = assertThrows(KryoException.class, () -> receive(new Sent(sent.bytes(), List.of())));
        assertTrue(e.getMessage().contains("array 0 of the frame is missing or not a double[]"), e.getMessage());
        KryoException wrongType = assertThrows(KryoException.class,
                () -> receive(new Sent(sent.bytes(), List.of(new int[1000]))));
        assertTrue(wrongType.getMessage().contains("not a double[]"), wrongType.getMessage());
    }
}
