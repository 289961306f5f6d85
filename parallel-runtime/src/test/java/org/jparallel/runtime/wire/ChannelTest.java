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
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void theOtherSideClosingIsAnEndOfFile() {
        a.close();
        assertThrows(EOFException.class, b::read);
    }
}
