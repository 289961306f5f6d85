package org.jparallel.runtime;

import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Workers and temp files of a parent that is SIGKILLed go away on their own. */
@ExtendWith(NoLeftovers.class)
class ParentDeathTest {

    @Test
    void workersAndFilesOfAKilledParentGoAway(@TempDir Path marks) throws Exception {
        try (ChildJvm parent = ChildJvm.start(OrphanedParent.class, marks.toString())) {
            List<Long> workers = Arrays.stream(parent.awaitLine("WORKERS ").substring(8).split(" "))
                    .map(Long::parseLong).toList();
            assertEquals(2, workers.size(), parent.output());
            parent.awaitLine("RUNNING");
            await().atMost(Duration.ofSeconds(30)).until(() -> countFiles(marks) == 2);
            long parentPid = parent.process.pid();
            assertFalse(ownedFolders(parentPid).isEmpty(), "the parent should hold temp folders while alive");

            parent.process.destroyForcibly();   // SIGKILL: no shutdown hook runs
            parent.process.waitFor();

            await().atMost(Duration.ofSeconds(1)).until(() -> workers.stream().noneMatch(ParentDeathTest::alive));
            await().atMost(Duration.ofSeconds(5)).until(() -> ownedFolders(parentPid).isEmpty());
        }
    }

    /**
     * Whether {@code pid} still runs. An orphan that exited stays a zombie until init reaps it, and
     * ProcessHandle counts zombies as alive: read the state from /proc instead.
     */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    static List<Path> ownedFolders(long pid) throws IOException {
        List<Path> found = new java.util.ArrayList<>();
        for (Path base : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            try (Stream<Path> s = Files.list(base)) {
                s.filter(p -> p.getFileName().toString().startsWith("jparallel-" + pid + "-")).forEach(found::add);
            }
        }
        assertTrue(found.stream().allMatch(Files::isDirectory));
        return found;
    }
}
