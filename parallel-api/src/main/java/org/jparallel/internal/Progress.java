package org.jparallel.internal;

import java.io.PrintStream;

/**
 * joblib-style progress lines on stderr for {@code verbose(level)}: level 0 prints nothing, level 1
 * a few lines per call, higher levels more often, 10 and above after every batch.
 * <pre>
 * [jparallel] Done   40 out of  200 | elapsed 1.2s | remaining 4.8s
 * </pre>
 */
public final class Progress {
    private final int level;
    private final long total;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private long done;
    private long lastPrint;

    public Progress(int level, long total, PrintStream out) {
        this.level = level;
        this.total = total;
        this.out = out;
    }

    public static Progress silent() {
        return new Progress(0, -1, System.err);
    }

    void advance(int tasks) {
        done += tasks;
        if (level <= 0) {
            return;
        }
        long now = System.nanoTime();
        // Level 1 prints at most every 2 s, level 5 every 0.4 s, level 10 and above every batch.
        long interval = level >= 10 ? 0 : 2_000_000_000L / level;
        if (now - lastPrint >= interval) {
            lastPrint = now;
            print(now);
        }
    }

    void finish() {
        if (level > 0 && done > 0) {
            print(System.nanoTime());
        }
    }

    private void print(long now) {
        double elapsed = (now - start) / 1e9;
        StringBuilder line = new StringBuilder("[jparallel] Done ").append(done);
        if (total >= 0) {
            line.append(" out of ").append(total);
        }
        line.append(String.format(" | elapsed %.1fs", elapsed));
        if (total > 0 && done > 0 && done < total) {
            line.append(String.format(" | remaining %.1fs", elapsed / done * (total - done)));
        }
        out.println(line);
    }
}
