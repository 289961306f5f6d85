package org.jparallel.runtime;

import org.jparallel.Parallel;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;

/** Run by {@link ProgressTest} on a pseudo-terminal: a 3-second call whose tasks print lines. */
public final class ProgressBarParent {
    public static void main(String[] args) {
        List<Integer> tasks = IntStream.range(0, 30).boxed().collect(Collectors.toList());
        Parallel.of(2).batchSize(1).map(delayed((Integer i) -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("[Worker " + ProcessHandle.current().pid() + "] line " + i);
            return i;
        }), tasks);
        System.out.println("DONE");
        Parallel.shutdownWorkers();
    }
}
