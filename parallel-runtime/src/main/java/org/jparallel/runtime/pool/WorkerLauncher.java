package org.jparallel.runtime.pool;

import org.jparallel.internal.Backends;
import org.jparallel.memmap.TempFolders;
import org.jparallel.runtime.worker.WorkerMain;
import org.jparallel.spi.WorkerOptions;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the command line of a worker JVM: the parent's own JDK ({@code java.home}, since inside
 * JShell the process command is the jshell launcher), the parent's effective class path, and the
 * options this JDK version needs.
 */
final class WorkerLauncher {
    private WorkerLauncher() {
    }

    /** Thread-count variables of native libraries (OpenMP, OpenBLAS, MKL, BLIS, Accelerate, numexpr). */
    static final List<String> NATIVE_THREAD_VARIABLES = List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS");
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * The oversubscription guard: n workers that each start as many threads as there are cores
     * would run n × cores threads. Each worker's common ForkJoinPool and native libraries get
     * {@code threadsPerWorker} threads instead, unless the user set them (in this JVM's environment
     * or in the worker options).
     */
    static void limitThreads(Map<String, String> environment, WorkerOptions options, int threadsPerWorker,
                             List<String> cmd) {
        for (String variable : NATIVE_THREAD_VARIABLES) {
            environment.putIfAbsent(variable, Integer.toString(threadsPerWorker));
        }
        boolean userSetParallelism = options.properties().containsKey(COMMON_POOL_PARALLELISM)
                || options.jvmOptions().stream().anyMatch(o -> o.startsWith("-D" + COMMON_POOL_PARALLELISM + "="));
        if (!userSetParallelism) {
            cmd.add("-D" + COMMON_POOL_PARALLELISM + "=" + threadsPerWorker);
        }
    }

    /**
     * How to start a worker: the whole command, and the command of a training run that makes the
     * {@link StartupArchive} (java, this library's jars, the same JVM options).
     */
    record Launch(List<String> command, List<String> trainingJvm, StartupArchive archive) {
        /** Makes the start-up archive for later workers, in the background, if it can and is missing. */
        void trainArchiveInBackground() {
            if (archive != null) {
                archive.trainInBackground(trainingJvm, WorkerMain.class.getName());
            }
        }
    }

    /**
     * A worker's heap starts at 8 MiB and grows as its tasks need: with the JVM's default initial heap
     * (1/64 of the machine's memory) a worker touched about 110 MiB of young generation before its
     * first collection, where tasks that read shared arrays need a few MiB (measured here: 106 to 131
     * MiB of private memory per worker after 30 tiny calls, 35 MiB with this).
     */
    static final String INITIAL_HEAP = "-Xms8m";

    /** Unless the user sized the heap's start, or gave a maximum below 8 MiB (the JVM refuses -Xms above -Xmx). */
    static boolean startsHeapSmall(WorkerOptions options) {
        boolean userSetInitial = options.jvmOptions().stream().anyMatch(o -> o.startsWith("-Xms")
                || o.startsWith("-XX:InitialHeapSize=") || o.startsWith("-XX:MinHeapSize="));
        boolean smallMaximum = (options.maxHeap() != null && bytes(options.maxHeap()) < 8L << 20)
                || options.jvmOptions().stream().anyMatch(o -> (o.startsWith("-Xmx") && bytes(o.substring(4)) < 8L << 20)
                        || (o.startsWith("-XX:MaxHeapSize=") && bytes(o.substring(16)) < 8L << 20));
        return !userSetInitial && !smallMaximum;
    }

