package org.jparallel.testing;

import org.jparallel.memmap.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The extension itself fails a class that leaves a file or a process behind, and passes a clean one:
 * each fixture class below runs on a JUnit engine of its own, and its reported outcome is checked.
 * (Surefire skips nested classes, so the fixtures run only from here.)
 */
class NoLeftoversTest {
    private static Path leakedFolder;
    private static Process leakedProcess;

    @BeforeEach
    void waitBriefly() {
        NoLeftovers.waitLimit = Duration.ofSeconds(2);
    }

    @AfterEach
    void cleanUpWhatTheFixturesLeft() throws InterruptedException {
        NoLeftovers.waitLimit = Duration.ofSeconds(30);
        if (leakedFolder != null) {
            TempFolders.deleteNow(leakedFolder);
            leakedFolder = null;
        }
        if (leakedProcess != null) {
            leakedProcess.destroyForcibly().waitFor();
            leakedProcess = null;
        }
    }

    @Test
    void aClassThatLeavesAFileBehindFails() {
        String failure = failureOf(LeavesAFile.class);
        assertTrue(failure.contains("left behind by NoLeftoversTest$LeavesAFile") && failure.contains(leakedFolder.toString()), failure);
    }

    @Test
    void aClassThatLeavesAProcessBehindFails() {
        String failure = failureOf(LeavesAProcess.class);
        assertTrue(failure.contains("processes left behind by NoLeftoversTest$LeavesAProcess")
                && failure.contains(Long.toString(leakedProcess.pid())), failure);
    }

    @Test
    void aClassThatCleansUpPasses() {
        List<Event> failed = EngineTestKit.engine("junit-jupiter").selectors(selectClass(CleansUp.class))
                .execute().allEvents().failed().list();
        assertEquals(List.of(), failed);
    }

    /** The one failure reported for {@code fixture}: its class's, since the extension checks after all its tests. */
    private static String failureOf(Class<?> fixture) {
        List<Event> failed = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture))
                .execute().allEvents().failed().list();
        assertEquals(1, failed.size(), () -> "failures: " + failed);
        return failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse("(no message)");
    }

    @ExtendWith(NoLeftovers.class)
    static class LeavesAFile {
        @Test
        void leaks() throws IOException {
            leakedFolder = TempFolders.newFolder(Path.of("/dev/shm"), "leak");
            Files.writeString(leakedFolder.resolve("data"), "left");
        }
    }

    @ExtendWith(NoLeftovers.class)
    static class LeavesAProcess {
        @Test
        void leaks() throws IOException {
            leakedProcess = new ProcessBuilder("sleep", "600").start();
        }
    }

    @ExtendWith(NoLeftovers.class)
    static class CleansUp {
        private static Path folder;

        @Test
        void makesAndDeletes() throws IOException {
            folder = TempFolders.newFolder(Path.of("/dev/shm"), "tidy");
            Files.writeString(folder.resolve("data"), "gone soon");
        }

        @AfterAll
        static void deletes() {
            TempFolders.deleteNow(folder);
        }
    }
}
