package org.jparallel.memmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Child JVMs and NumPy scripts for the tests (the check that nothing is left behind is {@code NoLeftovers}). */
final class TestSupport {
    static final Path PYTHON = Path.of("/usr/bin/python3");

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
            return builder.start();
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
}
