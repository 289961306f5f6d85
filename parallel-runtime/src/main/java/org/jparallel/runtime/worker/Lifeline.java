package org.jparallel.runtime.worker;

import org.jparallel.memmap.TempFolders;
import org.jparallel.runtime.wire.Status;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The worker's tie to its parent, and every way the worker ends.
 *
 * <p>A thread, <b>jparallel-lifeline</b>, blocks on stdin, whose only writer is the parent: end of
 * file means the parent died (SIGKILL included), and the worker removes the parent's temp folders
 * and halts within milliseconds. The channel's end means the same ({@link #parentGone}, which the
 * reader and the batch loop call too). The pool retires a worker with an EXIT frame
 * ({@link #retire}); a worker out of memory halts at once ({@link #outOfMemory}).
 */
final class Lifeline {
    private static final int EXIT_OUT_OF_MEMORY = 3;

    private final long parentPid;
    private final long parentStart;
    private final List<Path> parentBases;

    Lifeline(long parentPid, long parentStart, List<Path> parentBases) {
        this.parentPid = parentPid;
        this.parentStart = parentStart;
        this.parentBases = List.copyOf(parentBases);
    }

    /** The first line on stdin: the token that proves to the parent that this is the process it started. */
    static String readToken(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                System.exit(0);   // the parent died before it sent the token
            }
            line.append((char) c);
        }
        return line.toString();
    }

    /** Watches the rest of stdin, which stays empty until the parent's end. */
    void start(InputStream stdin) {
        Thread t = new Thread(() -> {
            try {
                while (stdin.read() >= 0) {
                    // the parent never writes after the token; keep reading until it is gone
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as end of file
            }
            parentGone();
        }, "jparallel-lifeline");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Stdin or the channel closed: the parent exited or was killed. If it is really gone, remove
     * the temp folders it can no longer remove itself (a SIGKILL runs no shutdown hook); then halt.
     * Whichever of the two sees the end first does this.
     */
    synchronized void parentGone() {
        try {
            if (!new TempFolders.Owner(parentPid, parentStart).isAlive()) {
                TempFolders.removeFoldersOwnedBy(parentPid, parentStart, parentBases);
            }
        } catch (RuntimeException e) {
            // best effort: the next start's janitor removes what is left
        }
        retire();
    }

    /** The pool retires this worker: remove the folders its tasks made (halt runs no shutdown hook), then go. */
    static void retire() {
        TempFolders.deleteAllNow();
        Runtime.getRuntime().halt(0);
    }

    /** The heap may be left in pieces: say so in the status, for the parent to tell, and let it replace us. */
    static void outOfMemory(Status status) {
        status.markOutOfMemory();
        Runtime.getRuntime().halt(EXIT_OUT_OF_MEMORY);
    }
}
