package org.jparallel.samples;

import org.jparallel.Fn;
import org.jparallel.Parallel;
import org.jparallel.memmap.ByteArray;
import org.jparallel.memmap.FloatMatrix;
import org.jparallel.memmap.Memmap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.jparallel.Parallel.delayed;

/**
 * A three-stage pipeline whose stages run as tasks on worker JVMs and pass 4 KiB buffers to each
 * other through shared memory. Only small {@link Handoff} records (an item number, a slot number
 * and the pids of the workers so far) travel between the processes; the buffers never do.
 *
 * <ol>
 *   <li><b>fill</b>: a worker fills the item's 4 KiB byte slot with random bytes, seeded with
 *       {@code seed + item};</li>
 *   <li><b>convert</b>: a worker, often another one, reads those bytes and writes {@code 1/(1+x)}
 *       ({@code x} the unsigned byte) into the item's float slot, a 64 × 64 matrix;</li>
 *   <li><b>norm</b>: a worker reads that matrix and returns its Frobenius norm.</li>
 * </ol>
 *
 * <p>The parent allocates the slots once, as two rings of {@link #SLOTS} slots in shared memory
 * ({@link Memmap#bytes} and {@link Memmap#floatMatrix}), and the stage functions capture them: a
 * mapped array travels as its file name, so every worker maps the same pages. The stages are
 * chained as lazy streams (stage 2's arguments are stage 1's results as they complete, stage 3's
 * are stage 2's), so all three stages work at once, on different items. A slot goes back to the
 * ring when its item's norm arrives; since each stage keeps at most {@link #IN_FLIGHT_PER_STAGE}
 * items on the workers, {@code 3 × IN_FLIGHT_PER_STAGE} slots carry any number of items.
 *
 * <pre>
 * java -cp "samples/target/jparallel-samples.jar:samples/target/lib/*" org.jparallel.samples.Pipeline [items] [workers]
 * </pre>
 */
public final class Pipeline {
    static final int BUFFER_BYTES = 4096;
    /** A float slot is a SIDE × SIDE matrix: one float per byte of the byte slot. */
    static final int SIDE = 64;
    static final int IN_FLIGHT_PER_STAGE = 4;
    /** Enough for every item the three stages can hold at once, so a free slot is always there. */
    static final int SLOTS = 3 * IN_FLIGHT_PER_STAGE;

    /** What a stage hands the next one: where the item's buffers are, never their contents. */
    public record Handoff(int item, int slot, List<Long> workerPids) {
        /** This handoff, with the pid of the process that ran the stage appended. */
        Handoff doneHere() {
            List<Long> pids = new ArrayList<>(workerPids);
            pids.add(ProcessHandle.current().pid());
            return new Handoff(item, slot, List.copyOf(pids));
        }
    }

    /** The result for one item, with the pids of the workers that ran its fill, convert and norm stages. */
    public record ItemNorm(int item, int slot, double frobeniusNorm, List<Long> workerPids) {
    }

    private Pipeline() {
    }

    public static void main(String[] args) {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long seed = 42;

        List<ItemNorm> norms = run(items, workers, seed);

        for (ItemNorm n : norms.subList(0, Math.min(8, norms.size()))) {
            System.out.printf("item %2d (slot %2d): filled in pid %d, converted in pid %d, norm in pid %d: "
                            + "Frobenius norm %.6f%n",
                    n.item(), n.slot(), n.workerPids().get(0), n.workerPids().get(1), n.workerPids().get(2),
                    n.frobeniusNorm());
        }
        if (norms.size() > 8) {
            System.out.println("...");
        }
        long handedToAnotherWorker = norms.stream()
                .filter(n -> !n.workerPids().get(0).equals(n.workerPids().get(1)))
                .count();
        System.out.printf("%d items flowed through %d slots of %d bytes + %d floats in shared memory; the stages "
                        + "passed each other only Handoff(item, slot, pids) records%n",
                norms.size(), SLOTS, BUFFER_BYTES, SIDE * SIDE);
        System.out.printf("stage 2 read stage 1's bytes in another worker for %d of the %d items%n",
                handedToAnotherWorker, norms.size());

        double worst = 0;
        for (ItemNorm n : norms) {
            double expected = sequentialNorm(seed, n.item());
            worst = Math.max(worst, Math.abs(n.frobeniusNorm() - expected) / expected);
        }
        Parallel.shutdownWorkers();
        if (worst > 1e-12) {
            System.out.println("MISMATCH: the pipeline's norms differ from the sequential ones (relative error "
                    + worst + ")");
            System.exit(1);
        }
        System.out.printf("OK: %d norms from the worker pipeline match a sequential computation (relative error "
                + "%.1e)%n", norms.size(), worst);
    }

