package org.jparallel.internal;

import java.io.PrintStream;

/**
 * How a call shows its progress on stderr.
 * <ul>
 *   <li>{@code verbose(level)}: joblib-style lines, level 1 at most every 2 s, level 5 every 0.4 s,
 *       10 and above after every batch:
 *       {@code [jparallel] Done  40 out of 200 | elapsed 1.2s | remaining 4.8s}, the count padded to
 *       the width of the total</li>
 *   <li>A bar with rate and ETA, when stderr is a terminal, the number of tasks is known and the call
 *       has run for a second: {@code [jparallel] [#######-------------]  40/200  33.1 tasks/s  ETA 4.8s}.
 *       It is redrawn at most ten times a second and erased when the call ends.</li>
 * </ul>
 */
public final class Progress {
    private static final long BAR_AFTER_NANOS = 1_000_000_000L;
    private static final long BAR_EVERY_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 30;

    private final int level;
    private final boolean bar;
    private final long total;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private long done;
    private long lastLine;
    private long lastBar;
    private boolean barShown;

    public Progress(int level, boolean barWanted, long total, PrintStream out) {
        this.level = level;
        this.bar = barWanted && total > 0 && TerminalLine.stderrIsTerminal();
        this.total = total;
        this.out = out;
    }

    void advance(int tasks) {
        done += tasks;
        long now = System.nanoTime();
        if (level > 0) {
            long interval = level >= 10 ? 0 : 2_000_000_000L / level;
            if (now - lastLine >= interval) {
                lastLine = now;
                printLine(now);
            }
        }
        if (bar && now - start >= BAR_AFTER_NANOS && now - lastBar >= BAR_EVERY_NANOS) {
            lastBar = now;
            barShown = true;
            TerminalLine.draw(barText(now));
        }
    }

    void finish() {
        if (barShown) {
            TerminalLine.erase();
        }
        if (level > 0 && done > 0) {
            printLine(System.nanoTime());
        }
    }

    private void printLine(long now) {
        double elapsed = (now - start) / 1e9;
        StringBuilder line = new StringBuilder("[jparallel] Done ");
        if (total >= 0) {   // counts padded to the total's width, so that a column of lines reads as a table
            line.append(String.format("%" + Long.toString(total).length() + "d", done)).append(" out of ").append(total);
        } else {
            line.append(done);
        }
        line.append(String.format(" | elapsed %.1fs", elapsed));
        if (total > 0 && done > 0 && done < total) {
            line.append(String.format(" | remaining %.1fs", elapsed / done * (total - done)));
        }
        TerminalLine.writeAround(() -> {
            out.println(line);
            out.flush();
        });
    }

    String barText(long now) {
        double elapsed = (now - start) / 1e9;
        int filled = (int) (BAR_WIDTH * done / total);
        double rate = done / Math.max(elapsed, 1e-9);
        String eta = done == 0 ? "?" : String.format("%.1fs", (total - done) / rate);
        return "[jparallel] [" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] "
                + String.format("%,d/%,d  %.1f tasks/s  ETA %s", done, total, rate, eta);
    }
}
