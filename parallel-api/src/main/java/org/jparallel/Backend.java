package org.jparallel;

/** Where the tasks of a {@link Parallel} call run. */
public enum Backend {
    /** In a pool of worker JVMs (the default): true parallelism, isolation, shared memory maps. */
    PROCESSES,
    /** In a pool of threads of the calling JVM: no serialization; for work that releases no lock. */
    THREADS,
    /** One after the other in the calling thread: for debugging and for comparison. */
    SEQUENTIAL
}
