package org.jparallel.runtime;

import org.jparallel.Init;
import org.jparallel.Parallel;
import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.runtime.pool.ProcessBackendProvider;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress bar on a real terminal, and worker initializers. */
@ExtendWith(NoLeftovers.class)
class ProgressTest {

    @Test
    void onATerminalABarShowsRateAndEtaAndNeverGarblesTheWorkersLines() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
                + ProgressBarParent.class.getName();
        // script(1) runs the command on a pseudo-terminal and copies what it writes there to our pipe.
        Process p = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String screen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), screen);

        assertTrue(screen.contains("tasks/s") && screen.contains("ETA"), "a bar was drawn:\n" + screen);
        // What a terminal shows: pieces separated by carriage returns and newlines, erase-line codes removed.
        List<String> pieces = Arrays.stream(screen.replace("\033[K", "").split("[\r\n]+"))
                .filter(s -> !s.isBlank()).collect(Collectors.toList());
        Pattern workerLine = Pattern.compile("\\[Worker \\d+\\] line (\\d+)");
        Set<Integer> seen = new java.util.HashSet<>();
        for (String piece : pieces) {
            if (piece.contains("[Worker")) {
                var m = workerLine.matcher(piece);
                assertTrue(m.matches(), "a worker line was garbled: '" + piece + "'");
                seen.add(Integer.parseInt(m.group(1)));
            } else {
                assertTrue(piece.startsWith("[jparallel] [") || piece.equals("DONE"), "unexpected: '" + piece + "'");
            }
        }
        assertEquals(IntStream.range(0, 30).boxed().collect(Collectors.toSet()), seen);
    }

    @Test
    void anInitializerRunsOncePerWorkerAndItsStateServesEveryTask() {
        LongArray runs = Memmap.longs(1);
        Init<List<Integer>> load = () -> {
            runs.addAndGet(0, 1);
            return IntStream.range(0, 1000).boxed().collect(Collectors.toList());   // "something big"
        };
        Parallel p = Parallel.of(2).batchSize(1).initializer(load);
        for (int call = 0; call < 3; call++) {
            List<Integer> sizes = p.map(delayed((Integer i) -> Parallel.<List<Integer>>workerState().size() + i),
                    List.of(0, 1, 2, 3, 4, 5));
            assertEquals(List.of(1000, 1001, 1002, 1003, 1004, 1005), sizes);
        }
        long workers = ProcessBackendProvider.workerProcesses().size();
        assertTrue(runs.getVolatile(0) <= workers && runs.getVolatile(0) >= 1,
                "ran " + runs.getVolatile(0) + " times for " + workers + " workers");
        assertThrows(IllegalStateException.class, () -> Parallel.of(2).map(delayed((Integer i) ->
                Parallel.<Object>workerState()), List.of(1)));
        runs.close();
    }
}
