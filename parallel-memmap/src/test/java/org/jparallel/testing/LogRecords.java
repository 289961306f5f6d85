package org.jparallel.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What a logger publishes while this is open: {@code try (LogRecords log = LogRecords.of("org.jparallel")) {...}},
 * then {@link #records()}. The handler is removed at close.
 */
public final class LogRecords implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogRecords(String name) {
        logger = Logger.getLogger(name);
        logger.addHandler(handler);
    }

    public static LogRecords of(String loggerName) {
        return new LogRecords(loggerName);
    }

    /** The records published so far; live, safe to read while more arrive. */
    public List<LogRecord> records() {
        return records;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
