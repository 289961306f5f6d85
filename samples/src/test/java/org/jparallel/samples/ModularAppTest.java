package org.jparallel.samples;

import com.esotericsoftware.kryo.kryo5.Kryo;
import org.jparallel.Parallel;
import org.jparallel.memmap.Memmap;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A modular application: compiled here with javax.tools against this build's jars (or class folders)
 * on the module path, and run as a child {@code java --module-path ... -m app/app.Main}, whose
 * java.class.path is empty, with its tasks on real worker JVMs. The application of the README's
 * "On the module path" section is the one run first, so the README cannot rot.
 */
@ExtendWith(NoLeftovers.class)
class ModularAppTest {
    /** Starts the line before a README block that is a file of the modular application, not a snippet. */
    static final String MARKER = "<!-- modular app: ";
    private static final String KRYO_MODULE = "com.esotericsoftware.kryo.kryo5";

    /** The modules of this build and Kryo, by name, where this test JVM loaded them from (jar or class folder). */
    static Map<String, Path> libraryModules() throws Exception {
        Map<String, Path> modules = new LinkedHashMap<>();
        for (Class<?> c : new Class<?>[] {Memmap.class, Parallel.class,
                Class.forName("org.jparallel.runtime.pool.ProcessBackendProvider"), Kryo.class}) {
            Path where = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            // What the module system makes of the entry: the name from module-info.class or the
            // manifest's Automatic-Module-Name, never one derived from a file name.
            ModuleReference ref = ModuleFinder.of(where).findAll().iterator().next();
            modules.put(ref.descriptor().name(), where);
        }
        return modules;
    }

