package org.jparallel.runtime.worker;

import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.Frame;
import org.jparallel.runtime.wire.HelloFrame;
import org.jparallel.runtime.wire.Status;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of a worker JVM.
 *
 * <p>Arguments: the parent's socket path, the status file, the parent's pid and start time, and
 * the temp folders the parent may use. The first line on stdin is the token that proves to the
 * parent that this process is the one it started.
 *
 * <p>Threads: <b>lifeline</b> ({@link Lifeline}) blocks on stdin, whose only writer is the parent:
 * end of file means the parent died (SIGKILL included), and the worker removes the parent's temp
 * folders and halts within milliseconds. <b>reader</b> ({@link ChannelReader}) takes frames off the
 * channel, so a CANCEL is seen while a task runs. <b>main</b> ({@link BatchLoop}) runs batches one
 * after the other and sends their outcomes. A CANCEL interrupts main only while it runs tasks
 * ({@link TaskInterrupts}): an interrupt during its channel I/O would close the channel and kill
 * the worker.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--train")) {
            Rehearsal.run();   // loads what a worker loads, for the start-up archive; then exits normally
            return;
        }
        Path socketPath = Path.of(args[0]);
        Path statusFile = Path.of(args[1]);
        long parentPid = Long.parseLong(args[2]);
        long parentStart = Long.parseLong(args[3]);
        List<Path> parentBases = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            parentBases.add(Path.of(args[i]));
        }
        Lifeline lifeline = new Lifeline(parentPid, parentStart, parentBases);
        // stdin belongs to the lifeline: the token, then nothing until the parent's end.
        InputStream stdin = new FileInputStream(FileDescriptor.in);
        String token = Lifeline.readToken(stdin);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        CountingOutputStream out = new CountingOutputStream(new FileOutputStream(FileDescriptor.out));
        CountingOutputStream err = new CountingOutputStream(new FileOutputStream(FileDescriptor.err));
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));

        Status status = Status.open(statusFile);
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof OutOfMemoryError) {
                Lifeline.outOfMemory(status);
            }
            System.err.print("Exception in thread \"" + t.getName() + "\" ");   // what the JVM would print
            e.printStackTrace();
        });
        lifeline.start(stdin);

        Channel channel = new Channel(SocketChannel.open(UnixDomainSocketAddress.of(socketPath)));
        byte[] hello = HelloFrame.encode(token, ProcessHandle.current().pid());
        channel.write(Frame.HELLO, hello, hello.length);

        BatchLoop batches = new BatchLoop(channel, status, out, err, lifeline::parentGone);
        batches.useLoaderFor(-1);
        ChannelReader.start(channel, batches, lifeline);
        batches.run();
    }
}
