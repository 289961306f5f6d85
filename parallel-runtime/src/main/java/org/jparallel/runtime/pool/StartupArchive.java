package org.jparallel.runtime.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A class-data archive of the classes a worker loads (Kryo, this library, the JDK classes they pull
 * in), made once per machine for each JDK, set of this library's jars and JVM options, and used by
 * every worker started after it exists, by any application. Measured here, the wall time of a
 * worker's rehearsal ({@code WorkerMain --train}, medians of 5): on JDK 17, 0.43 s without and
 * 0.34 s with a dynamic CDS archive; on JDK 25, 0.47 s without, 0.33 s with a dynamic CDS archive
 * and 0.25 s with the AOT cache that JDK 25 makes instead (JEP 483: classes loaded and linked ahead
 * of time, and method profiles).
 *
 * <p>The archive is made by a training run of the worker's main class ({@code --train}, which
 * rehearses a first call), started in the background the first time a pool goes idle, so no call
 * waits for it: {@code -XX:ArchiveClassesAtExit} before JDK 25, {@code -XX:AOTMode=record} then
 * {@code create} from JDK 25. It holds only this library's jars, which come first on every
 * worker's class path, so the application's own class path, class folders included, may be
 * anything after them. It lives in {@code $XDG_CACHE_HOME/jparallel} (else
 * {@code ~/.cache/jparallel}), named by a hash of everything that must match for the JVM to accept
 * it: JDK, options, the jars with their sizes and times. The JVM checks again and quietly ignores
 * an archive that does not match ({@code -Xlog:cds*=off} keeps it quiet).
 *
 * <p>Archives need jar files: where this library is a class folder (as in its own build's tests),
 * workers start without one.
 */
final class StartupArchive {
    private static final Set<Path> TRAINING = ConcurrentHashMap.newKeySet();
    /** JDK 25's AOT cache (JEP 483, 514) loads faster than a dynamic CDS archive; older JDKs lack it. */
    static final boolean AOT_CACHE = Runtime.version().feature() >= 25;
    private static final List<String> QUIET = AOT_CACHE ? List.of("-Xlog:cds*=off", "-Xlog:aot*=off") : List.of("-Xlog:cds*=off");

    private final Path file;

    private StartupArchive(Path file) {
        this.file = file;
    }

    /** The archive for workers started with {@code jvmOptions} and this library's {@code jars}, or null if none can be. */
    static StartupArchive forWorkers(List<String> jvmOptions, List<String> jars) {
        if (jars.stream().anyMatch(e -> !Files.isRegularFile(Path.of(e)))) {
            return null;
        }
        Path cache = cacheFolder();
        if (cache == null) {
            return null;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, System.getProperty("java.home"), System.getProperty("java.vm.version"));
            jvmOptions.forEach(o -> update(sha, o));
            for (String entry : jars) {
                Path jar = Path.of(entry);
                update(sha, entry, Long.toString(Files.size(jar)), Long.toString(Files.getLastModifiedTime(jar).toMillis()));
            }
            String key = HexFormat.of().formatHex(sha.digest()).substring(0, 32);
            String suffix = AOT_CACHE ? ".aot" : ".jsa";
            return new StartupArchive(cache.resolve("worker-" + Runtime.version().feature() + "-" + key + suffix));
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }

    /**
     * Removes what training runs of JVMs that died left (partial archives older than ten minutes)
     * and archives not renewed for 30 days (of class paths since rebuilt or JDKs since updated).
     */
    private static void removeStale(Path cache) {
        long now = System.currentTimeMillis();
        try (var files = Files.list(cache)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                long age = now - Files.getLastModifiedTime(f).toMillis();
                if ((name.contains(".partial") && age > TimeUnit.MINUTES.toMillis(10))
                        || ((name.endsWith(".jsa") || name.endsWith(".aot")) && age > TimeUnit.DAYS.toMillis(30))) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            // a cache that cannot be tidied is still a cache
        }
    }

    private static void update(MessageDigest sha, String... parts) {
        for (String part : parts) {
            sha.update(part.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
    }

    private static Path cacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path folder = base.resolve("jparallel");
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return Files.isWritable(folder) ? folder : null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** Options that make a worker use the archive, if it exists yet. */
    List<String> useOptions() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> options = new ArrayList<>();
        options.add((AOT_CACHE ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + file);
        options.addAll(QUIET);
        return options;
    }

    /**
     * Makes the archive on a background thread, unless it exists or is being made: a training run
     * of {@code java <jvm> <main> --train} (see the class comment), whose result is renamed into
     * place, so that a worker never sees half an archive.
     */
    void trainInBackground(List<String> jvm, String mainClass) {
        if (Files.exists(file) || !TRAINING.add(file)) {
            return;
        }
        Thread trainer = new Thread(() -> {
            String base = file.getFileName() + "." + ProcessHandle.current().pid() + ".partial";
            Path partial = file.resolveSibling(base);
            Path configuration = file.resolveSibling(base + "-config");
            try {
                removeStale(file.getParent());
                boolean made;
                if (AOT_CACHE) {
                    made = run(with(jvm, "-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration, mainClass, "--train"))
                            && run(with(jvm, "-XX:AOTMode=create", "-XX:AOTConfiguration=" + configuration,
                                    "-XX:AOTCache=" + partial));
                } else {
                    made = run(with(jvm, "-XX:ArchiveClassesAtExit=" + partial, mainClass, "--train"));
                }
                if (made && Files.size(partial) > 0) {
                    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException | InterruptedException | IllegalStateException e) {
                // no archive (or the JVM is exiting): workers start a little slower, nothing else
            } finally {
                for (Path leftover : List.of(partial, configuration)) {
                    try {
                        Files.deleteIfExists(leftover);
                    } catch (IOException ignored) {
                        // a stray partial file in our cache folder is harmless, and removeStale takes it later
                    }
                }
                TRAINING.remove(file);
            }
        }, "jparallel-cds-training");
        trainer.setDaemon(true);
        trainer.start();
    }

    private static List<String> with(List<String> jvm, String... more) {
        List<String> cmd = new ArrayList<>(jvm);
        cmd.addAll(QUIET);
        cmd.addAll(List.of(more));
        return cmd;
    }

    /** Runs one step of the training; it must not outlive us (it would leave a partial archive nobody renames). */
    private static boolean run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread stopAtExit = new Thread(p::destroyForcibly, "jparallel-cds-training-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
        try {
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } finally {
            p.destroyForcibly();
            try {
                Runtime.getRuntime().removeShutdownHook(stopAtExit);
            } catch (IllegalStateException | IllegalArgumentException exiting) {
                // the JVM is exiting: the hook runs, or never was added
            }
        }
    }
}
