package org.jparallel.runtime.pool;

import org.jparallel.Backend;
import org.jparallel.internal.BackendProvider;
import org.jparallel.runtime.serial.DumpContext;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.CallSpec;
import org.jparallel.spi.WorkerOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Backend#PROCESSES}: one {@link WorkerPool} per set of worker options, for the life of this JVM. */
public final class ProcessBackendProvider implements BackendProvider {
    private static final Map<WorkerOptions, WorkerPool> POOLS = new ConcurrentHashMap<>();

    @Override
    public Backend backend() {
        return Backend.PROCESSES;
    }

    @Override
    public CallExecutor begin(CallSpec spec) {
        while (true) {
            WorkerPool pool = POOLS.computeIfAbsent(spec.workers(), WorkerPool::new);
            try {
                return new ProcessCall(pool, spec);
            } catch (IllegalStateException e) {
                if (!pool.isClosed()) {
                    throw e;
                }
                POOLS.remove(spec.workers(), pool);   // shut down by another thread meanwhile: start anew
            }
        }
    }

    @Override
    public void shutdown() {
        List<WorkerPool> pools = new ArrayList<>(POOLS.values());
        POOLS.clear();
        pools.forEach(WorkerPool::shutdown);
        DumpContext.deleteKeptFiles();   // their workers are gone: nobody maps them any more
    }

    /** The processes of every live worker of this JVM. */
    public static List<ProcessHandle> workerProcesses() {
        List<ProcessHandle> all = new ArrayList<>();
        POOLS.values().forEach(p -> all.addAll(p.workerProcesses()));
        return all;
    }
}
