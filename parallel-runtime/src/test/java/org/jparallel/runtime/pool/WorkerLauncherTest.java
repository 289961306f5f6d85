package org.jparallel.runtime.pool;

import org.jparallel.spi.WorkerOptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line of a worker JVM, as {@link WorkerLauncher} builds it. */
class WorkerLauncherTest {

    private static List<String> command(WorkerOptions options) {
        return WorkerLauncher.command(options, WorkerLauncherTest.class.getClassLoader(), Path.of("/tmp/s"),
                Path.of("/tmp/status.npy"), List.of(Path.of("/tmp")), new HashMap<>(), 1).command();
    }

    private static WorkerOptions options(String maxHeap, String... jvmOptions) {
        return new WorkerOptions(maxHeap, Map.of(), List.of(jvmOptions), Duration.ofSeconds(300));
    }

    @Test
    void theLibrarysJarsComeFirstOnTheClassPathSoThatOneStartUpArchiveServesEveryApplication() {
        List<String> cmd = command(WorkerOptions.defaults());
        List<String> classPath = List.of(cmd.get(cmd.indexOf("-cp") + 1).split(File.pathSeparator));
        List<String> library = WorkerLauncher.libraryJars();
        assertEquals(4, library.size(), library.toString());   // runtime, api, memmap, kryo5
        assertEquals(library, classPath.subList(0, library.size()));
        assertEquals(classPath.size(), classPath.stream().distinct().count(), "no entry twice: " + classPath);
    }

    @Test
    void aWorkersHeapStartsSmallUnlessTheUserSizedIt() {
        assertTrue(command(WorkerOptions.defaults()).contains(WorkerLauncher.INITIAL_HEAP));
        assertTrue(command(options("2g")).contains(WorkerLauncher.INITIAL_HEAP));
        assertFalse(command(options(null, "-Xms64m")).contains(WorkerLauncher.INITIAL_HEAP));
        assertFalse(command(options(null, "-XX:InitialHeapSize=64m")).contains(WorkerLauncher.INITIAL_HEAP));
        // -Xms above -Xmx stops a JVM from starting.
        assertFalse(command(options("4m")).contains(WorkerLauncher.INITIAL_HEAP));
        assertTrue(command(options("4m")).contains("-Xmx4m"));
        assertFalse(command(options(null, "-Xmx4m")).contains(WorkerLauncher.INITIAL_HEAP));
        assertFalse(command(options(null, "-XX:MaxHeapSize=4194304")).contains(WorkerLauncher.INITIAL_HEAP));
        assertTrue(command(options(null, "-Xmx1g")).contains(WorkerLauncher.INITIAL_HEAP));
    }

    @Test
    void heapSizesReadAsTheJvmReadsThem() {
        assertEquals(512L << 20, WorkerLauncher.bytes("512m"));
        assertEquals(2L << 30, WorkerLauncher.bytes("2G"));
        assertEquals(8L << 10, WorkerLauncher.bytes("8k"));
        assertEquals(1048576, WorkerLauncher.bytes("1048576"));
        assertEquals(-1, WorkerLauncher.bytes("lots"));
    }
}