    /** "512m", "2g", "1048576": the bytes of a -Xmx value; -1 if it cannot be read (then no -Xms is added). */
    static long bytes(String size) {
        String s = size.trim().toLowerCase(java.util.Locale.ROOT);
        int shift = s.endsWith("k") ? 10 : s.endsWith("m") ? 20 : s.endsWith("g") ? 30 : s.endsWith("t") ? 40 : 0;
        try {
            return Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1)) << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static Launch command(WorkerOptions options, ClassLoader userLoader, Path socket, Path statusFile,
                          List<Path> parentBases, Map<String, String> environment, int threadsPerWorker) {
        List<String> library = libraryJars();
        List<String> classPath = classPath(library, userLoader);
        List<String> jvmOptions = new ArrayList<>();
        // Workers run one task at a time: the serial collector starts fastest and leaves the
        // cores to the tasks. A GC the user chose wins (two would stop the JVM from starting).
        if (options.jvmOptions().stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
            jvmOptions.add("-XX:+UseSerialGC");
        }
        jvmOptions.add("-D" + Backends.IN_WORKER_PROPERTY + "=true");
        limitThreads(environment, options, threadsPerWorker, jvmOptions);
        if (options.maxHeap() != null) {
            jvmOptions.add("-Xmx" + options.maxHeap());
        }
        if (startsHeapSmall(options)) {
            jvmOptions.add(INITIAL_HEAP);
        }
        for (Map.Entry<String, String> p : options.properties().entrySet()) {
            jvmOptions.add("-D" + p.getKey() + "=" + p.getValue());
        }
        jvmOptions.addAll(options.jvmOptions());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // System properties do not matter to a class-data archive; JVM options (GC, heap size) do.
        StartupArchive archive = StartupArchive.forWorkers(
                jvmOptions.stream().filter(o -> !o.startsWith("-D")).toList(), library);

        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classPath));
        cmd.addAll(jvmOptions);
        if (archive != null) {
            cmd.addAll(archive.useOptions());
        }
        cmd.add(WorkerMain.class.getName());
        cmd.add(socket.toString());
        cmd.add(statusFile.toString());
        TempFolders.Owner self = TempFolders.Owner.current();
        cmd.add(Long.toString(self.pid()));
        cmd.add(Long.toString(self.startMillis()));
        parentBases.forEach(b -> cmd.add(b.toString()));

        List<String> training = new ArrayList<>();
        training.add(java);
        training.add("-cp");
        training.add(String.join(File.pathSeparator, library));
        training.addAll(jvmOptions);
        return new Launch(cmd, training, archive);
    }

    /**
     * The jars (or, in a build's own tests, class folders) of this library and of Kryo, which every
     * worker loads first: the start-up archive holds their classes, so one archive serves every
     * application on the machine that uses the same jars.
     */
    static List<String> libraryJars() {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {WorkerMain.class, org.jparallel.Parallel.class,
                org.jparallel.memmap.Memmap.class, com.esotericsoftware.kryo.kryo5.Kryo.class}) {   // kryo5 holds its own deps
            var source = c.getProtectionDomain().getCodeSource();
            if (source != null) {
                fileOf(source.getLocation()).ifPresent(entries::add);
            }
        }
        return new ArrayList<>(entries);
    }

    /**
     * This library's jars first (a class-data archive must be a prefix of the class path, and the
     * library's classes are the same whatever the order), then java.class.path, then the jars and
     * folders of the modules of the boot layer (an application on the module path), then every file URL
     * of the URLClassLoaders above the context class loader and the user's function's loader (a
     * JShell --class-path, an application's own loader).
     */
    static List<String> classPath(List<String> library, ClassLoader userLoader) {
        Set<String> entries = new LinkedHashSet<>(library);
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(new File(e).getAbsolutePath());
            }
        }
        // A parent on the module path has an empty java.class.path: its application modules' jars and
        // folders go on the workers' class path, where no module rule applies (a worker runs no module).
        ModuleLayer.boot().configuration().modules().stream()
                .map(m -> m.reference().location().orElse(null))
                .filter(u -> u != null && "file".equals(u.getScheme()))   // not the JDK's jrt: modules
                .map(u -> new File(u).getAbsolutePath())
                .sorted()
                .forEach(entries::add);
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        for (ClassLoader start : new ClassLoader[] {Thread.currentThread().getContextClassLoader(), userLoader}) {
            List<ClassLoader> chain = new ArrayList<>();
            for (ClassLoader l = start; l != null; l = l.getParent()) {
                chain.add(0, l);   // parents first, as they are searched first
            }
            loaders.addAll(chain);
        }
        for (ClassLoader l : loaders) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    fileOf(url).ifPresent(entries::add);
                }
            }
        }
        return new ArrayList<>(entries);
    }

    private static Optional<String> fileOf(URL url) {
        if (url == null || !"file".equals(url.getProtocol())) {
            return Optional.empty();
        }
        try {
            return Optional.of(new File(url.toURI()).getAbsolutePath());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
