package org.jparallel.runtime.worker;

import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import org.jparallel.Fn;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.jparallel.memmap.TempFolders;
import org.jparallel.runtime.serial.WireKryo;
import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.Frame;
import org.jparallel.runtime.wire.Status;
import org.jparallel.spi.Batch;
import org.jparallel.internal.LocalBatch;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a worker does in its first call, without a parent: a frame over a Unix socket, a lambda
 * and common arguments through Kryo, a batch run, a mapped status and shared array. Run with
 * {@code -XX:ArchiveClassesAtExit} to make the start-up archive of the classes this loads
 * (see {@code StartupArchive}).
 */
final class Rehearsal {
    private Rehearsal() {
    }

    static void run() throws Exception {
        Path dir = TempFolders.newFolder(Path.of(System.getProperty("java.io.tmpdir")), "rehearsal");
        Path socketFile = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketFile));
            try (Channel out = new Channel(SocketChannel.open(UnixDomainSocketAddress.of(socketFile)));
                 Channel in = new Channel(server.accept())) {
                WireKryo kryo = new WireKryo(Rehearsal.class.getClassLoader());
                Output o = new Output(4096, -1);
                int offset = 1;
                Fn<Object, Object> fn = x -> x.hashCode() + offset;
                Map<String, Object> map = new HashMap<>(Map.of("k", 1.5, "l", List.of(1L, "s")));
                kryo.writeClassAndObject(o, fn);
                kryo.writeClassAndObject(o, new ArrayList<>(List.of(1, 2.0, "three", map, new int[3], new double[3])));
                out.write(Frame.BATCH, o.getBuffer(), o.position());
                Input i = new Input(in.read().payload());
                @SuppressWarnings("unchecked")
                Fn<Object, Object> back = (Fn<Object, Object>) kryo.readClassAndObject(i);
                @SuppressWarnings("unchecked")
                List<Object> args = (List<Object>) kryo.readClassAndObject(i);
                LocalBatch.run(back, new Batch(0, args), () -> false, index -> { }, "rehearsal");
            }
        } finally {
            TempFolders.deleteNow(dir);
        }
        LongArray status = Memmap.longs(Status.SLOTS);
        Memmap.loadLongs(status.handle().orElseThrow().file(), MmapMode.READ_WRITE).setVolatile(0, 1);
        DoubleArray shared = Memmap.doubles(16);
        shared.sum();
        Memmap.open(shared.handle().orElseThrow()).close();
        status.close();
        shared.close();
    }
}
