/**
 * What an application calls: {@code Parallel}, {@code delayed}, {@code Fn} and the rest of
 * {@code org.jparallel}, with the shared arrays of {@code org.jparallel.memmap} (read transitively,
 * since the API's signatures name them). {@code org.jparallel.spi} is for authors of a
 * {@code ClusterBackend}; {@code org.jparallel.internal} is exported only to this library's own
 * modules.
 *
 * <pre>{@code
 * module app {
 *     requires org.jparallel.api;   // org.jparallel.runtime on the module path runs Backend.PROCESSES
 * }
 * }</pre>
 */
// org.jparallel.runtime, org.jparallel.spark and Kryo are not dependencies of this module: javac does not see them.
@SuppressWarnings("module")
module org.jparallel.api {
    requires transitive org.jparallel.memmap;
    // The API logs its warnings to System.Logger "org.jparallel" (java.base): nothing else is needed.

    exports org.jparallel;
    exports org.jparallel.spi;
    // parallel-spark is on the class path in a Spark application (Spark is not modular), where no
    // export matters; the name is here for a parallel-spark jar put on the module path.
    exports org.jparallel.internal to org.jparallel.runtime, org.jparallel.spark;

    // Kryo (in org.jparallel.runtime's worker channel) copies the library's own objects of a call, such
    // as the wrapper of a mapIndices function, field by field: only Kryo's module may reflect on them.
    opens org.jparallel to com.esotericsoftware.kryo.kryo5;
    opens org.jparallel.internal to com.esotericsoftware.kryo.kryo5;

    // Backend.PROCESSES, provided by org.jparallel.runtime: the API never depends on the runtime.
    uses org.jparallel.internal.BackendProvider;
}
