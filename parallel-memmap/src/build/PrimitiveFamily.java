import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the per-primitive array family (DoubleArray, HeapLongArray, MappedIntMatrix, ...) from the
 * templates in src/main/templates, as the JDK writes its buffers from X-Buffer.java.template. Run by
 * Maven in generate-sources with the JDK's source launcher, so it needs no build of its own:
 * {@code java src/build/PrimitiveFamily.java src/main/templates target/generated-sources/primitive-family}.
 *
 * <p>A template is Java with two additions:
 * <ul>
 *   <li>{@code $Type$}-style tokens, replaced by the values of {@link #TYPES} (the file name too);</li>
 *   <li>lines {@code //#if byte float}, {@code //#else}, {@code //#end}: keep the lines between for the named
 *       element types only (they nest); a first line {@code //#types double long} limits the file to those types.</li>
 * </ul>
 * Files are rewritten only when their text changes, so an unchanged template recompiles nothing; files of
 * templates that are gone are deleted.
 */
public final class PrimitiveFamily {
    /**
     * {@code $type$} the primitive, {@code $Type$} the name prefix ({@code Int}), {@code $Boxed$} its wrapper
     * class ({@code Integer.BYTES}), {@code $DTYPE$} the {@code DType} constant, {@code $Sum$} what
     * {@code sum()} returns, {@code $Get$}/{@code $Put$} the {@code ByteBuffer} accessors, {@code $AsBuffer$}
     * the typed view of a {@code ByteBuffer} (none for bytes), {@code $A$} the article of the name.
     */
    private static final List<String> TOKENS = List.of(
            "type", "Type", "Boxed", "DTYPE", "Sum", "Get", "Put", "AsBuffer", "A");
    /** One row per element type, values in the order of {@link #TOKENS}. */
    private static final List<List<String>> TYPES = List.of(
            List.of("double", "Double", "Double", "FLOAT64", "double", "getDouble", "putDouble", ".asDoubleBuffer()", "A"),
            List.of("float", "Float", "Float", "FLOAT32", "double", "getFloat", "putFloat", ".asFloatBuffer()", "A"),
            List.of("long", "Long", "Long", "INT64", "long", "getLong", "putLong", ".asLongBuffer()", "A"),
            List.of("int", "Int", "Integer", "INT32", "long", "getInt", "putInt", ".asIntBuffer()", "An"),
            List.of("byte", "Byte", "Byte", "INT8", "long", "get", "put", "", "A"));

    /** A token left after substitution: a misspelt one, which would otherwise surface as a compile error. */
    private static final Pattern UNKNOWN_TOKEN = Pattern.compile("\\$[A-Za-z]+\\$");

    private PrimitiveFamily() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java PrimitiveFamily.java TEMPLATE_FOLDER OUTPUT_FOLDER");
        }
        Path templates = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Set<Path> written = new HashSet<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(templates)) {
            sources = files.filter(f -> f.toString().endsWith(".java.template")).sorted().toList();
        }
        for (Path template : sources) {
            Path folder = out.resolve(templates.relativize(template).getParent() == null ? Path.of("")
                    : templates.relativize(template).getParent());
            List<String> lines = Files.readAllLines(template, StandardCharsets.UTF_8);
            Set<String> only = null;
            int firstLine = 1;
            if (!lines.isEmpty() && lines.get(0).startsWith("//#types ")) {
                only = Set.of(lines.get(0).substring("//#types ".length()).trim().split("\\s+"));
                lines = lines.subList(1, lines.size());
                firstLine = 2;
            }
            for (List<String> type : TYPES) {
                if (only != null && !only.contains(type.get(0))) {
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < TOKENS.size(); i++) {
                    values.put("$" + TOKENS.get(i) + "$", type.get(i));
                }
                String name = substitute(template.getFileName().toString(), values).replace(".template", "");
                String text = "// Generated from " + template.getFileName() + " by PrimitiveFamily.java: edit the template.\n"
                        + expand(template, lines, firstLine, type.get(0), values);
                Path target = folder.resolve(name);
                Files.createDirectories(folder);
                if (!Files.exists(target) || !Files.readString(target, StandardCharsets.UTF_8).equals(text)) {
                    Files.writeString(target, text, StandardCharsets.UTF_8);
                }
                written.add(target.toAbsolutePath().normalize());
            }
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> files = Files.walk(out)) {
                for (Path stale : files.filter(Files::isRegularFile)
                        .filter(f -> !written.contains(f.toAbsolutePath().normalize())).toList()) {
                    Files.delete(stale);
                }
            }
        }
    }

    /** Keeps the lines whose {@code //#if} conditions hold for {@code type}, with tokens replaced. */
    private static String expand(Path template, List<String> lines, int firstLine, String type,
                                 Map<String, String> values) {
        StringBuilder text = new StringBuilder();
        Deque<Boolean> keeping = new ArrayDeque<>();   // per open //#if: does its current branch apply?
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            int lineNumber = firstLine + n;
            String directive = line.strip();
            if (directive.startsWith("//#if ")) {
                keeping.push(Arrays.asList(directive.substring(6).trim().split("\\s+")).contains(type));
            } else if (directive.equals("//#else")) {
                requireOpen(template, lineNumber, keeping);
                keeping.push(!keeping.pop());
            } else if (directive.equals("//#end")) {
                requireOpen(template, lineNumber, keeping);
                keeping.pop();
            } else if (!keeping.contains(false)) {
                String replaced = substitute(line, values);
                if (UNKNOWN_TOKEN.matcher(replaced).find()) {
                    throw new IllegalArgumentException(template + ":" + lineNumber + ": unknown token in: " + line
                            + "; known: " + TOKENS);
                }
                text.append(replaced).append('\n');
            }
        }
        if (!keeping.isEmpty()) {
            throw new IllegalArgumentException(template + ": " + keeping.size() + " //#if without //#end");
        }
        return text.toString();
    }

    private static void requireOpen(Path template, int lineNumber, Deque<Boolean> keeping) {
        if (keeping.isEmpty()) {
            throw new IllegalArgumentException(template + ":" + lineNumber + ": //#else or //#end without //#if");
        }
    }

    private static String substitute(String text, Map<String, String> values) {
        String result = text;
        for (Map.Entry<String, String> value : values.entrySet()) {
            result = result.replace(value.getKey(), value.getValue());
        }
        return result;
    }
}
