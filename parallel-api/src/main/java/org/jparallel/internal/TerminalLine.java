package org.jparallel.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The progress bar's line at the bottom of a terminal. Output lines (the workers' and the verbose
 * ones) are written around it: the bar is erased, the line written, the bar drawn again, so a
 * line never ends up glued to a bar.
 */
public final class TerminalLine {
    private static final String ERASE = "\r\033[K";
    private static final boolean STDERR_IS_TERMINAL = detectTerminal();
    private static String drawn;   // guarded by TerminalLine.class

    private TerminalLine() {
    }

    /** Whether this JVM's stderr is a terminal that understands carriage return and erase-line. */
    public static boolean stderrIsTerminal() {
        return STDERR_IS_TERMINAL;
    }

    private static boolean detectTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException notLinux) {
            return false;
        }
    }

    static synchronized void draw(String bar) {
        PrintStream err = System.err;
        err.print("\r" + bar + "\033[K");
        err.flush();
        drawn = bar;
    }

    static synchronized void erase() {
        if (drawn != null) {
            System.err.print(ERASE);
            System.err.flush();
            drawn = null;
        }
    }

    /** Runs {@code write} (which writes and flushes whole lines) with the bar out of the way. */
    public static synchronized void writeAround(Runnable write) {
        if (drawn == null) {
            write.run();
            return;
        }
        System.err.print(ERASE);
        System.err.flush();
        write.run();
        System.err.print("\r" + drawn + "\033[K");
        System.err.flush();
    }
}
