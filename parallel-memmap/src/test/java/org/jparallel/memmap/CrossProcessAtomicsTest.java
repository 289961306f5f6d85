package org.jparallel.memmap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Atomic additions on a shared mapped file from two JVMs at once lose no update. */
@ExtendWith(NoLeftovers.class)
class CrossProcessAtomicsTest {
    private static final int ADDS_PER_PROCESS = 1_000_000;

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"INT64", "FLOAT64", "INT32", "FLOAT32"})
    void twoProcessesAddingToOneElementGetTheExactTotal(DType dtype) {
        try (SharedArray array = switch (dtype) {
            case INT64 -> Memmap.longs(2);
            case FLOAT64 -> Memmap.doubles(2);
            case FLOAT32 -> Memmap.floats(2);   // 2,000,000 is exact in a float: every lost update would show
            default -> Memmap.ints(2);
        }) {
            Handle handle = array.handle().orElseThrow();
            Process child = TestSupport.startJava(AtomicAdder.class, Map.of(), handle.file().toString(),
                    Long.toString(handle.dataOffset()), dtype.name(), "2", Integer.toString(ADDS_PER_PROCESS));
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> AtomicAdder.valueOf(array, AtomicAdder.READY) == 1 || !child.isAlive());
                if (child.isAlive()) {   // else the exit code check below reports what went wrong
                    AtomicAdder.markReadyAndWaitForTheOther(array);
                    for (int i = 0; i < ADDS_PER_PROCESS; i++) {
                        AtomicAdder.addOne(array);
                    }
                }
            } finally {
                TestSupport.Finished finished = TestSupport.finish(child);
                assertEquals(0, finished.exitCode(), finished.output());
            }
            assertEquals(2.0 * ADDS_PER_PROCESS, AtomicAdder.valueOf(array, AtomicAdder.COUNTER));
        }
    }
}
