package org.jparallel.samples;

import org.jparallel.samples.Pipeline.ItemNorm;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the {@link Pipeline} sample on worker JVMs and checks every norm against this JVM's own computation. */
@ExtendWith(NoLeftovers.class)
class PipelineTest {
    private static final int ITEMS = 64;

    @Test
    void everyItemsNormMatchesASequentialComputation() {
        long seed = 2024;
        List<ItemNorm> norms = Pipeline.run(ITEMS, 3, seed);

        assertEquals(ITEMS, norms.size());
        long here = ProcessHandle.current().pid();
        for (int item = 0; item < ITEMS; item++) {
            ItemNorm result = norms.get(item);
            assertEquals(item, result.item());
            double expected = frobeniusNormOfReciprocals(seed, item);
            // The stages compute 1/(1+x) in float, this check in double: equal to float precision.
            assertEquals(expected, result.frobeniusNorm(), 1e-6 * expected, "item " + item);
            assertEquals(3, result.workerPids().size(), "one pid per stage: " + result);
            assertFalse(result.workerPids().contains(here), "a stage ran in the test JVM: " + result);
        }
        Set<Integer> slotsUsed = norms.stream().map(ItemNorm::slot).collect(Collectors.toSet());
        assertTrue(slotsUsed.size() <= Pipeline.SLOTS && slotsUsed.size() < ITEMS,
                "the items should share the ring's slots: " + slotsUsed);
    }

    /** Written apart from the sample: item i's bytes come from new Random(seed + i), as its Javadoc says. */
    private static double frobeniusNormOfReciprocals(long seed, int item) {
        byte[] bytes = new byte[64 * 64];
        new Random(seed + item).nextBytes(bytes);
        double sumOfSquares = 0;
        for (byte b : bytes) {
            double v = 1.0 / (1 + (b & 0xFF));
            sumOfSquares += v * v;
        }
        return Math.sqrt(sumOfSquares);
    }
}
