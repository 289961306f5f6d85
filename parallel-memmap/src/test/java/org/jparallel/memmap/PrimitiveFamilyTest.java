package org.jparallel.memmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/** The build's generator of the array family ({@code src/build/PrimitiveFamily.java}), run as Maven runs it. */
@ExtendWith(NoLeftovers.class)
class PrimitiveFamilyTest {
    private static final Path GENERATOR = Path.of("src/build/PrimitiveFamily.java");

    @TempDir
    Path dir;

    private TestSupport.Finished generate(Path templates, Path out) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                GENERATOR.toString(), templates.toString(), out.toString()).redirectErrorStream(true).start();
        return TestSupport.finish(process);
    }

    @Test
    void tokensAndConditionsAreExpandedPerTypeAndUnchangedFilesAreLeftAlone() throws Exception {
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Path out = dir.resolve("out");
        Files.writeString(templates.resolve("$Type$Thing.java.template"), """
                class $Type$Thing {
                    $type$ value; // $DTYPE$, $Boxed$.BYTES, sum as $Sum$
                //#if double float
                    boolean floating = true;
                //#else
                    boolean floating = false;
                //#end
                }
                """);
        Files.writeString(templates.resolve("$Type$Pair.java.template"), """
                //#types long int
                class $Type$Pair {
                }
                """);
        TestSupport.Finished first = generate(templates, out);
        assertEquals(0, first.exitCode(), first.output());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("ByteThing.java", "DoubleThing.java", "FloatThing.java", "IntPair.java", "IntThing.java",
                    "LongPair.java", "LongThing.java"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        String ints = Files.readString(out.resolve("IntThing.java"));
        assertTrue(ints.startsWith("// Generated from $Type$Thing.java.template"), ints);
        assertTrue(ints.contains("    int value; // INT32, Integer.BYTES, sum as long\n"), ints);
        assertTrue(ints.contains("boolean floating = false;") && !ints.contains("floating = true"), ints);
        assertTrue(Files.readString(out.resolve("FloatThing.java")).contains("boolean floating = true;"));

        // An unchanged template rewrites nothing (so nothing recompiles); a removed one takes its files along.
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(out.resolve("IntThing.java"), old);
        Files.delete(templates.resolve("$Type$Pair.java.template"));
        TestSupport.Finished second = generate(templates, out);
        assertEquals(0, second.exitCode(), second.output());
        assertEquals(old, Files.getLastModifiedTime(out.resolve("IntThing.java")));
        assertFalse(Files.exists(out.resolve("LongPair.java")), "files of a removed template are deleted");
        Files.writeString(templates.resolve("$Type$Thing.java.template"), "class $Type$Thing {}\n");
        assertEquals(0, generate(templates, out).exitCode());
        assertNotEquals(old, Files.getLastModifiedTime(out.resolve("IntThing.java")));
    }

    @Test
    void aMisspeltTokenOrAnUnbalancedConditionIsRefusedNamingItsLine() throws Exception {
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Path template = templates.resolve("$Type$Bad.java.template");
        Files.writeString(template, "class $Type$Bad {\n    $typ$ value;\n}\n");
        TestSupport.Finished misspelt = generate(templates, dir.resolve("out"));
        assertNotEquals(0, misspelt.exitCode());
        assertTrue(misspelt.output().contains(template + ":2: unknown token in:     $typ$ value;"), misspelt.output());
        assertTrue(misspelt.output().contains("known: [type, Type, Boxed"), misspelt.output());

        Files.writeString(template, "class $Type$Bad {\n//#if double\n}\n");
        TestSupport.Finished open = generate(templates, dir.resolve("out"));
        assertNotEquals(0, open.exitCode());
        assertTrue(open.output().contains("1 //#if without //#end"), open.output());
    }
}
