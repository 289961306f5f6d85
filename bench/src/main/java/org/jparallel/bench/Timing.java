package org.jparallel.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** Repeated timed runs and their summary, {median, min, max, n}, as every figure of {@link VsJoblib} is kept. */
final class Timing {
    private Timing() {
    }

    /** Runs {@code warmup} times untimed, then {@code runs} times timed; seconds. */
    static List<Double> repeat(int runs, int warmup, Runnable r) {
        return repeat(runs, warmup, r, () -> { });
    }

    /** The same, running {@code before} untimed before each timed run. */
    static List<Double> repeat(int runs, int warmup, Runnable r, Runnable before) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            before.run();
            long start = System.nanoTime();
            r.run();
            out.add((System.nanoTime() - start) / 1e9);
        }
        return out;
    }

    static List<Double> scale(List<Double> xs, double factor) {
        return xs.stream().map(x -> x * factor).collect(Collectors.toList());
    }

    /** {median, min, max, n}. */
    static double[] stats(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        double median = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        return new double[] {median, s.get(0), s.get(n - 1), n};
    }
}
