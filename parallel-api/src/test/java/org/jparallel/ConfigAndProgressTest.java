package org.jparallel;

import org.jparallel.memmap.MmapMode;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scoped defaults (joblib's parallel_config), their precedence, and verbose progress lines. */
@ExtendWith(NoLeftovers.class)
class ConfigAndProgressTest {

    private static String settingsOf(Parallel p) {
        return p.toString();
    }

    @Test
    void aBlockSetsDefaultsForEveryParallelCreatedInItOnThisThread() throws Exception {
        String outside = settingsOf(Parallel.of(3));
        try (ParallelConfig config = ParallelConfig.begin().nJobs(4).backend(Backend.THREADS).maxBytes("2M")
                .tempFolder(Path.of("/tmp")).mmapMode(MmapMode.READ_WRITE)) {
            Parallel p = Parallel.of();
            assertEquals(4, p.nJobs());
            assertTrue(settingsOf(p).contains("backend=THREADS") && settingsOf(p).contains("maxBytes=2097152")
                    && settingsOf(p).contains("tempFolder=/tmp") && settingsOf(p).contains("mmapMode=READ_WRITE"),
                    settingsOf(p));
            assertEquals(List.of(2, 4), p.map(delayed((Integer x) -> 2 * x), List.of(1, 2)));

            assertEquals(2, Parallel.of(2).nJobs(), "an explicit nJobs wins");
            assertTrue(settingsOf(Parallel.of(2).backend(Backend.SEQUENTIAL)).contains("backend=SEQUENTIAL"),
                    "an explicit setter wins");
            try (ParallelConfig inner = ParallelConfig.begin().maxBytes(10)) {
                assertTrue(settingsOf(Parallel.of()).contains("maxBytes=10,")
                        && settingsOf(Parallel.of()).contains("backend=THREADS"), "inner blocks refine outer ones");
            }
            assertTrue(settingsOf(Parallel.of()).contains("maxBytes=2097152"), "the inner block is over");
            String otherThread = CompletableFuture.supplyAsync(() -> settingsOf(Parallel.of(3))).get();
            assertEquals(outside, otherThread, "a block is for its own thread");
        }
        assertEquals(outside, settingsOf(Parallel.of(3)));
    }

    @Test
    void systemPropertiesComeAfterBlocksAndBeforeBuiltInDefaults() {
        System.setProperty("jparallel.nJobs", "3");
        System.setProperty("jparallel.backend", "threads");
        try {
            assertEquals(3, Parallel.of().nJobs());
            assertTrue(settingsOf(Parallel.of()).contains("backend=THREADS"));
            try (ParallelConfig config = ParallelConfig.begin().nJobs(5)) {
                assertEquals(5, Parallel.of().nJobs());
            }
            System.setProperty("jparallel.backend", "gpu");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Parallel::of);
            assertTrue(e.getMessage().contains("jparallel.backend") && e.getMessage().contains("gpu"), e.getMessage());
        } finally {
            System.clearProperty("jparallel.nJobs");
            System.clearProperty("jparallel.backend");
        }
        assertEquals(Runtime.getRuntime().availableProcessors(), Parallel.of().nJobs(), "built in: all cores");
    }

    @Test
    void blocksMustCloseInnermostFirst() {
        ParallelConfig outer = ParallelConfig.begin();
        ParallelConfig inner = ParallelConfig.begin();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }

    @Test
    void verboseLinesReportDoneElapsedAndRemaining() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Parallel.of(2).backend(Backend.THREADS).batchSize(10).verbose(10)
                    .map(delayed((Integer x) -> x), IntStream.range(0, 200).boxed().collect(Collectors.toList()));
        } finally {
            System.setErr(stderr);
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        assertTrue(lines.size() >= 20, lines.toString());
        assertTrue(lines.stream().allMatch(l -> l.matches("\\[jparallel] Done [ \\d]{3} out of 200 \\| elapsed \\d+\\.\\ds"
                + "( \\| remaining \\d+\\.\\ds)?")), lines.toString());
        assertEquals("[jparallel] Done  10 out of 200", lines.get(0).substring(0, 31), "counts padded to the total's width");
        assertEquals("[jparallel] Done 200 out of 200", lines.get(lines.size() - 1).substring(0, 31));
    }
}
