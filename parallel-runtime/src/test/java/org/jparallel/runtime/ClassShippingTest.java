package org.jparallel.runtime;

import org.jparallel.Fn;
import org.jparallel.Parallel;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Classes that only a class loader of the caller knows (an application server's or a plugin
 * loader, JShell's) are shipped to the workers on demand.
 */
@ExtendWith(NoLeftovers.class)
class ClassShippingTest {

    /** A class loader that is not a URLClassLoader: its classes cannot be found by a class path. */
    static final class PluginLoader extends ClassLoader {
        private final Path classes;

        PluginLoader(Path classes) {
            super("plugins", PluginLoader.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            try {
                byte[] bytes = Files.readAllBytes(classes.resolve(name.replace('.', '/') + ".class"));
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }

        @Override
        public java.io.InputStream getResourceAsStream(String name) {
            try {
                Path file = classes.resolve(name);
                return Files.exists(file) ? Files.newInputStream(file) : super.getResourceAsStream(name);
            } catch (IOException e) {
                return null;
            }
        }
    }

    @Test
    void classesOfACustomLoaderAreShippedToTheWorkers(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/plugin");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Plugin.java"), """
                package plugin;
                import org.jparallel.Fn;
                public class Plugin {
                    public record Box(int value) { }
                    static int triple(int x) { return new Helper(x).times(); }
                    public static Fn<Box, Box> fn(int k) { return b -> new Box(triple(b.value()) + k); }
                    public static Box box(int v) { return new Box(v); }
                }
                class Helper {
                    private final int x;
                    Helper(int x) { this.x = x; }
                    int times() { return 3 * x; }
                }
                """);
        Path out = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", out.toString(), "-cp", System.getProperty("java.class.path"),
                src.resolve("Plugin.java").toString()));

        ClassLoader plugins = new PluginLoader(out);
        Class<?> plugin = plugins.loadClass("plugin.Plugin");
        @SuppressWarnings("unchecked")
        Fn<Object, Object> fn = (Fn<Object, Object>) plugin.getMethod("fn", int.class).invoke(null, 5);
        List<Object> boxes = List.of(plugin.getMethod("box", int.class).invoke(null, 1),
                plugin.getMethod("box", int.class).invoke(null, 2));

        List<Object> results = Parallel.of(2).batchSize(1).map(delayed(fn), boxes);

        assertEquals(List.of("Box[value=8]", "Box[value=11]"), results.stream().map(Object::toString).toList());
        assertEquals(plugins, results.get(0).getClass().getClassLoader(), "results are the caller's classes");
    }
    /** A task that re-asserts an interrupt (the usual idiom) and then needs a class of the caller. */
    @Test
    void aTaskWhoseThreadIsInterruptedCanStillLoadShippedClassesAndSeesItsInterrupt(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/late");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Interrupting.java"), """
                package late;
                import org.jparallel.Fn;
                public class Interrupting {
                    public static Fn<Integer, String> fn() {
                        return i -> {
                            Thread.currentThread().interrupt();
                            String text = new Late(i).text();   // Late is loaded now, interrupt pending
                            return text + " " + Thread.interrupted();
                        };
                    }
                }
                class Late {
                    private final int x;
                    Late(int x) { this.x = x; }
                    String text() { return "late " + x; }
                }
                """);
        Path out = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", out.toString(),
                "-cp", System.getProperty("java.class.path"), src.resolve("Interrupting.java").toString()));
        @SuppressWarnings("unchecked")
        Fn<Object, Object> fn = (Fn<Object, Object>) new PluginLoader(out).loadClass("late.Interrupting")
                .getMethod("fn").invoke(null);
        Parallel p = Parallel.of(2).batchSize(1);
        p.map(delayed((Integer i) -> i), List.of(1, 2));
        List<Long> before = org.jparallel.runtime.pool.ProcessBackendProvider.workerProcesses().stream()
                .map(ProcessHandle::pid).sorted().toList();

        assertEquals(List.of("late 1 true", "late 2 true"), p.map(delayed(fn), List.of(1, 2)));
        assertEquals(before, org.jparallel.runtime.pool.ProcessBackendProvider.workerProcesses().stream()
                .map(ProcessHandle::pid).sorted().toList(), "no worker died of the interrupt");
    }
}
