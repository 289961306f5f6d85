package org.jparallel.runtime;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.runtime.pool.ProcessBackendProvider;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What workers and pools leave behind: nothing, however a worker ends. */
@ExtendWith(NoLeftovers.class)
class WorkerFoldersTest {
    private static final long ME = ProcessHandle.current().pid();

    @AfterEach
    void stopWorkers() {
        Parallel.shutdownWorkers();
    }

    /** Every jparallel-* entry in /dev/shm and the temp dir whose owner is one of {@code pids}. */
    private static List<Path> foldersOf(Set<Long> pids) throws IOException {
        try (Stream<Path> s = Stream.concat(Files.list(Path.of("/dev/shm")),
                Files.list(Path.of(System.getProperty("java.io.tmpdir"))))) {
            return s.filter(p -> pids.stream().anyMatch(pid -> p.getFileName().toString().startsWith("jparallel-" + pid + "-")))
                    .collect(Collectors.toList());
        }
    }

    private static Set<Long> workerPids() {
        return ProcessBackendProvider.workerProcesses().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @Test
    void aWorkerThatAllocatedASharedArrayLeavesNothingWhenItRetiresNormally() throws IOException {
        Parallel p = Parallel.of(2).idleTimeout(Duration.ofSeconds(1));
        List<Long> pids = p.map(delayed((Integer i) -> {
            try (DoubleArray scratch = Memmap.doubles(1000)) {   // the worker's own folder
                scratch.fill(i);
            }
            Memmap.doubles(10).set(0, 1);   // and one it never closes
            return ProcessHandle.current().pid();
        }), List.of(0, 1, 2, 3));
        Set<Long> workers = Set.copyOf(pids);
        assertFalse(foldersOf(workers).isEmpty(), "the workers made folders of their own");
        await().atMost(Duration.ofSeconds(30)).until(() -> workers.stream().noneMatch(
                pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        assertEquals(List.of(), foldersOf(workers), "an idle worker that exits removes its folders");
    }

    @Test
    void afterShutdownWorkersNothingOfThePoolIsLeftEvenOfABusyWorker() throws Exception {
        List<Path> mineBefore = foldersOf(Set.of(ME));
        Parallel p = Parallel.of(2);
        p.map(delayed((Integer i) -> i), List.of(0, 1));
        Set<Long> workers = workerPids();
        CompletableFuture<Object> busy = CompletableFuture.supplyAsync(() -> p.map(delayed((Integer i) -> {
            Memmap.doubles(1000).fill(i);
            long end = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < end) {
                Thread.interrupted();   // busy, and deaf to cancellation
            }
            return i;
        }), List.of(0, 1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> foldersOf(workers).size() == 2);
        Parallel.shutdownWorkers();
        assertEquals(List.of(), foldersOf(workers), "busy workers stopped by shutdownWorkers leave nothing");
        assertEquals(mineBefore, foldersOf(Set.of(ME)), "nor does the pool in this JVM's name (status files, socket)");
        assertThrows(Exception.class, busy::join);
    }

    @Test
    void aWorkerKilledForATimeoutLeavesNothingOnceTheCallsAreDone() throws IOException {
        Parallel p = Parallel.of(2).timeout(Duration.ofMillis(500));
        p.map(delayed((Integer i) -> i), List.of(0, 1));
        try (LongArray ranOn = Memmap.longs(2)) {
            assertThrows(org.jparallel.TaskTimeoutException.class, () -> p.map(delayed((Integer i) -> {
                ranOn.set(i, ProcessHandle.current().pid());
                Memmap.doubles(1000).fill(i);
                long end = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < end) {
                    Thread.interrupted();
                }
                return i;
            }), List.of(0, 1)));
            assertEquals(List.of(1), p.map(delayed((Integer i) -> i), List.of(1)), "the pool lives on");
            // Every worker whose task started ignores interrupts, so it is killed at the timeout. (On a busy
            // machine the second task may not have started when the first timed out: it is then cancelled.)
            Set<Long> killed = new java.util.HashSet<>();
            for (long i = 0; i < 2; i++) {
                if (ranOn.get(i) != 0) {
                    killed.add(ranOn.get(i));
                }
            }
            assertFalse(killed.isEmpty());
            await().atMost(Duration.ofSeconds(30)).until(() -> killed.stream().noneMatch(
                    pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertEquals(List.of(), foldersOf(killed), "the killed workers' folders were removed"));
        }
    }
}
