package org.jparallel.bench;

import org.jparallel.Parallel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;

/**
 * The core's costs, as medians of repeated runs with 2 workers:
 * <ul>
 *   <li>pool start: the first call after {@code shutdownWorkers()}, JVM start and handshake included;</li>
 *   <li>warm call: a 2-task call on a running pool;</li>
 *   <li>per task, one task per batch: 2,000 tasks with {@code batchSize(1)};</li>
 *   <li>per task, automatic batching: 100,000 calls of Math.sqrt.</li>
 * </ul>
 * <pre>
 * ./dev.sh sample >/dev/null   # builds everything
 * java -cp "bench/target/jparallel-bench.jar:bench/target/lib/*" org.jparallel.bench.CoreFigures
 * </pre>
 */
public final class CoreFigures {
    public static void main(String[] args) {
        List<Integer> two = List.of(1, 2);
        List<Integer> twoThousand = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
        List<Double> hundredThousand = IntStream.range(0, 100_000).asDoubleStream().boxed().collect(Collectors.toList());

        double poolStartMs = median(5, () -> {
            Parallel.shutdownWorkers();
            return time(() -> Parallel.of(2).map(delayed((Integer x) -> x), two));
        }) / 1e6;
        // Warm up the JIT on both sides: the first few thousand round trips run interpreted code.
        for (int i = 0; i < 10; i++) {
            Parallel.of(2).batchSize(1).map(delayed((Integer x) -> x), twoThousand);
            Parallel.of(2).map(delayed(Math::sqrt), hundredThousand);
        }
        double warmMs = median(500, () -> time(() -> Parallel.of(2).map(delayed((Integer x) -> x), two))) / 1e6;
        double perTaskOneByOneUs = median(11, () -> time(() ->
                Parallel.of(2).batchSize(1).map(delayed((Integer x) -> x), twoThousand))) / 1e3 / twoThousand.size();
        double perTaskAutoUs = median(11, () -> time(() ->
                Parallel.of(2).map(delayed(Math::sqrt), hundredThousand))) / 1e3 / hundredThousand.size();
        Parallel.shutdownWorkers();

        System.out.printf("jparallel core figures (medians; 2 workers; JDK %s; %d cores)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf("  pool start (first call, 2 fresh workers) %8.1f ms%n", poolStartMs);
        System.out.printf("  warm call (2 tasks)                      %8.3f ms%n", warmMs);
        System.out.printf("  per task, one task per batch (2,000)     %8.1f us%n", perTaskOneByOneUs);
        System.out.printf("  per task, automatic batching (100,000)   %8.2f us%n", perTaskAutoUs);
    }

    private static long time(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }

    static double median(int runs, LongSupplier sample) {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            samples.add(sample.getAsLong());
        }
        Collections.sort(samples);
        return samples.size() % 2 == 1 ? samples.get(samples.size() / 2)
                : (samples.get(samples.size() / 2 - 1) + samples.get(samples.size() / 2)) / 2.0;
    }
}
