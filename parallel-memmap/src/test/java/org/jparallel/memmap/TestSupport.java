package org.jparallel.memmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Child JVMs, NumPy scripts and the check that tests leave no temp files behind. */
final class TestSupport {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final List<Path> TEMP_BASES = List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")));
    /** Pids of child JVMs, whose folders must be gone too. */
    private static final Set<Long> CHILD_PIDS = ConcurrentHashMap.newKeySet();

    private TestSupport() {
    }

    /** Output and exit code of a finished process. */
    record Finished(int exitCode, String output) {
    }

    /** Starts {@code main} in a new plain JVM with this test class path. */
    static Process startJava(Class<?> main, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            CHILD_PIDS.add(process.pid());
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) for {@code process} to end and returns what it printed; kills it on timeout. */
    static Finished finish(Process process) {
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("process " + process.pid() + " did not end within 120 s");
            }
            return new Finished(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            process.destroyForcibly();
        }
    }

    /** Runs {@code script} with Debian's NumPy-enabled Python and returns its output; fails on error. */
    static String python(String script, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
        command.addAll(List.of(args));
        try {
            Finished finished = finish(new ProcessBuilder(command).redirectErrorStream(true).start());
            assertEquals(0, finished.exitCode(), () -> "python failed:\n" + finished.output());
            return finished.output().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails, rather than skips, when NumPy is missing: the interop tests are part of the contract. */
    static void requireNumpy() {
        try {
            Finished finished = finish(new ProcessBuilder(PYTHON.toString(), "-c", "import numpy")
                    .redirectErrorStream(true).start());
            if (finished.exitCode() != 0) {
                fail(PYTHON + " cannot import numpy; install it with: apt-get install python3-numpy\n" + finished.output());
            }
        } catch (IOException e) {
            fail(PYTHON + " cannot run (" + e + "); install it with: apt-get install python3-numpy");
        }
    }

    /**
     * Asserts that no {@code jparallel-*} entry of this JVM or of a child JVM is left in /dev/shm or
     * java.io.tmpdir, except this JVM's session folder, which must hold no file (every allocated array was
     * closed) and which is then deleted (the next allocation makes a new one).
     */
    static void assertNoTempFilesLeft() {
        long self = ProcessHandle.current().pid();
        for (Path base : TEMP_BASES) {
            for (Path entry : entriesOf(base, owner -> owner.pid() == self || CHILD_PIDS.contains(owner.pid()))) {
                assertTrue(entry.getFileName().toString().contains("-memmap-") && TempFolders.ownerOf(entry)
                        .filter(owner -> owner.pid() == self).isPresent(), () -> "left behind: " + entry);
                try (Stream<Path> files = Files.walk(entry)) {
                    List<Path> left = files.filter(Files::isRegularFile).toList();
                    assertTrue(left.isEmpty(), () -> "files left behind: " + left);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                TempFolders.deleteNow(entry);
            }
        }
    }

    private static List<Path> entriesOf(Path base, Predicate<TempFolders.Owner> owners) {
        try (Stream<Path> entries = Files.list(base)) {
            return entries.filter(entry -> TempFolders.ownerOf(entry).filter(owners).isPresent()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
