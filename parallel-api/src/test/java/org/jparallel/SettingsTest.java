package org.jparallel;

import org.jparallel.memmap.MmapMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one settings value behind Parallel and ParallelConfig: validated once, layered by {@code over}. */
class SettingsTest {

    private static String refusal(Consumer<Settings.Builder> change) {
        return assertThrows(IllegalArgumentException.class, () -> Settings.NONE.with(change)).getMessage();
    }

    @Test
    void everyBadValueIsRefusedWhereverItIsSetSayingWhatIsAccepted() {
        assertTrue(refusal(s -> s.nJobs = 0).contains("nJobs == 0"));
        assertTrue(refusal(s -> s.nJobs = 5000).contains("more than 1024"));
        assertTrue(refusal(s -> s.maxBytes = -1L).contains("noMemmap()"));
        assertTrue(refusal(s -> s.timeout = Duration.ZERO).contains("must be positive"));
        assertTrue(refusal(s -> s.retries = -1).contains("use 0 (the default) or more"));
        assertTrue(refusal(s -> s.verbose = -1).contains("verbose = -1"));
        assertTrue(refusal(s -> s.batchSize = -1).contains("0 for automatic"));
        assertTrue(refusal(s -> s.preDispatch = 0).contains("at least 1 batch"));
        assertTrue(refusal(s -> s.workerHeap = "lots").contains("\"512m\""));
        assertTrue(refusal(s -> s.idleTimeout = Duration.ofSeconds(-1)).contains("use null for the default"));

        // The same checks on both classes' setters, since both make a Settings.
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(2).retries(-1));
        try (ParallelConfig block = ParallelConfig.begin()) {
            assertThrows(IllegalArgumentException.class, () -> block.retries(-1));
            assertThrows(IllegalArgumentException.class, () -> block.verbose(-1));
            assertThrows(IllegalArgumentException.class, () -> block.workerHeap("lots"));
            assertThrows(IllegalArgumentException.class, () -> block.nJobs(0));
            assertThrows(IllegalArgumentException.class, () -> block.maxBytes("1Q"));
        }
    }

    @Test
    void nullIsNotSetAndWriteMeansReadWrite() {
        Settings none = Settings.NONE.with(s -> s.mmapMode = MmapMode.WRITE);
        assertEquals(MmapMode.READ_WRITE, none.mmapMode(), "joblib's w+");
        assertNull(none.timeout());
        assertNull(none.backend());
    }

    @Test
    void aValueOverAnotherTakesItsOwnComponentsAndTheOthersFromBelow() {
        Settings below = Settings.BUILT_IN.with(s -> {
            s.timeout = Duration.ofSeconds(9);
            s.tempFolder = Path.of("/scratch");
        });
        Settings top = Settings.NONE.with(s -> {
            s.timeout = Duration.ofSeconds(1);
            s.backend = Backend.THREADS;
        });
        Settings merged = top.over(below);
        assertEquals(Duration.ofSeconds(1), merged.timeout());
        assertEquals(Backend.THREADS, merged.backend());
        assertEquals(Path.of("/scratch"), merged.tempFolder());
        assertEquals(Parallel.DEFAULT_MAX_BYTES, merged.maxBytes());
        assertSame(Settings.NONE.over(Settings.BUILT_IN).backend(), Settings.BUILT_IN.backend());
    }

    @Test
    void workerOptionsAreCopiedSoALaterChangeLeavesAnEarlierValueAlone() {
        Settings one = Settings.NONE.with(s -> s.workerProperty(null, "a", "1"));
        Settings two = one.with(s -> s.workerProperty(one.workerProperties(), "b", "2"));
        Settings three = two.with(s -> s.workerProperty(two.workerProperties(), "a", null));
        assertEquals(Map.of("a", "1"), one.workerProperties());
        assertEquals(Map.of("a", "1", "b", "2"), two.workerProperties());
        assertEquals(Map.of("b", "2"), three.workerProperties());
        Settings opts = Settings.NONE.with(s -> s.addWorkerJvmOptions(List.of("-Xss1m"), List.of("-XX:+UseSerialGC")));
        assertEquals(List.of("-Xss1m", "-XX:+UseSerialGC"), opts.workerJvmOptions());
        assertThrows(UnsupportedOperationException.class, () -> opts.workerJvmOptions().add("-ea"));
    }

    @Test
    void inForceReadsBlocksThenSystemPropertiesThenTheBuiltInDefaults() {
        assertEquals(Settings.BUILT_IN.maxBytes(), Settings.inForce().maxBytes());
        System.setProperty("jparallel.maxBytes", "2K");
        try {
            assertEquals(2048L, Settings.inForce().maxBytes());
            try (ParallelConfig outer = ParallelConfig.begin().maxBytes(10).timeout(Duration.ofSeconds(3));
                 ParallelConfig inner = ParallelConfig.begin().maxBytes(20).timeout(null)) {
                assertEquals(20L, Settings.inForce().maxBytes(), "the innermost block first");
                assertEquals(Duration.ofSeconds(3), Settings.inForce().timeout(), "an inner null leaves the outer value");
            }
            System.setProperty("jparallel.maxBytes", "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Settings::inForce);
            assertTrue(e.getMessage().startsWith("cannot use jparallel.maxBytes / JPARALLEL_MAX_BYTES = \"lots\""),
                    e.getMessage());
        } finally {
            System.clearProperty("jparallel.maxBytes");
        }
    }

    @Test
    void jparallelNJobsIsReadOnlyByParallelOfWithNoNumber() {
        System.setProperty("jparallel.nJobs", "lots");
        try {
            assertEquals(2, Parallel.of(2).nJobs(), "Parallel.of(2) never reads it");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Parallel::of);
            assertTrue(e.getMessage().contains("jparallel.nJobs") && e.getMessage().contains("\"lots\""), e.getMessage());
            try (ParallelConfig block = ParallelConfig.begin().nJobs(3)) {
                assertEquals(3, Parallel.of().nJobs(), "a block comes first");
            }
        } finally {
            System.clearProperty("jparallel.nJobs");
        }
    }

    @Test
    void aParallelKeepsWhatWasInForceWhenItWasMadeAndNullGivesThatBack() {
        Parallel p;
        try (ParallelConfig block = ParallelConfig.begin().timeout(Duration.ofSeconds(7)).backend(Backend.THREADS)) {
            p = Parallel.of(2);
        }
        assertEquals(Duration.ofSeconds(7), p.settings().timeout(), "the block's value outlives the block");
        p.timeout(Duration.ofSeconds(1)).timeout(null);
        assertEquals(Duration.ofSeconds(7), p.settings().timeout(), "null: the value it had without the setter");
        assertEquals(Backend.THREADS, p.settings().backend());
    }
}
