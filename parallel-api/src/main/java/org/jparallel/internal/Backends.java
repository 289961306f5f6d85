package org.jparallel.internal;

import org.jparallel.Backend;
import org.jparallel.spi.BackendProvider;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.CallSpec;

import java.util.ServiceLoader;

/** Picks the executor of a call: in-process backends here, PROCESSES through {@link ServiceLoader}. */
public final class Backends {
    /** Set in worker JVMs: a nested call there runs in the worker's thread instead of starting JVMs. */
    public static final String IN_WORKER_PROPERTY = "jparallel.worker";

    private static volatile BackendProvider processes;

    private Backends() {
    }

    public static CallExecutor begin(Backend backend, CallSpec spec) {
        if (backend == Backend.SEQUENTIAL || spec.nJobs() == 1 || (backend == Backend.PROCESSES && inWorker())) {
            return new InlineExecutor(spec.function());
        }
        if (backend == Backend.THREADS) {
            return new ThreadExecutor(spec.function(), spec.nJobs());
        }
        return processes().begin(spec);
    }

    public static boolean inWorker() {
        return Boolean.getBoolean(IN_WORKER_PROPERTY);
    }

    /** Stops the worker JVMs now, if any were started. */
    public static void shutdownWorkers() {
        BackendProvider p = processes;
        if (p != null) {
            p.shutdown();
        }
    }

    private static BackendProvider processes() {
        BackendProvider p = processes;
        if (p == null) {
            synchronized (Backends.class) {
                if (processes == null) {
                    processes = find(Backends.class.getClassLoader());
                }
                p = processes;
            }
        }
        return p;
    }

    private static BackendProvider find(ClassLoader loader) {
        for (BackendProvider candidate : ServiceLoader.load(BackendProvider.class, loader)) {
            if (candidate.backend() == Backend.PROCESSES) {
                return candidate;
            }
        }
        throw new IllegalStateException("Backend.PROCESSES needs the module org.jparallel:parallel-runtime on the"
                + " class path; add that dependency, or choose backend(Backend.THREADS)");
    }
}
