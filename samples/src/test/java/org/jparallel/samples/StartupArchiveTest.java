package org.jparallel.samples;

import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application on a class path of jars: its first pool, once idle, makes a class-data archive of
 * the workers' classes in the user's cache folder (a CDS archive, or JDK 25's AOT cache), and the
 * next application's workers start from it, also one whose own classes are in a folder.
 */
@ExtendWith(NoLeftovers.class)
class StartupArchiveTest {

    private static final String APP = """
            import java.nio.file.*;
            import java.util.List;
            import static org.jparallel.Parallel.delayed;
            public class App {
                // Whether this worker mapped our archive (not the JDK's own classes.jsa, which every JVM maps).
                static String archive() {
                    try {
                        return Files.readString(Path.of("/proc/self/maps")).contains("/jparallel/worker-") ? "archive" : "none";
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                public static void main(String[] args) throws Exception {
                    List<String> maps = org.jparallel.Parallel.of(2).batchSize(1).map(delayed((Integer i) -> archive()),
                            List.of(1, 2));
                    System.out.println("WORKERS " + maps);
                    Path cache = Path.of(args[0], "jparallel");
                    long deadline = System.nanoTime() + 60_000_000_000L;   // the archive is made while the pool idles
                    while (args.length > 1 && System.nanoTime() < deadline) {
                        try (var files = Files.list(cache)) {
                            if (files.anyMatch(f -> f.toString().endsWith(".jsa") || f.toString().endsWith(".aot"))) break;
                        } catch (NoSuchFileException notYet) { }
                        Thread.onSpinWait();
                    }
                    org.jparallel.Parallel.shutdownWorkers();
                }
            }
            """;

    @Test
    void theSecondApplicationsWorkersStartFromTheArchive(@TempDir Path dir) throws Exception {
        Path src = Files.writeString(dir.resolve("App.java"), APP);
        String jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar")).collect(Collectors.joining(File.pathSeparator));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", jars + File.pathSeparator
                + Path.of("target/classes").toAbsolutePath(), "-d", dir.toString(), src.toString()));
        Path appJar = dir.resolve("app.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(appJar))) {
            jar.putNextEntry(new JarEntry("App.class"));
            jar.write(Files.readAllBytes(dir.resolve("App.class")));
        }
        Path cache = Files.createDirectory(dir.resolve("cache"));
        String classPath = appJar + File.pathSeparator + jars;

        String first = run(classPath, cache, "wait-for-archive");
        assertTrue(first.contains("WORKERS [none, none]"), first);
        String suffix = Runtime.version().feature() >= 25 ? ".aot" : ".jsa";
        try (var files = Files.list(cache.resolve("jparallel"))) {
            assertEquals(List.of(suffix), files.map(f -> f.toString().substring(f.toString().lastIndexOf('.'))).toList(),
                    "one archive made, and no training leftovers");
        }
        String second = run(classPath, cache);
        assertTrue(second.contains("WORKERS [archive, archive]"), second);
        // Another application, its classes in a folder: the archive holds only the library's jars, so it serves this one too.
        String fromFolder = run(dir + File.pathSeparator + jars, cache);
        assertTrue(fromFolder.contains("WORKERS [archive, archive]"), fromFolder);
    }

    private static String run(String classPath, Path cache, String... more) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath, "App", cache.toString()));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out;
    }
}
