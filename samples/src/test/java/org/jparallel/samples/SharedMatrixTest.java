package org.jparallel.samples;

import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@link SharedMatrix} with a file on disk: created on the first run, mapped as it is on the second. */
@ExtendWith(NoLeftovers.class)
class SharedMatrixTest {
    @TempDir
    Path dir;

    @Test
    void aMatrixFileIsCreatedWhenMissingThenSharedAsItIs() throws Exception {
        Path file = dir.resolve("shared.npy");
        List<String> first = run(file.toString(), "0.05");   // 0.05 GiB: 102 rows of 65536 doubles
        assertTrue(first.get(0).matches("matrix: 102 x 65536 doubles = 0\\.05 GiB in " + file
                + " \\(created and filled in .* s\\); this machine has .* GiB of memory"), first.get(0));
        assertEquals(5, first.stream().filter(line -> line.matches("worker \\d \\(pid \\d+\\): sum \\d+ of rows \\d+-\\d+,"
                + " PSS .* MiB \\(of which the matrix file .* MiB\\)")).count(), String.join("\n", first));
        assertTrue(first.stream().anyMatch(line -> line.startsWith("summed 0.05 GiB on 5 workers")
                && line.endsWith("; the total is right")), String.join("\n", first));
        assertTrue(Files.exists(file), "the file is kept");
        DoubleMatrix m = Memmap.loadDoubleMatrix(file, MmapMode.READ_ONLY);
        assertEquals(3.0, m.get(10, 65535), "row 10 holds 10 % 7");

        List<String> second = run(file.toString(), "1");
        assertTrue(second.get(0).startsWith("matrix: 102 x 65536 doubles = 0.05 GiB in " + file
                + " (existing, mapped read-only; the size given is ignored)"), second.get(0));
        assertEquals(5, second.stream().filter(line -> line.startsWith("worker ")).count(), String.join("\n", second));
        Files.delete(file);
    }

    /** The sample's output lines; it runs in this JVM, its workers in their own. */
    private static List<String> run(String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SharedMatrix.main(args);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        return out.lines().toList();
    }
}