    static String modulePath(Map<String, Path> modules, Path... more) {
        List<String> entries = new ArrayList<>();
        modules.values().forEach(p -> entries.add(p.toString()));
        for (Path p : more) {
            entries.add(p.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The README's files of the modular application, by their path in the module's source folder. */
    static Map<String, String> readmeFiles() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(Path.of("../README.md"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith(MARKER) && lines.get(i + 1).equals("```java")) {
                String name = lines.get(i).substring(MARKER.length(), lines.get(i).indexOf(" -->"));
                StringBuilder code = new StringBuilder();
                for (i += 2; !lines.get(i).equals("```"); i++) {
                    code.append(lines.get(i)).append('\n');
                }
                files.put(name, code.toString());
            }
        }
        return files;
    }

    record Compiled(int status, String errors) {
    }

    /**
     * javac of the JDK under test, in module mode: the files make one module. The class path is an empty
     * folder: javac run in-process would take this JVM's java.class.path (our jars, as the unnamed module).
     */
    static Compiled compile(Path src, Map<String, String> files, String modulePath, Path out) throws Exception {
        Path empty = Files.createDirectories(src.resolveSibling(src.getFileName() + "-empty-class-path"));
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--module-path", modulePath,
                "--class-path", empty.toString(), "-Xlint:all"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = src.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
            args.add(file.toString());
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, errors, args.toArray(String[]::new));
        return new Compiled(status, errors.toString(StandardCharsets.UTF_8));
    }

    record Run(int exit, String stdout, String stderr) {
    }

    /** {@code java --module-path modulePath -m app/app.Main}, with no other option, as a user would start it. */
    static Run run(String modulePath) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--module-path", modulePath, "-m", "app/app.Main").start();
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errPump = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (java.io.IOException ignored) {
                // the process is gone; what was read is kept
            }
        });
        errPump.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
        errPump.join();
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theReadmeModularApplicationRunsItsTasksOnWorkerJvms(@TempDir Path dir) throws Exception {
        Map<String, Path> modules = libraryModules();
        assertEquals(List.of("org.jparallel.memmap", "org.jparallel.api", "org.jparallel.runtime", KRYO_MODULE),
                List.copyOf(modules.keySet()));
        Map<String, String> files = readmeFiles();
        assertEquals(List.of("module-info.java", "app/Main.java"), List.copyOf(files.keySet()), "the README's files");
        assertTrue(files.get("module-info.java").contains("requires org.jparallel.api;"), files.toString());

        Compiled c = compile(dir.resolve("src"), files, modulePath(modules), dir.resolve("app"));
        assertEquals(0, c.status(), c.errors());
        assertEquals("", c.errors(), "javac warned");

        Run r = run(modulePath(modules, dir.resolve("app")));
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        // The results of map and mapIndices, and every index ran in another process than the parent.
        assertEquals("[1, 4, 9, 16] [true, true, true, true]\n", r.stdout(), r.stderr());
        assertEquals("", r.stderr(), "nothing on stderr: no warning, no illegal-access message");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void objectsOfTheApplicationTravelWhenItsPackageIsOpenToKryoAndTheErrorSaysSoWhenNot(boolean opens,
                                                                                          @TempDir Path dir) throws Exception {
        Map<String, Path> modules = libraryModules();
        Map<String, String> files = Map.of(
                "module-info.java", "module app {\n    requires org.jparallel.api;\n"
                        + (opens ? "    opens app to " + KRYO_MODULE + ";\n" : "") + "}\n",
                "app/Main.java", """
                        package app;

                        import org.jparallel.Parallel;
                        import java.util.List;
                        import static org.jparallel.Parallel.delayed;

                        public class Main {
                            public record Point(int x, int y) {
                            }

                            public static void main(String[] args) {
                                try (Parallel p = Parallel.of(2)) {
                                    // A result of the application's own class travels back, too.
                                    System.out.println(p.map(delayed((Point q) -> new Point(q.y(), q.x())),
                                            List.of(new Point(1, 2), new Point(3, 4))));
                                    // The parent's class path is empty: a worker's holds the module path's entries.
                                    System.out.println(p.mapIndices(0, 1, i -> System.getProperty("java.class.path")));
                                }
                            }
                        }
                        """);
        Run r = compileAndRun(modules, files, dir);
        if (opens) {
            assertEquals(0, r.exit(), r.stdout() + r.stderr());
            List<String> lines = r.stdout().lines().toList();
            assertEquals("[Point[x=2, y=1], Point[x=4, y=3]]", lines.get(0), r.stderr());
            String workerClassPath = lines.get(1).substring(1, lines.get(1).length() - 1);
            List<String> entries = List.of(workerClassPath.split(File.pathSeparator));
            assertTrue(entries.contains(dir.resolve("app").toAbsolutePath().toString()), workerClassPath);
            for (Path library : modules.values()) {
                assertTrue(entries.contains(library.toAbsolutePath().toString()), workerClassPath);
            }
            assertEquals(2, lines.size(), r.stdout());
        } else {
            assertFailsSayingWhatToOpen(r, "IllegalArgumentException: cannot send the argument of task 0 to a worker:");
        }
    }

    @Test
    void aResultOfTheApplicationsOwnClassWithoutTheOpensSaysWhatToAdd(@TempDir Path dir) throws Exception {
        Map<String, Path> modules = libraryModules();
        Map<String, String> files = Map.of(
                "module-info.java", "module app {\n    requires org.jparallel.api;\n}\n",
                "app/Main.java", """
                        package app;

                        import org.jparallel.Parallel;
                        import java.util.List;
                        import static org.jparallel.Parallel.delayed;

                        public class Main {
                            public record Point(int x, int y) {
                            }

                            public static void main(String[] args) {
                                try (Parallel p = Parallel.of(2)) {
                                    // One Integer goes out, so one batch: the worker (on the class path) sends a Point back.
                                    System.out.println(p.map(delayed((Integer i) -> new Point(i, i)), List.of(1)));
                                }
                            }
                        }
                        """);
        Run r = compileAndRun(modules, files, dir);
        assertFailsSayingWhatToOpen(r, "IllegalStateException: a result of tasks from 0 cannot be read in this JVM:");
    }

    /** Compiles {@code files} as the module app against the library's modules (javac must succeed), then runs it. */
    private static Run compileAndRun(Map<String, Path> modules, Map<String, String> files, Path dir) throws Exception {
        Compiled c = compile(dir.resolve("src"), files, modulePath(modules), dir.resolve("app"));
        assertEquals(0, c.status(), c.errors());
        return run(modulePath(modules, dir.resolve("app")));
    }

    /** The app failed with {@code failure}, saying that its package is not open to Kryo and the line to add. */
    private static void assertFailsSayingWhatToOpen(Run r, String failure) {
        assertNotEquals(0, r.exit(), r.stdout());
        assertTrue(r.stderr().contains(failure + " the module app does not open its package app to " + KRYO_MODULE),
                r.stderr());
        assertTrue(r.stderr().contains("Add `opens app to " + KRYO_MODULE + ";` to the module-info.java of app"),
                r.stderr());
    }

    @Test
    void aModuleCannotUseTheInternalsOfTheLibrary(@TempDir Path dir) throws Exception {
        Map<String, Path> modules = libraryModules();
        // Requiring the runtime as well, so that only the exports, not readability, keep its packages out.
        Map<String, String> files = Map.of(
                "module-info.java", "module app {\n    requires org.jparallel.api;\n    requires org.jparallel.runtime;\n}\n",
                "app/Main.java", """
                        package app;

                        import org.jparallel.internal.Backends;
                        import org.jparallel.runtime.serial.WireKryo;

                        public class Main {
                            public static void main(String[] args) {
                                Backends.shutdownWorkers();
                                System.out.println(WireKryo.class);
                            }
                        }
                        """);
        Compiled c = compile(dir.resolve("src"), files, modulePath(modules), dir.resolve("app"));
        assertNotEquals(0, c.status(), c.errors());
        assertTrue(c.errors().contains("package org.jparallel.internal is not visible"), c.errors());
        assertTrue(c.errors().contains("(package org.jparallel.internal is declared in module org.jparallel.api,"
                + " which does not export it to module app)"), c.errors());
        assertTrue(c.errors().contains("(package org.jparallel.runtime.serial is declared in module org.jparallel.runtime,"
                + " which does not export it to module app)"), c.errors());

        // The backend SPI is exported: a module that implements a ClusterBackend compiles.
        Map<String, String> spi = Map.of(
                "module-info.java", "module app {\n    requires org.jparallel.api;\n}\n",
                "app/Main.java", """
                        package app;

                        import org.jparallel.spi.CallExecutor;
                        import org.jparallel.spi.CallSpec;
                        import org.jparallel.spi.ClusterBackend;

                        public class Main implements ClusterBackend {
                            public String name() {
                                return "none";
                            }

                            public int parallelism() {
                                return 1;
                            }

                            public CallExecutor begin(CallSpec spec) {
                                throw new UnsupportedOperationException();
                            }
                        }
                        """);
        Compiled ok = compile(dir.resolve("spi-src"), spi, modulePath(modules), dir.resolve("spi"));
        assertEquals(0, ok.status(), ok.errors());
    }

    @Test
    void withoutTheRuntimeOnTheModulePathTheErrorNamesIt(@TempDir Path dir) throws Exception {
        Map<String, Path> modules = libraryModules();
        modules.keySet().retainAll(List.of("org.jparallel.memmap", "org.jparallel.api"));
        Compiled c = compile(dir.resolve("src"), readmeFiles(), modulePath(modules), dir.resolve("app"));
        assertEquals(0, c.status(), c.errors());

        Run r = run(modulePath(modules, dir.resolve("app")));
        assertNotEquals(0, r.exit(), r.stdout());
        assertTrue(r.stderr().contains("Backend.PROCESSES needs the module org.jparallel:parallel-runtime on the class path"
                + " (a modular application: the module org.jparallel.runtime on the module path"), r.stderr());
    }
}
