package org.jparallel.runtime;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.Memmap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.jparallel.Parallel.delayed;

/**
 * A user's application, run as a child JVM by {@link ParentDeathTest}: it holds a shared array
 * and a call in progress (so it owns temp files and busy workers), prints its workers' pids, and
 * waits to be killed.
 */
public final class OrphanedParent {
    public static void main(String[] args) throws Exception {
        Path started = Path.of(args[0]);
        DoubleArray shared = Memmap.doubles(1000);
        double[] big = new double[1 << 18];   // 2 MiB: dumped to the call's folder
        Parallel p = Parallel.of(2);
        // Until both workers have answered: on a busy machine the first to start may take every task.
        Set<Long> pids = new TreeSet<>();
        while (pids.size() < 2) {
            pids.addAll(p.map(delayed((Integer i) -> {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);   // long enough that an idle worker takes the next one
                return ProcessHandle.current().pid();
            }), List.of(1, 2, 3, 4)));
        }
        System.out.println("WORKERS " + pids.stream().map(String::valueOf).collect(Collectors.joining(" ")));
        Thread call = new Thread(() -> p.map(delayed((Integer i) -> {
            try {
                Files.writeString(started.resolve("task-" + i), "" + big.length + shared.length());
                Thread.sleep(600_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return i;
        }), List.of(1, 2)));
        call.start();
        System.out.println("RUNNING");
        call.join();
    }
}
