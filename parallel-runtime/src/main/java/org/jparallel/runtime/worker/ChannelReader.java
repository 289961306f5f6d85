package org.jparallel.runtime.worker;

import org.jparallel.runtime.wire.CancelFrame;
import org.jparallel.runtime.wire.Channel;
import org.jparallel.runtime.wire.Frame;

import java.io.IOException;

/**
 * The worker's <b>jparallel-reader</b> thread: takes frames off the channel as they come, so that
 * a CANCEL or a REVOKE is seen while a task runs, and hands them to the {@link BatchLoop}, the
 * class loader waiting for a class, or the {@link Lifeline}. Nothing interrupts this thread, so
 * it may write the REVOKED answer itself.
 */
final class ChannelReader {
    private ChannelReader() {
    }

    static void start(Channel channel, BatchLoop batches, Lifeline lifeline) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Frame frame = channel.read();
                    switch (frame.type()) {
                        case Frame.BATCH -> batches.add(frame);
                        case Frame.CANCEL -> batches.cancel(CancelFrame.callId(frame.payload()));
                        case Frame.FORGET -> batches.forget(frame.payload());
                        case Frame.EXIT -> Lifeline.retire();
                        case Frame.CLASS_BYTES -> ShippingClassLoader.answer(frame);
                        case Frame.REVOKE -> batches.revoke(frame.payload());
                        default -> throw new IOException("unknown frame type " + frame.type());
                    }
                }
            } catch (IOException e) {
                lifeline.parentGone();
            }
        }, "jparallel-reader");
        t.setDaemon(true);
        t.start();
    }
}