    /**
     * Runs {@code items} items through the three stages on {@code workers} worker JVMs.
     *
     * @return one result per item, in item order
     */
    public static List<ItemNorm> run(int items, int workers, long seed) {
        Deque<Integer> freeSlots = new ArrayDeque<>();
        IntStream.range(0, SLOTS).forEach(freeSlots::add);
        // Lazy: stage 1 asks for its next item, and so claims a slot, only when it has room for it.
        Iterable<Handoff> newItems = () -> IntStream.range(0, items)
                .mapToObj(item -> new Handoff(item, claim(freeSlots), List.of()))
                .iterator();

        List<ItemNorm> results = new ArrayList<>(items);
        try (ByteArray byteSlots = Memmap.bytes((long) SLOTS * BUFFER_BYTES);
             FloatMatrix floatSlots = Memmap.floatMatrix((long) SLOTS * SIDE, SIDE);
             // One task per batch and a bounded window per stage: that bound is what makes SLOTS enough.
             Parallel parallel = Parallel.of(workers).batchSize(1).preDispatch(IN_FLIGHT_PER_STAGE);
             Stream<Handoff> filled = parallel.streamUnordered(delayed(fill(byteSlots, seed)), newItems);
             Stream<Handoff> converted = parallel.streamUnordered(
                     delayed(convert(byteSlots, floatSlots)), filled::iterator);
             Stream<ItemNorm> normed = parallel.streamUnordered(delayed(norm(floatSlots)), converted::iterator)) {
            normed.forEach(result -> {
                freeSlots.add(result.slot());   // its buffers have been read for the last time
                results.add(result);
            });
        }
        results.sort(Comparator.comparingInt(ItemNorm::item));
        return results;
    }

    private static int claim(Deque<Integer> freeSlots) {
        Integer slot = freeSlots.poll();
        if (slot == null) {
            throw new IllegalStateException("no free slot: more than " + SLOTS + " items in flight");
        }
        return slot;
    }

    /** Stage 1: seeded random bytes into the item's byte slot. */
    static Fn<Handoff, Handoff> fill(ByteArray byteSlots, long seed) {
        return handoff -> {
            byte[] bytes = new byte[BUFFER_BYTES];
            new Random(seed + handoff.item()).nextBytes(bytes);
            byteSlot(byteSlots, handoff.slot()).copyFrom(bytes, 0, 0, BUFFER_BYTES);
            return handoff.doneHere();
        };
    }

    /** Stage 2: 1/(1+x) of each unsigned byte of the byte slot into the item's 64 × 64 float slot. */
    static Fn<Handoff, Handoff> convert(ByteArray byteSlots, FloatMatrix floatSlots) {
        return handoff -> {
            byte[] bytes = new byte[BUFFER_BYTES];
            byteSlot(byteSlots, handoff.slot()).copyTo(0, bytes, 0, BUFFER_BYTES);
            FloatMatrix matrix = matrixSlot(floatSlots, handoff.slot());
            float[] row = new float[SIDE];
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    row[c] = reciprocal(bytes[r * SIDE + c]);
                }
                matrix.row(r).copyFrom(row, 0, 0, SIDE);
            }
            return handoff.doneHere();
        };
    }

    /** Stage 3: the Frobenius norm (square root of the sum of squares) of the item's matrix. */
    static Fn<Handoff, ItemNorm> norm(FloatMatrix floatSlots) {
        return handoff -> {
            FloatMatrix matrix = matrixSlot(floatSlots, handoff.slot());
            float[] row = new float[SIDE];
            double sumOfSquares = 0;
            for (int r = 0; r < SIDE; r++) {
                matrix.row(r).copyTo(0, row, 0, SIDE);
                for (float v : row) {
                    sumOfSquares += (double) v * v;
                }
            }
            Handoff done = handoff.doneHere();
            return new ItemNorm(done.item(), done.slot(), Math.sqrt(sumOfSquares), done.workerPids());
        };
    }

    private static ByteArray byteSlot(ByteArray byteSlots, int slot) {
        return byteSlots.slice((long) slot * BUFFER_BYTES, (long) (slot + 1) * BUFFER_BYTES);
    }

    private static FloatMatrix matrixSlot(FloatMatrix floatSlots, int slot) {
        return floatSlots.rowSlice((long) slot * SIDE, (long) (slot + 1) * SIDE);
    }

    private static float reciprocal(byte b) {
        return 1f / (1 + Byte.toUnsignedInt(b));
    }

    /** The norm of one item computed in this JVM, on a plain Java array. */
    static double sequentialNorm(long seed, int item) {
        byte[] bytes = new byte[BUFFER_BYTES];
        new Random(seed + item).nextBytes(bytes);
        double sumOfSquares = 0;
        for (byte b : bytes) {
            float v = reciprocal(b);
            sumOfSquares += (double) v * v;
        }
        return Math.sqrt(sumOfSquares);
    }
}
