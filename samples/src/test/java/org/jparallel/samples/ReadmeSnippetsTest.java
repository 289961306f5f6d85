package org.jparallel.samples;

import org.jparallel.Parallel;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Java block of the README compiles, as the body of a method with the usual imports, and
 * the blocks marked {@code <!-- runs -->} run on real workers without an exception. The files of
 * the modular application are {@link ModularAppTest}'s.
 */
@ExtendWith(NoLeftovers.class)
class ReadmeSnippetsTest {
    private static final String IMPORTS = """
            import org.jparallel.*;
            import org.jparallel.memmap.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.stream.*;
            import static org.jparallel.Parallel.delayed;
            """;

    record Snippet(int number, String code, boolean runs) {
        String className() {
            return "ReadmeSnippet" + number;
        }

        String source() {
            StringBuilder body = new StringBuilder();
            code.lines().filter(l -> !l.startsWith("import ")).forEach(l -> body.append("        ").append(l).append('\n'));
            return IMPORTS + "public class " + className() + " {\n    public static void run() throws Exception {\n"
                    + body + "    }\n}\n";
        }
    }

    static List<Snippet> snippets(Path readme) throws Exception {
        List<Snippet> found = new ArrayList<>();
        List<String> lines = Files.readAllLines(readme);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("```java") && !(i > 0 && lines.get(i - 1).startsWith(ModularAppTest.MARKER))) {
                boolean runs = i > 0 && lines.get(i - 1).equals("<!-- runs -->");
                StringBuilder code = new StringBuilder();
                for (i++; !lines.get(i).equals("```"); i++) {
                    code.append(lines.get(i)).append('\n');
                }
                found.add(new Snippet(found.size() + 1, code.toString(), runs));
            }
        }
        return found;
    }

    @Test
    void everyJavaBlockOfTheReadmeCompilesAndTheMarkedOnesRun(@TempDir Path dir) throws Exception {
        List<Snippet> snippets = snippets(Path.of("../README.md"));
        assertTrue(snippets.size() >= 7, "found " + snippets.size() + " Java blocks");
        List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-cp", System.getProperty("java.class.path")));
        for (Snippet s : snippets) {
            Path file = dir.resolve(s.className() + ".java");
            Files.writeString(file, s.source());
            args.add(file.toString());
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, errors, args.toArray(String[]::new));
        assertEquals(0, status, "README blocks that do not compile:\n" + errors.toString(StandardCharsets.UTF_8));

        try (URLClassLoader compiled = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            for (Snippet s : snippets) {
                if (s.runs()) {
                    compiled.loadClass(s.className()).getMethod("run").invoke(null);
                }
            }
        }
        assertTrue(snippets.stream().filter(Snippet::runs).count() >= 6, "most blocks run");
    }
}
