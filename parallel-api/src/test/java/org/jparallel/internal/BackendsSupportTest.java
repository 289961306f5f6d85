package org.jparallel.internal;

import org.jparallel.Fn;
import org.jparallel.Parallel;
import org.jparallel.spi.Batch;
import org.jparallel.spi.BatchOutcome;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.CallSpec;
import org.jparallel.spi.ClusterBackend;
import org.jparallel.spi.Support;
import org.jparallel.spi.WorkerOptions;
import org.jparallel.testing.LogRecords;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one place where a call's settings meet what its backend supports. */
class BackendsSupportTest {

    private static CallSpec spec(Duration timeout, int retries, WorkerOptions workers) {
        return new CallSpec(x -> x, 2, Long.MAX_VALUE, null, null, timeout, retries, workers,
                BackendsSupportTest.class.getClassLoader());
    }

    /** A cluster that runs batches in the calling thread and counts its calls. */
    static final class FakeCluster implements ClusterBackend {
        final Support support;
        int begun;

        FakeCluster(Support support) {
            this.support = support;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public int parallelism() {
            return 3;
        }

        @Override
        public Support support() {
            return support;
        }

        @Override
        public CallExecutor begin(CallSpec spec) {
            begun++;
            Fn<Object, Object> fn = spec.function();
            ArrayDeque<Batch> queued = new ArrayDeque<>();
            return new CallExecutor() {
                @Override
                public void submit(Batch batch) {
                    queued.add(batch);
                }

                @Override
                public BatchOutcome take() {
                    return LocalBatch.run(fn, queued.remove(), () -> false, i -> { }, "fake");
                }

                @Override
                public void cancel() {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void aRefusedSettingFailsBeforeTheBackendBeginsNamingTheSettingAndTheReason() {
        FakeCluster cluster = new FakeCluster(Support.all()
                .refuses(Support.Setting.RETRIES, "cannot apply here; remove retries(...)")
                .refuses(Support.Setting.TIMEOUT, "cannot apply here either"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backends.begin(cluster, spec(null, 2, WorkerOptions.defaults())));
        assertEquals("retries(2) cannot apply here; remove retries(...)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Backends.begin(cluster, spec(Duration.ofSeconds(1), 0, WorkerOptions.defaults())));
        assertEquals("timeout(PT1S) cannot apply here either", e.getMessage());
        assertEquals(0, cluster.begun, "refused before begin");

        Backends.begin(cluster, spec(null, 0, WorkerOptions.defaults())).close();
        assertEquals(1, cluster.begun, "what is not set is not refused");
    }

    @Test
    void throughParallelOnACluster() {
        FakeCluster cluster = new FakeCluster(Support.all()
                .refuses(Support.Setting.WORKER_OPTIONS, "are not for this cluster"));
        assertEquals(List.of(2, 3), Parallel.of(-1).on(cluster).map((Integer x) -> x + 1, List.of(1, 2)));
        assertEquals(3, Parallel.of(-1).on(cluster).nJobs(), "-1: the cluster's parallelism");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Parallel.of(-1).on(cluster).workerHeap("1g").map((Integer x) -> x, List.of(1)));
        assertEquals("workerHeap, workerProperty, workerJvmOptions and idleTimeout are not for this cluster",
                e.getMessage());
    }

    @Test
    void aWarnedSettingIsSaidOncePerReasonAndTheCallRuns() {
        List<LogRecord> records;
        try (LogRecords log = LogRecords.of("org.jparallel")) {
            records = log.records();
            String where = "a test of " + System.nanoTime();   // a reason no other test has warned about
            Support support = Backends.inProcess(where);
            WorkerOptions heap = new WorkerOptions("1g", Map.of(), List.of(), WorkerOptions.DEFAULT_IDLE_TIMEOUT);
            for (int i = 0; i < 3; i++) {
                Backends.check(support, spec(Duration.ofSeconds(1), 2, heap));
            }
        }
        List<String> warnings = new ArrayList<>();
        records.stream().filter(r -> r.getLevel() == Level.WARNING).forEach(r -> warnings.add(r.getMessage()));
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("jparallel: retries(2) has no effect with a test of "), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("jparallel: workerHeap, workerProperty, workerJvmOptions and idleTimeout"
                + " have no effect with a test of "), warnings.get(1));
    }

    @Test
    void supportIsAValueEachChangeCopies() {
        Support all = Support.all();
        Support some = all.warns(Support.Setting.RETRIES, "r");
        assertEquals(Support.Handling.HONOURED, all.handling(Support.Setting.RETRIES));
        assertEquals(Support.Handling.WARNED, some.handling(Support.Setting.RETRIES));
        assertEquals("r", some.reason(Support.Setting.RETRIES));
        assertEquals(Support.Handling.HONOURED, some.handling(Support.Setting.TIMEOUT));
        assertThrows(NullPointerException.class, () -> all.refuses(Support.Setting.TIMEOUT, null));
    }
}
