/**
 * The {@code PROCESSES} backend: worker JVMs, their wire protocol and Kryo set-up. No package is
 * API: an application requires {@code org.jparallel.api}, and this module, on the module path,
 * is bound to it as the provider of {@code Backend.PROCESSES}.
 */
// Kryo 5 (kryo5) has no module-info, only its Automatic-Module-Name; org.jparallel.spark is compiled later.
@SuppressWarnings({"requires-automatic", "module"})
module org.jparallel.runtime {
    requires org.jparallel.api;
    requires com.esotericsoftware.kryo.kryo5;
    // sun.reflect.ReflectionFactory: a lambda's writeReplace and SerializedLambda's readResolve
    // without an `opens` of the application's packages (see LambdaSerializer); Kryo's objenesis
    // uses it too.
    requires jdk.unsupported;

    // The Kryo set-up, for parallel-spark's executors (see the note in org.jparallel.api).
    exports org.jparallel.runtime.serial to org.jparallel.spark;

    provides org.jparallel.internal.BackendProvider with org.jparallel.runtime.pool.ProcessBackendProvider;
}
