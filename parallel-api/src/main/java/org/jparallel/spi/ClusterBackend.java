package org.jparallel.spi;

/**
 * A backend that runs tasks somewhere else than worker JVMs of this machine (an Apache Spark
 * cluster, for one), chosen per call with {@link org.jparallel.Parallel#on(ClusterBackend)} or for a
 * block with {@link org.jparallel.ParallelConfig#on(ClusterBackend)}. The API names no type of the
 * engine: a module such as {@code parallel-spark} implements this interface.
 *
 * <pre>{@code
 * List<Double> roots = Parallel.of(-1).on(SparkBackend.of(sparkContext)).map(delayed(Math::sqrt), args);
 * }</pre>
 *
 * <p>{@code nJobs} counts tasks that may run at once on the cluster; a negative {@code nJobs} counts
 * from {@link #parallelism()} as it counts from the cores of this machine for worker JVMs
 * ({@code -1}: all of it, {@code -2}: all but one).
 */
public interface ClusterBackend {

    /** For messages: what and where ("Spark spark://10.0.0.1:7077"). */
    String name();

    /**
     * How many tasks the cluster runs at once by default: what {@code nJobs = -1} means. May wait
     * for the cluster to be ready, and fail with a clear message if it never is.
     */
    int parallelism();

    /**
     * What this cluster does with the settings not every backend honours (retries, worker options,
     * timeouts): the call checks it before {@link #begin}, refusing or warning as it says. By
     * default, all are honoured.
     */
    default Support support() {
        return Support.all();
    }

    /**
     * Starts a call; fails before anything runs if the cluster cannot honour {@code spec} in a way
     * {@link #support()} cannot say.
     */
    CallExecutor begin(CallSpec spec);

    /**
     * Tasks per batch when the user left {@code batchSize} automatic: 0 keeps the automatic sizing
     * of worker JVMs (about 20 ms of work per batch), which suits a backend whose round trip is
     * about as cheap.
     *
     * @param knownSize the number of tasks of the call, or -1 for a lazy iterable
     * @param nJobs     tasks that may run at once
     */
    default int batchSize(long knownSize, int nJobs) {
        return 0;
    }

    /** Batches in flight when the user left {@code preDispatch} unset; worker JVMs use {@code 2 * nJobs}. */
    default int preDispatch(int nJobs) {
        return 2 * nJobs;
    }
}
