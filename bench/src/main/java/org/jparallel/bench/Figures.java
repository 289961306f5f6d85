package org.jparallel.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one side of {@link VsJoblib} measured: figures by key (as {@link Timing#stats}: {median, min, max,
 * n}), how some of them break down, and the workloads that failed (by workload name, or {@code script}
 * when the whole joblib script failed).
 */
final class Figures {
    final Map<String, double[]> figs = new LinkedHashMap<>();
    final Map<String, String> details = new HashMap<>();
    final Map<String, String> fails = new LinkedHashMap<>();

    void put(String key, double[] stats) {
        figs.put(key, stats);
    }

    double[] get(String key) {
        return figs.get(key);
    }

    void detail(String key, String text) {
        details.put(key, text);
    }

    void fail(String workload, String message) {
        fails.put(workload, message);
    }

    boolean failed(String workload) {
        return fails.containsKey(workload) || fails.containsKey("script");
    }
}
