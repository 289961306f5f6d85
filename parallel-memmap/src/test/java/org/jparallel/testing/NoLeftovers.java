package org.jparallel.testing;

import org.jparallel.memmap.TempFolders;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * After a test class, checks that it left nothing behind: it stops the worker JVMs (with
 * {@code Parallel.shutdownWorkers()}, when parallel-api is on the class path), then waits up to
 * 30 s for every process this JVM started to be gone and for no {@code jparallel-*} entry of this
 * JVM, or of a process it started during the class, to be left in /dev/shm or java.io.tmpdir. This
 * JVM's own allocation folder ({@code -memmap-}) may stay, empty. While it waits it asks for a
 * garbage collection: an array that nothing references is cleaned up by it, by the library's
 * contract, so only files still referenced or never cleaned count as left behind.
 *
 * <p>Use: annotate the test class with {@code @ExtendWith(NoLeftovers.class)}; it replaces an
 * {@code @AfterAll} that stops the workers. The processes this JVM started (worker JVMs, child JVMs of a test, their own children) are
 * sampled every 100 ms while the class runs, so that the folders of one that died during the
 * class are checked too. A test that checks something in its own {@code @AfterAll} still may: that
 * runs first.
 */
public final class NoLeftovers implements BeforeAllCallback, AfterAllCallback {
    private static final List<Path> TEMP_BASES = List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")));
    private static final long SELF = ProcessHandle.current().pid();
    /** How long leftovers may take to go; NoLeftoversTest shortens it to see the extension fail quickly. */
    static volatile Duration waitLimit = Duration.ofSeconds(30);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NoLeftovers.class);

    /** The processes seen under this JVM during one test class. */
    private static final class Sampler implements ExtensionContext.Store.CloseableResource {
        final Set<Long> pids = ConcurrentHashMap.newKeySet();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "no-leftovers-sampler");
            t.setDaemon(true);
            return t;
        });

        Sampler() {
            timer.scheduleWithFixedDelay(this::sample, 0, 100, TimeUnit.MILLISECONDS);
        }

        void sample() {
            ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(Sampler.class, new Sampler());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Sampler sampler = context.getStore(NAMESPACE).remove(Sampler.class, Sampler.class);
        sampler.sample();
        sampler.close();
        stopWorkers();
        await("processes started by " + context.getDisplayName() + " to exit").atMost(waitLimit)
                .pollInSameThread().untilAsserted(() -> assertEquals(List.of(), describe(ProcessHandle.current()
                        .descendants().toList()), "processes left behind by " + context.getDisplayName()));
        await("temp files of " + context.getDisplayName() + " to go").atMost(waitLimit)
                .pollInSameThread().untilAsserted(() -> {
                    System.gc();   // unreferenced arrays delete their files when collected
                    assertEquals(List.of(), leftovers(sampler.pids), "left behind by " + context.getDisplayName());
                });
    }

    /** Parallel.shutdownWorkers(), by name: parallel-memmap's own tests have no parallel-api. */
    private static void stopWorkers() {
        try {
            Class.forName("org.jparallel.Parallel").getMethod("shutdownWorkers").invoke(null);
        } catch (ClassNotFoundException noApi) {
            // no worker JVMs without parallel-api
        } catch (InvocationTargetException e) {
            throw new AssertionError("Parallel.shutdownWorkers() failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).collect(Collectors.toList());
    }

    /** The jparallel-* entries of this JVM and of {@code children}, but for this JVM's empty allocation folder. */
    static List<Path> leftovers(Set<Long> children) {
        List<Path> left = new ArrayList<>();
        for (Path base : TEMP_BASES) {
            try (Stream<Path> entries = Files.list(base)) {
                for (Path entry : entries.toList()) {
                    long owner = TempFolders.ownerOf(entry).map(TempFolders.Owner::pid).orElse(-1L);
                    if (owner == SELF && entry.getFileName().toString().contains("-memmap-")) {
                        left.addAll(filesIn(entry));
                    } else if (owner == SELF || children.contains(owner)) {
                        left.add(entry);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return left;
    }

    /**
     * The files in {@code folder}. A file deleted while the walk runs (a collected array's cleaner,
     * the background deleter) surfaces as an UncheckedIOException from the stream: then the folder
     * itself is reported, so that the assertion fails and the await looks again.
     */
    private static List<Path> filesIn(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (UncheckedIOException changingMeanwhile) {
            return Files.exists(folder) ? List.of(folder) : List.of();
        } catch (IOException goneMeanwhile) {
            return List.of();
        }
    }
}
