/**
 * Shared typed arrays (on the heap or memory-mapped {@code .npy} files), temp folders and their
 * clean-up. The one package is API.
 */
@SuppressWarnings("module")   // Kryo is not a dependency of this module: javac does not see it
module org.jparallel.memmap {
    exports org.jparallel.memmap;
    // Kryo (parallel-runtime's serialization) copies what it has no serializer of its own for, field by field.
    opens org.jparallel.memmap to com.esotericsoftware.kryo.kryo5;
}
