package org.jparallel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code <pre>{@code ...}</pre>} example in the Javadoc of the public API (org.jparallel and
 * org.jparallel.spi) compiles, as the body of a method with the usual imports, as samples'
 * ReadmeSnippetsTest compiles the README's blocks. An example's own {@code import} lines are
 * kept. The examples may use, without declaring them, the names of {@link #CONTEXT}: the reader's
 * own values and types, and a stand-in for parallel-spark's {@code SparkBackend}.
 */
class JavadocExamplesTest {
    private static final Path SOURCES = Path.of("src/main/java/org/jparallel");

    private static final String IMPORTS = """
            import org.jparallel.*;
            import org.jparallel.memmap.*;
            import org.jparallel.spi.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.stream.*;
            import static org.jparallel.Parallel.delayed;
            """;

    /** What the examples take as given; a local of an example hides a field of the same name. */
    private static final String CONTEXT = """
                static Parallel p;
                static DoubleMatrix m;
                static DoubleArray sums;
                static List<Double> args;
                static List<String> texts;
                static int k;
                static List<Job> jobs;
                static Log log;
                static Object sparkContext;

                interface Model {
                    static Model load(Path file) {
                        return null;
                    }

                    double score(String text);
                }

                interface Job {
                    double run();
                }

                interface Log {
                    void warn(String message);
                }

                static final class SparkBackend {
                    static ClusterBackend of(Object sparkContext) {
                        return null;
                    }
                }
            """;

    record Example(Path file, int line, List<String> code) {
        String className() {
            return "Example_" + file.getFileName().toString().replace(".java", "") + "_line" + line;
        }

        String source() {
            StringBuilder imports = new StringBuilder(IMPORTS);
            StringBuilder body = new StringBuilder();
            for (String l : code) {
                if (l.startsWith("import ")) {
                    imports.append(l).append('\n');
                } else {
                    body.append("        ").append(l).append('\n');
                }
            }
            return imports + "// " + file + ", line " + line + "\npublic class " + className() + " {\n" + CONTEXT
                    + "\n    public static void run() throws Exception {\n" + body + "    }\n}\n";
        }
    }

    /** The examples of one source file: the lines between {@code <pre>{@code} and its {@code }</pre>}. */
    static List<Example> examples(Path file) throws Exception {
        List<Example> found = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("<pre>{@code")) {
                int start = i + 1;
                List<String> code = new ArrayList<>();
                for (i++; !lines.get(i).contains("}</pre>"); i++) {
                    code.add(lines.get(i).replaceFirst("^\\s*\\* ?", ""));
                }
                found.add(new Example(file, start, code));
            }
        }
        return found;
    }

    @Test
    void everyExampleInThePublicApisJavadocCompiles(@TempDir Path dir) throws Exception {
        List<Path> sources;
        try (Stream<Path> s = Files.walk(SOURCES)) {
            sources = s.filter(f -> f.toString().endsWith(".java") && !f.startsWith(SOURCES.resolve("internal")))
                    .sorted().collect(Collectors.toList());
        }
        List<Example> examples = new ArrayList<>();
        for (Path source : sources) {
            examples.addAll(examples(source));
        }
        assertTrue(examples.size() >= 15, "found " + examples.size() + " examples");
        List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
                "-proc:none"));
        for (Example e : examples) {
            Path file = dir.resolve(e.className() + ".java");
            Files.writeString(file, e.source());
            args.add(file.toString());
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, errors, args.toArray(String[]::new));
        assertEquals(0, status, "Javadoc examples that do not compile (Example_<class>_line<n>: the example whose"
                + " <pre>{@code is on line n of that class's source):\n" + errors.toString(StandardCharsets.UTF_8));
    }
}
