/**
 * Typed, long-indexed arrays on the heap or in memory-mapped NumPy {@code .npy} files, and the temp
 * folders that hold those files. Pure JDK: files are mapped with {@code FileChannel.map} in 1 GiB chunks and
 * accessed atomically through {@code VarHandle}s, so arrays may exceed 2 GiB and 2^31 elements and the JVM
 * needs no special flags.
 *
 * <pre>{@code
 * try (DoubleArray shared = Memmap.doubles(10_000_000)) {       // zero-filled, in /dev/shm
 *     shared.fill(1.0);
 *     Handle handle = shared.handle().orElseThrow();           // another process: Memmap.open(handle)
 *     double total = shared.slice(0, 5_000_000).sum();         // 5_000_000.0
 * }
 * }</pre>
 *
 * <p>Entry points: {@link org.jparallel.memmap.Memmap} (allocate, dump, load, open),
 * {@link org.jparallel.memmap.SharedArray} and its typed subinterfaces, {@link org.jparallel.memmap.TempFolders}
 * and {@link org.jparallel.memmap.ArrayBytes}.
 *
 * <p>The typed arrays and matrices ({@code DoubleArray}, {@code HeapLongArray}, {@code MappedIntMatrix}, ...)
 * are generated at build time from {@code src/main/templates} by {@code src/build/PrimitiveFamily.java}: edit
 * the templates, not the files under {@code target/generated-sources}.
 */
package org.jparallel.memmap;
