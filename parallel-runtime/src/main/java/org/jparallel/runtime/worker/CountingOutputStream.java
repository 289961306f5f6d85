package org.jparallel.runtime.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes a worker writes to its stdout or stderr, so that a result can say how much
 * output precedes it and the parent can print all of it before handing the result out.
 */
final class CountingOutputStream extends OutputStream {
    private final OutputStream out;
    private final AtomicLong count = new AtomicLong();

    CountingOutputStream(OutputStream out) {
        this.out = out;
    }

    long count() {
        return count.get();
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        count.incrementAndGet();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        count.addAndGet(len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
