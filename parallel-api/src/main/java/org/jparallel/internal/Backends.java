package org.jparallel.internal;

import org.jparallel.Backend;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.CallSpec;
import org.jparallel.spi.ClusterBackend;
import org.jparallel.spi.Support;

import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Picks the executor of a call: in-process backends here, PROCESSES through {@link ServiceLoader}. */
public final class Backends {
    /** Set in worker JVMs: a nested call there runs in the worker's thread instead of starting JVMs. */
    public static final String IN_WORKER_PROPERTY = "jparallel.worker";

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    private static volatile BackendProvider processes;

    private Backends() {
    }

    public static CallExecutor begin(Backend backend, CallSpec spec) {
        Nesting.checkNewCall();
        String inProcess = backend == Backend.SEQUENTIAL ? "backend SEQUENTIAL"
                : backend == Backend.THREADS ? "backend THREADS"
                : inWorker() ? "a call nested in a worker, which runs in the worker's thread"
                : spec.nJobs() == 1 ? "nJobs = 1, which runs in the calling thread"
                : null;
        if (inProcess == null) {
            BackendProvider provider = processes();
            check(provider.support(), spec);
            return provider.begin(spec);
        }
        check(inProcess(inProcess), spec);
        // As joblib's: a THREADS call inside a task inside a task runs inline, or a recursive task
        // would start threads exponentially in the depth before reaching the nesting limit.
        if (backend == Backend.THREADS && spec.nJobs() > 1 && Nesting.depth() < 2) {
            return new ThreadExecutor(spec.function(), spec.nJobs(), spec.timeout());
        }
        return new InlineExecutor(spec.function(), spec.timeout());
    }

    /** A call on a cluster ({@code Parallel.on}); nesting and support are checked as for every call. */
    public static CallExecutor begin(ClusterBackend cluster, CallSpec spec) {
        Nesting.checkNewCall();
        check(cluster.support(), spec);
        return cluster.begin(spec);
    }

    /**
     * Where tasks run in this JVM, retries and worker options cannot apply: they are about worker
     * JVMs. A timeout is honoured by interrupting the task (a thread cannot be killed).
     */
    static Support inProcess(String where) {
        return Support.all()
                .warns(Support.Setting.RETRIES, "has no effect with " + where + ": retries run again a task whose"
                        + " worker JVM died, and no worker JVM runs these tasks (a task that throws is never"
                        + " retried); use backend PROCESSES with nJobs > 1 for them")
                .warns(Support.Setting.WORKER_OPTIONS, "have no effect with " + where + ": no worker JVM is started");
    }

    /**
     * The one place where a call's settings meet what its backend supports: a refused setting
     * fails the call before anything runs; a warned one is said once per JVM and reason, as a
     * warning of the logger "org.jparallel".
     */
    static void check(Support support, CallSpec spec) {
        for (Support.Setting setting : Support.Setting.values()) {
            if (!setting.isSetIn(spec)) {
                continue;
            }
            switch (support.handling(setting)) {
                case HONOURED -> { }
                case REFUSED -> throw new IllegalArgumentException(setting.describe(spec) + " " + support.reason(setting));
                case WARNED -> {
                    if (WARNED.add(setting + " " + support.reason(setting))) {
                        log().log(System.Logger.Level.WARNING, "jparallel: " + setting.describe(spec) + " "
                                + support.reason(setting));
                    }
                }
            }
        }
    }

    /** Looked up when first needed: setting up the platform logger took 20 ms of a cold first call here. */
    private static System.Logger log() {
        return System.getLogger("org.jparallel");
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
                + " class path (a modular application: the module org.jparallel.runtime on the module path, or"
                + " --add-modules org.jparallel.runtime if the layer was resolved without service binding); add"
                + " that dependency, or choose backend(Backend.THREADS)");
    }
}
