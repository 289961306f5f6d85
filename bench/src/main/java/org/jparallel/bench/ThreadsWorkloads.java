package org.jparallel.bench;

import org.jparallel.Backend;
import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.DoubleMatrix;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;
import static org.jparallel.bench.RowData.MATRIX_BYTES;
import static org.jparallel.bench.RowData.ROWS_PER_TASK;
import static org.jparallel.bench.RowData.TASKS;
import static org.jparallel.bench.RowData.check;
import static org.jparallel.bench.Timing.repeat;
import static org.jparallel.bench.Timing.scale;
import static org.jparallel.bench.Timing.stats;
import static org.jparallel.bench.VsJoblib.JOBS;

/**
 * What a Java user who needs no processes would pick instead, for tiny and rowsum-shared: jparallel's
 * own THREADS backend ({@code Parallel.of(2).backend(Backend.THREADS)}, the same tasks as on
 * PROCESSES) and a plain parallel stream, as written without jparallel:
 * {@code args.parallelStream().map(Math::sqrt).collect(toList())} for tiny, and
 * {@code IntStream.range(0, 64).parallel().forEach(i -> out.set(i, m.rowSlice(...).sum()))} over the
 * same mapped matrix, writing into the same shared output, for rowsum-shared. Same warm-up and
 * repetitions as the PROCESSES figures, and the same checks of the results.
 *
 * <p>The stream gets {@value VsJoblib#JOBS} threads of work, like the 2 workers: it runs as a task of a
 * {@code ForkJoinPool} of parallelism 2, because a stream's subtasks fork into the pool of the thread
 * that runs the stream ({@code ForkJoinTask.fork}) and only fall back to the common pool outside one
 * (whose parallelism is cores - 1, plus the calling thread, which would take part). The caller only
 * waits. One more untimed run, before the warm-up, records the threads that ran its elements and
 * fails unless they are threads of that pool.
 */
final class ThreadsWorkloads {
    private static final String STREAM_THREAD = "bench-stream-";

    private final Figures jp;

    ThreadsWorkloads(Figures jp) {
        this.jp = jp;
    }

    void tinyThreads() {
        List<Double> args = JparallelWorkloads.tinyArgs();
        Parallel p = Parallel.of(JOBS).backend(Backend.THREADS);
        List<Double> samples = repeat(11, 10, () -> JparallelWorkloads.checkTiny(p.map(delayed(Math::sqrt), args),
                "tiny, THREADS backend"));
        jp.put("tiny_us_threads", stats(scale(samples, 1e6 / 100_000)));
    }

    void tinyStream() {
        List<Double> args = JparallelWorkloads.tinyArgs();
        try (StreamPool pool = new StreamPool()) {
            pool.checkThreads(() -> args.parallelStream().map(x -> {
                pool.seen();
                return Math.sqrt(x);
            }).collect(Collectors.toList()));
            List<Double> samples = repeat(11, 10, () -> JparallelWorkloads.checkTiny(
                    pool.run(() -> args.parallelStream().map(Math::sqrt).collect(Collectors.toList())),
                    "tiny, parallel stream"));
            jp.put("tiny_us_stream", stats(scale(samples, 1e6 / 100_000)));
        }
    }

    void rowsumSharedThreads(RowData.Shared shared) {
        List<Integer> blocks = IntStream.range(0, TASKS).boxed().collect(Collectors.toList());
        DoubleMatrix m = shared.matrix();
        DoubleArray out = shared.out();
        Parallel p = Parallel.of(JOBS).backend(Backend.THREADS);
        List<Double> samples = repeat(11, 2, () -> {
            out.fill(0);
            p.map(delayed((Integer i) -> {
                out.set(i, m.rowSlice((long) i * ROWS_PER_TASK, (long) (i + 1) * ROWS_PER_TASK).sum());
                return null;
            }), blocks);
            RowData.checkSums(out, "rowsum-shared, THREADS backend");
        });
        jp.put("rowsum_shared_s_threads", stats(samples));
        jp.put("rowsum_shared_gbps_threads", stats(samples.stream().map(s -> MATRIX_BYTES / s / 1e9).collect(Collectors.toList())));
    }

    void rowsumSharedStream(RowData.Shared shared) {
        DoubleMatrix m = shared.matrix();
        DoubleArray out = shared.out();
        try (StreamPool pool = new StreamPool()) {
            out.fill(0);
            pool.checkThreads(() -> {
                IntStream.range(0, TASKS).parallel().forEach(i -> {
                    pool.seen();
                    out.set(i, m.rowSlice((long) i * ROWS_PER_TASK, (long) (i + 1) * ROWS_PER_TASK).sum());
                });
                return null;
            });
            RowData.checkSums(out, "rowsum-shared, parallel stream");
            List<Double> samples = repeat(11, 2, () -> {
                out.fill(0);
                pool.run(() -> {
                    IntStream.range(0, TASKS).parallel().forEach(i ->
                            out.set(i, m.rowSlice((long) i * ROWS_PER_TASK, (long) (i + 1) * ROWS_PER_TASK).sum()));
                    return null;
                });
                RowData.checkSums(out, "rowsum-shared, parallel stream");
            });
            jp.put("rowsum_shared_s_stream", stats(samples));
            jp.put("rowsum_shared_gbps_stream", stats(samples.stream().map(s -> MATRIX_BYTES / s / 1e9).collect(Collectors.toList())));
        }
    }

    /** A ForkJoinPool of {@value VsJoblib#JOBS} named threads, in which the streams run. */
    private static final class StreamPool implements AutoCloseable {
        private final AtomicInteger n = new AtomicInteger();
        private final ForkJoinPool pool = new ForkJoinPool(JOBS, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName(STREAM_THREAD + n.incrementAndGet());
            return t;
        }, null, false);
        private final Set<String> seen = ConcurrentHashMap.newKeySet();

        /** Runs {@code body} as a task of this pool and waits for it, as the caller of a stream would. */
        <T> T run(Supplier<T> body) {
            Future<T> f = pool.submit(body::get);
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the parallel stream", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            }
        }

        /** Called by each element of the checked run: notes the thread that ran it. */
        void seen() {
            seen.add(Thread.currentThread().getName());
        }

        /** Runs {@code body}, whose elements call {@link #seen}, and checks that only this pool's threads ran them. */
        void checkThreads(Supplier<?> body) {
            seen.clear();
            run(body);
            check(!seen.isEmpty() && seen.stream().allMatch(t -> t.startsWith(STREAM_THREAD)) && seen.size() <= JOBS,
                    "the parallel stream ran on threads " + seen + ", not only on the " + JOBS + " of its pool");
        }

        @Override
        public void close() {
            pool.shutdown();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
