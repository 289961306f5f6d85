package org.jparallel.samples;

import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the sample JShell script with the real {@code jshell} of the JDK under test, with no flag
 * but the class path, and checks that snippet methods, records and variables (and their
 * redefinitions) give the same answers on worker JVMs as in the session.
 */
@ExtendWith(NoLeftovers.class)
class JShellScriptTest {

    @ParameterizedTest
    @ValueSource(strings = {"remote", "local"})
    void theJShellSampleRunsItsSnippetsOnWorkers(String engine) throws Exception {
        String classPath = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jshell").toString(), "--class-path", classPath));
        if (engine.equals("local")) {
            // JDK 17's local engine loads snippets' imports through the launcher's class path: give it the jars too.
            cmd.addAll(List.of("--execution", "local", "-J-cp", "-J" + classPath));
        }
        cmd.add(Path.of("src/main/jshell/parallel.jsh").toAbsolutePath().toString());
        Process jshell = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        jshell.getOutputStream().close();
        String out = new String(jshell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jshell.waitFor(120, TimeUnit.SECONDS), out);
        assertTrue(out.contains("in the session: [8, 11, 14]\n"), out);
        assertTrue(out.contains("on workers:     [8, 11, 14]\n"), out);
        assertTrue(out.contains("after redefining: [27, 47, 67]\n"), out);
        assertTrue(out.contains("ran in other JVMs: [true, true]\n"), out);
        assertTrue(!out.contains("Exception") && !out.contains("WARNING"), out);
    }
}
