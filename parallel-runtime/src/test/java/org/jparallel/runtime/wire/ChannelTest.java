package org.jparallel.runtime.wire;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Framing over a real Unix domain socket: frames keep their bounds, whatever their size. */
class ChannelTest {
    private final Path dir;
    private final Channel a;
    private final Channel b;

    ChannelTest() throws IOException {
        dir = Files.createTempDirectory("channel-test");
        Path socket = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            a = new Channel(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            b = new Channel(server.accept());
        }
    }

    @AfterEach
    void close() throws IOException {
        a.close();
        b.close();
        Files.deleteIfExists(dir.resolve("s"));
        Files.deleteIfExists(dir);
    }

    @Test
    void smallFramesArriveWholeAndInOrder() throws IOException {
        a.write(Frame.CANCEL, CancelFrame.encode(1));
        a.write(Frame.EXIT);
        a.write(Frame.BATCH, BatchFrame.header(2, 3, 0), new byte[0], new byte[] {9, 8});
        byte[] longer = {1, 2, 3, 4};
        a.write(Frame.REVOKE, longer, 2);   // only the first two bytes

        Frame cancel = b.read();
        assertEquals(Frame.CANCEL, cancel.type());
        assertEquals(1, CancelFrame.callId(cancel.payload()));
        Frame exit = b.read();
        assertEquals(Frame.EXIT, exit.type());
        assertEquals(0, exit.payload().length);
        Frame batch = b.read();
        assertEquals(Frame.BATCH, batch.type());
        assertEquals(2, BatchFrame.callId(batch.payload()));
        assertEquals(3, BatchFrame.firstIndex(batch.payload()));
        assertArrayEquals(new byte[] {9, 8}, Arrays.copyOfRange(batch.payload(), BatchFrame.FUNCTION, batch.payload().length));
        assertArrayEquals(new byte[] {1, 2}, b.read().payload());
    }

    @Test
    void aFrameLargerThanASliceArrivesWhole() throws Exception {
        byte[] big = new byte[3 * Channel.SLICE + 17];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                a.write(Frame.RESULT, new byte[] {7}, big);
                a.write(Frame.HELLO, new byte[] {5});
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Frame frame = b.read();
        assertEquals(Frame.RESULT, frame.type());
        assertEquals(big.length + 1, frame.payload().length);
        assertEquals(7, frame.payload()[0]);
        assertArrayEquals(big, Arrays.copyOfRange(frame.payload(), 1, frame.payload().length));
        assertArrayEquals(new byte[] {5}, b.read().payload());
        sent.get();
    }

    @Test
    void arraysAfterThePayloadArriveWholeTypedAndInOrder() throws Exception {
        // Lengths around the bulk step (in elements: 32768 doubles, 65536 ints), and odd ones.
        double[] doubles = new double[3 * Channel.BULK / 8 + 5];
        for (int i = 0; i < doubles.length; i++) {
            doubles[i] = i * 0.5 - 7;
        }
        doubles[1] = Double.NaN;
        doubles[2] = Double.NEGATIVE_INFINITY;
        doubles[3] = -0.0;
        float[] floats = {1.5f, -2.25f, Float.MAX_VALUE, Float.MIN_VALUE};
        long[] longs = new long[Channel.BULK / 8];
        for (int i = 0; i < longs.length; i++) {
            longs[i] = Long.MIN_VALUE + 31L * i;
        }
        int[] ints = new int[Channel.BULK / 4 + 1];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = i * -977;
        }
        byte[] bytes = new byte[Channel.BULK + 3];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        List<Object> arrays = List.of(doubles, new double[0], floats, longs, ints, new int[0], bytes, new byte[] {-1});
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                a.write(Frame.CANCEL, CancelFrame.encode(4));
                a.write(Frame.RESULT, new byte[] {9, 8, 7}, 2, arrays);
                a.write(Frame.RESULT, new byte[0], 0, List.of(new long[] {42}));
                a.write(Frame.HELLO, new byte[] {5});
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(4, CancelFrame.callId(b.read().payload()));
        Frame frame = b.read();
        assertEquals(Frame.RESULT, frame.type());
        assertArrayEquals(new byte[] {9, 8}, frame.payload());
        assertEquals(arrays.size(), frame.arrays().length);
        assertArrayEquals(doubles, (double[]) frame.arrays()[0]);
        assertArrayEquals(new double[0], (double[]) frame.arrays()[1]);
        assertArrayEquals(floats, (float[]) frame.arrays()[2]);
        assertArrayEquals(longs, (long[]) frame.arrays()[3]);
        assertArrayEquals(ints, (int[]) frame.arrays()[4]);
        assertArrayEquals(new int[0], (int[]) frame.arrays()[5]);
        assertArrayEquals(bytes, (byte[]) frame.arrays()[6]);
        assertArrayEquals(new byte[] {-1}, (byte[]) frame.arrays()[7]);
        Frame onlyArrays = b.read();
        assertEquals(Frame.RESULT, onlyArrays.type());
        assertEquals(0, onlyArrays.payload().length);
        assertArrayEquals(new long[] {42}, (long[]) onlyArrays.arrays()[0]);
        Frame after = b.read();
        assertEquals(Frame.HELLO, after.type());
        assertArrayEquals(new byte[] {5}, after.payload());
        assertEquals(0, after.arrays().length);
        sent.get();
    }

    @Test
    void anEmptyListOfArraysIsAPlainFrame() throws IOException {
        a.write(Frame.RESULT, new byte[] {1, 2}, 2, List.of());
        Frame frame = b.read();
        assertEquals(Frame.RESULT, frame.type());
        assertArrayEquals(new byte[] {1, 2}, frame.payload());
        assertEquals(0, frame.arrays().length);
    }

    @Test
    void anArrayOfAnotherTypeIsRefusedBeforeAnythingIsSent() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.write(Frame.RESULT, new byte[0], 0, List.of(new double[1], new short[2])));
        assertTrue(e.getMessage().contains("short[]"), e.getMessage());
        a.write(Frame.HELLO, new byte[] {3});   // the channel is still in step
        assertArrayEquals(new byte[] {3}, b.read().payload());
    }

    @Test
    void theOtherSideClosingIsAnEndOfFile() {
        a.close();
        assertThrows(EOFException.class, b::read);
    }
}
