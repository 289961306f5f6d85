package org.jparallel.runtime.pool;

import org.jparallel.internal.TerminalLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Copies a worker's stdout or stderr to this JVM's {@code System.out} or {@code System.err}, a
 * whole line at a time so that lines of different workers never mix (nor a progress bar: see
 * {@link TerminalLine}), and counts what it copied so
 * that a call can wait until the output of its tasks is printed before it returns.
 */
final class OutputPump implements Runnable {
    private final InputStream in;
    private final Supplier<PrintStream> target;   // looked up per line: the user may replace System.out
    private long copied;

    OutputPump(InputStream in, Supplier<PrintStream> target) {
        this.in = in;
        this.target = target;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        byte[] line = new byte[8192];
        int lineLength = 0;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (lineLength == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[lineLength++] = buffer[i];
                    if (buffer[i] == '\n') {
                        emit(line, lineLength);
                        lineLength = 0;
                    }
                }
                // A partial line with nothing more to come soon (a prompt, a progress dot): show it.
                if (lineLength > 0 && in.available() == 0) {
                    emit(line, lineLength);
                    lineLength = 0;
                }
            }
        } catch (IOException ignored) {
            // the worker's end of the pipe is gone: so is the worker
        }
        if (lineLength > 0) {
            emit(line, lineLength);
        }
        synchronized (this) {
            copied = Long.MAX_VALUE;   // nothing more will come: never make a caller wait
            notifyAll();
        }
    }

    private void emit(byte[] bytes, int length) {
        PrintStream out = target.get();
        TerminalLine.writeAround(() -> {
            synchronized (out) {
                out.write(bytes, 0, length);
                out.flush();
            }
        });
        synchronized (this) {
            copied += length;
            notifyAll();
        }
    }

    /** Waits until {@code bytes} bytes have been copied, or at most {@code maxMillis}. */
    synchronized void awaitCopied(long bytes, long maxMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxMillis;
        while (copied < bytes) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }
}
