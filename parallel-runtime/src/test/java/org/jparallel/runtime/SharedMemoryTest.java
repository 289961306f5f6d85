package org.jparallel.runtime;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleArray;
import org.jparallel.memmap.DoubleMatrix;
import org.jparallel.memmap.IntMatrix;
import org.jparallel.memmap.LongMatrix;
import org.jparallel.memmap.LongArray;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.jparallel.memmap.ReadOnlyArrayException;
import org.jparallel.memmap.SharedArray;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Automatic memmapping: what travels as a file, what is shared, what is refused, what is removed. */
@ExtendWith(NoLeftovers.class)
class SharedMemoryTest {
    private static final long ME = ProcessHandle.current().pid();

    /** This JVM's per-call dump folders, wherever they are. */
    static List<Path> callFolders() throws IOException {
        return ownFolders("call");
    }

    /** The dump files that ended calls of this JVM left for the next call to write over (DumpRecycler). */
    static List<Path> keptFiles() throws IOException {
        List<Path> files = new java.util.ArrayList<>();
        for (Path folder : ownFolders("kept")) {
            try (Stream<Path> inside = Files.list(folder)) {
                inside.forEach(files::add);
            } catch (java.nio.file.NoSuchFileException goneMeanwhile) {
                // its last file expired
            }
        }
        return files;
    }

    private static List<Path> ownFolders(String tag) throws IOException {
        try (Stream<Path> s = Stream.concat(Files.list(Path.of("/dev/shm")), Files.list(Path.of(System.getProperty("java.io.tmpdir"))))) {
            return s.filter(p -> p.getFileName().toString().matches("jparallel-" + ME + "-\\d+-" + tag + "-.*"))
                    .collect(Collectors.toList());
        }
    }

    /** Kept dump files go {@code DumpRecycler.KEEP_MILLIS} (5 s) after their call, on a timer. */
    static final Duration KEPT_FILES_GO = Duration.ofSeconds(20);

    private static DoubleMatrix heapMatrix(int rows, int cols) {
        double[][] data = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                data[r][c] = r + c / (double) cols;
            }
        }
        return DoubleMatrix.of(data);
    }

    private static String whereItLives(Object array) {
        return ((SharedArray) array).handle().map(h -> h.file().toString()).orElse("heap");
    }

    @Test
    void aLargeHeapArrayIsDumpedOncePerCallAndMappedByEveryWorker() throws IOException {
        DoubleMatrix m = heapMatrix(64, 4096);   // 2 MiB > 1 MiB
        List<Long> rows = LongStream.range(0, 64).boxed().collect(Collectors.toList());
        // Captured by the function and passed as an argument to every task: still one file.
        List<String> seen = Parallel.of(2).batchSize(4).map(delayed((Long r) -> {
            try (Stream<Path> files = Files.list(m.handle().orElseThrow().file().getParent())) {
                return Memmap.isShared(m) + " " + files.count() + " " + whereItLives(m) + " " + m.row(r).sum();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }), rows);
        for (int r = 0; r < 64; r++) {
            String[] parts = seen.get(r).split(" ");
            assertEquals("true", parts[0], "mapped in the worker");
            assertEquals("1", parts[1], "one dump for the whole call");
            assertTrue(parts[2].startsWith("/dev/shm/jparallel-" + ME + "-"), parts[2]);
            assertEquals(m.row(r).sum(), Double.parseDouble(parts[3]));
        }
        assertEquals(1, seen.stream().map(s -> s.split(" ")[2]).distinct().count());
        assertFalse(Memmap.isShared(m), "the caller's array stays on the heap");
        await().atMost(Duration.ofSeconds(5)).until(() -> callFolders().isEmpty());
    }

    @Test
    void aLoopOfCallsWritesOverTheLastCallsDumpAndEachCallSeesItsOwnArray() throws IOException {
        DoubleMatrix ones = filled(64, 4096, 1.0);   // 2 MiB > 1 MiB: dumped
        DoubleMatrix twos = filled(64, 4096, 2.0);
        Parallel p = Parallel.of(2);
        List<String> first = p.map(delayed((Integer i) -> inode(ones) + " " + ones.sum()), List.of(0, 1));
        assertEquals(1, keptFiles().size(), "the ended call's dump is kept: " + keptFiles());
        List<String> second = p.map(delayed((Integer i) -> inode(twos) + " " + twos.sum()), List.of(0, 1));
        String file = first.get(0).split(" ")[0];
        assertEquals(List.of(file + " " + 64 * 4096.0, file + " " + 64 * 4096.0), first);
        assertEquals(List.of(file + " " + 2 * 64 * 4096.0, file + " " + 2 * 64 * 4096.0), second,
                "the second call's array, written over the first call's file (the same inode)");

        DoubleMatrix other = filled(48, 4096, 3.0);   // 1.5 MiB, another size: a new file
        List<String> third = p.map(delayed((Integer i) -> inode(other) + " " + other.sum()), List.of(0));
        assertFalse(third.get(0).startsWith(file + " "), third.get(0));
        assertEquals(48 * 4096 * 3.0, Double.parseDouble(third.get(0).split(" ")[1]));
        assertEquals(2, keptFiles().size(), "/dev/shm has room: the other size's kept file waits for its expiry"
                + " beside the third call's: " + keptFiles());

        Parallel.shutdownWorkers();
        assertEquals(List.of(), ownFolders("kept"), "shutdownWorkers deletes the kept files and their folder at once");
        p.map(delayed((Integer i) -> ones.sum()), List.of(0));
        await("a kept file to expire").atMost(KEPT_FILES_GO).until(() -> ownFolders("kept").isEmpty());
    }

    /** The inode of the file a dumped array maps, seen from a worker. */
    private static String inode(SharedArray array) {
        try {
            return Files.getAttribute(array.handle().orElseThrow().file(), "unix:ino").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDumpThatATaskReturnedIsNotWrittenOverByTheNextCall() {
        DoubleMatrix ones = filled(64, 4096, 1.0);
        DoubleMatrix twos = filled(64, 4096, 2.0);
        Parallel p = Parallel.of(2);
        DoubleMatrix back = (DoubleMatrix) p.map(delayed((Integer i) -> ones.rowSlice(0, 64)), List.of(0)).get(0);
        assertEquals(List.of(2 * 64 * 4096.0), p.map(delayed((Integer i) -> twos.sum()), List.of(0)));
        assertEquals(64 * 4096.0, back.sum(), "the returned view still holds the first call's array");
    }

    private static DoubleMatrix filled(int rows, int cols, double value) {
        double[][] data = new double[rows][cols];
        for (double[] row : data) {
            java.util.Arrays.fill(row, value);
        }
        return DoubleMatrix.of(data);
    }

    record Job(String name, DoubleMatrix data) {
    }

    @Test
    void sharedArraysAreFoundAnywhereInTheObjectGraph() {
        DoubleMatrix m = heapMatrix(256, 1024);   // 2 MiB
        DoubleArray v = DoubleArray.of(new double[300_000]);
        List<Object> args = List.of(new Job("a", m), Map.of("v", v), List.of(m, v));
        List<String> where = Parallel.of(2).batchSize(3).map(delayed((Object arg) -> {
            if (arg instanceof Job j) {
                return whereItLives(j.data());
            } else if (arg instanceof Map<?, ?> map) {
                return whereItLives(map.get("v"));
            }
            return whereItLives(((List<?>) arg).get(0)) + " " + whereItLives(((List<?>) arg).get(1));
        }), args);
        String matrixFile = where.get(0);
        String vectorFile = where.get(1);
        assertTrue(matrixFile.startsWith("/dev/shm/jparallel-" + ME) && vectorFile.startsWith("/dev/shm/jparallel-" + ME),
                where.toString());
        assertEquals(matrixFile + " " + vectorFile, where.get(2), "each array dumped once, wherever it appears");
    }

    /** Mappings of deleted files of ours that a process keeps: their pages cannot be freed. */
    static List<String> deletedButMapped(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/maps")).stream()
                    .filter(l -> l.contains("/jparallel-") && l.endsWith("(deleted)")).distinct()
                    .collect(Collectors.toList());
        } catch (IOException gone) {
            return List.of();
        }
    }

    @Test
    void aCallsDumpsLeaveMemoryWhenTheCallEnds() {
        Parallel p = Parallel.of(2).batchSize(1);
        for (int call = 0; call < 3; call++) {
            DoubleMatrix m = heapMatrix(64, 1 << 16);   // 32 MiB, dumped for this call only
            List<Long> workers = p.map(delayed((Integer i) -> {
                m.row(i).sum();
                return ProcessHandle.current().pid();
            }), List.of(0, 1, 2, 3));
            await("workers unmap the dumps of a finished call").atMost(Duration.ofSeconds(5)).until(() ->
                    workers.stream().distinct().allMatch(w -> deletedButMapped(w).isEmpty()));
        }
        // The last call's dump (each call wrote over the one before) is kept seconds, for a next call.
        await("the kept dump to expire").atMost(KEPT_FILES_GO).until(() -> keptFiles().isEmpty());
        DoubleArray closed = Memmap.doubles(1 << 20);
        List<Long> workers = p.map(delayed((Integer i) -> closed.sum() > -1 ? ProcessHandle.current().pid() : 0L), List.of(0, 1));
        closed.close();   // deleted by its owner while workers still have it mapped from an earlier call
        p.map(delayed((Integer i) -> i), List.of(0, 1));
        await("workers drop mappings of files deleted since").atMost(Duration.ofSeconds(5)).until(() ->
                workers.stream().distinct().allMatch(w -> deletedButMapped(w).isEmpty()));
    }

    @Test
    void dumpingFollowsMaxBytesStrictly() {
        double[] exactly = new double[1 << 17];                    // exactly 1 MiB: not dumped (joblib: strictly greater)
        DoubleArray shared = DoubleArray.of(new double[1 << 17]);
        Map<String, Object> seen = Parallel.of(2).map(delayed((Integer i) -> Map.<String, Object>of(
                "shared", Memmap.isShared(shared), "length", exactly.length, "dumped", dumpFolderExists())), List.of(1)).get(0);
        assertEquals(Map.of("shared", false, "length", 1 << 17, "dumped", false), seen);

        assertEquals(List.of(true), Parallel.of(2).maxBytes("1023K").map(delayed((Integer i) -> Memmap.isShared(shared)), List.of(1)));
        assertEquals(List.of(false), Parallel.of(2).maxBytes(0).noMemmap().map(delayed((Integer i) -> Memmap.isShared(shared)), List.of(1)));

        double[] big = new double[300_000];                         // a plain double[] over maxBytes: through a file
        big[299_999] = 7;
        assertEquals(List.of("true 7.0"), Parallel.of(2).map(delayed((Integer i) -> dumpFolderExists() + " " + big[299_999]),
                List.of(1)));
    }

    /** Seen from a worker: does its parent have a call folder right now? */
    private static boolean dumpFolderExists() {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        try (Stream<Path> s = Files.list(Path.of("/dev/shm"))) {
            return s.anyMatch(p -> p.getFileName().toString().matches("jparallel-" + parent + "-\\d+-call-.*"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMappedArrayTravelsAsItsFileAndWorkersWritesAreSeenHere() {
        DoubleMatrix input = Memmap.doubleMatrix(100, 1000);
        DoubleArray sums = Memmap.doubles(100);
        for (long r = 0; r < 100; r++) {
            input.row(r).fill(r);
        }
        List<String> files = Parallel.of(2).map(delayed((Long r) -> {
            sums.set(r, input.row(r).sum());
            return whereItLives(input);
        }), LongStream.range(0, 100).boxed().collect(Collectors.toList()));
        assertTrue(files.stream().allMatch(f -> f.equals(whereItLives(input))), "no dump: the same file");
        for (long r = 0; r < 100; r++) {
            assertEquals(r * 1000.0, sums.get(r), "row " + r);
        }
        input.close();
        sums.close();
    }

    @Test
    void aReadOnlyArgumentRefusesWritesWithAClearError() {
        DoubleMatrix m = heapMatrix(300, 1000);   // dumped, mapped READ_ONLY in workers by default
        ReadOnlyArrayException e = assertThrows(ReadOnlyArrayException.class,
                () -> Parallel.of(2).map(delayed((Integer i) -> {
                    m.set(0, 0, 1.0);
                    return i;
                }), List.of(1)));
        assertTrue(e.getMessage().contains("read-only") && e.getMessage().contains("READ_WRITE"), e.getMessage());
        // With mmapMode(READ_WRITE) the worker may scribble on its copy of the dump.
        assertEquals(List.of(1.0), Parallel.of(2).mmapMode(MmapMode.READ_WRITE).map(delayed((Integer i) -> {
            m.set(0, 0, 1.0);
            return m.get(0, 0);
        }), List.of(1)));
        assertEquals(0.0, m.get(0, 0), "the caller's heap array is not touched");
    }

    @Test
    void aSharedArrayReturnedByATaskComesBackAsAMapping() {
        DoubleArray big = Memmap.doubles(1000);
        big.set(999, 42);
        List<DoubleArray> back = Parallel.of(2).map(delayed((Integer i) -> i == 0 ? big.slice(500, 1000) : fresh()), List.of(0, 1));
        assertTrue(Memmap.isShared(back.get(0)));
        assertEquals(42, back.get(0).get(499));
        big.set(999, 43);
        assertEquals(43, back.get(0).get(499), "a view of the same pages, not a copy");
        assertTrue(Memmap.isShared(back.get(1)), "an array a worker allocated arrives mapped");
        assertEquals(3.0, back.get(1).get(2));
        big.close();
    }

    @Test
    void anArrayAWorkerAllocatedOutlivesTheWorker() {
        DoubleArray made = Parallel.of(2).map(delayed((Integer i) -> fresh()), List.of(1)).get(0);
        Parallel.shutdownWorkers();   // the workers, and their own temp folders, are gone
        assertEquals(3.0, made.get(2));
        assertTrue(whereItLives(made).startsWith("/dev/shm/jparallel-" + ME + "-"), "adopted: " + whereItLives(made));
        assertEquals(List.of(3.0), Parallel.of(2).map(delayed((Integer i) -> made.get(2)), List.of(1)),
                "and it can be passed on to new workers");
        made.close();
    }

    private static DoubleArray fresh() {
        DoubleArray a = Memmap.doubles(3);
        a.set(2, 3.0);
        return a;
    }

    @Test
    void atomicsFromSeveralWorkersAddUpExactly() {
        LongArray counter = Memmap.longs(4);
        DoubleArray total = Memmap.doubles(1);
        Parallel.of(2).batchSize(1).map(delayed((Integer w) -> {
            for (int i = 0; i < 1_000_000; i++) {
                counter.addAndGet(1, 1);
                if (i % 10 == 0) {
                    total.addAndGet(0, 0.5);
                }
            }
            return w;
        }), List.of(0, 1));
        assertEquals(2_000_000, counter.getVolatile(1));
        assertEquals(100_000.0, total.getVolatile(0));
        counter.close();
        total.close();
    }

    @Test
    void arraysOver2GiBTravelAndAreIndexedWith64Bits() {
        long cols = 1 << 20;
        long rows = 400;   // 400 x 1 Mi doubles = 3.1 GiB, 2^28.6 elements, offsets past 2^31 bytes
        DoubleMatrix m = Memmap.doubleMatrix(rows, cols);
        try {
            m.set(rows - 1, cols - 1, 5.0);
            m.set(300, 7, 2.0);
            List<Double> got = Parallel.of(2).map(delayed((Long r) -> m.row(r).sum() + m.get(rows - 1, cols - 1)),
                    List.of(300L, rows - 1));
            assertEquals(List.of(7.0, 10.0), got);
        } finally {
            m.close();
        }
    }

    @Test
    void aHeapArrayOver2GiBIsDumpedAndRead() {
        int rows = 400;
        double[][] data = new double[rows][];
        for (int r = 0; r < rows; r++) {
            data[r] = new double[1 << 20];   // 8 MiB a row, 3.1 GiB in all
            data[r][(1 << 20) - 1] = r;
        }
        DoubleMatrix m = DoubleMatrix.of(data);
        List<Double> sums = Parallel.of(2).batchSize(100).map(delayed((Long r) -> m.row(r).sum()),
                LongStream.range(0, rows).boxed().collect(Collectors.toList()));
        assertEquals(IntStream.range(0, rows).asDoubleStream().boxed().collect(Collectors.toList()), sums);
    }

    @Test
    void aTempFolderWithoutRoomFailsBeforeWritingAndLeavesNothing(@TempDir Path dir) throws Exception {
        Path small = dir.resolve("small");
        Files.createDirectories(small);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString())
                .inheritIO().start();
        assertEquals(0, mount.waitFor(), "this test mounts a 1 MiB tmpfs and needs root");
        try {
            DoubleMatrix m = heapMatrix(256, 1024);   // 2 MiB
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Parallel.of(2).tempFolder(small).map(delayed((Integer i) -> m.rows()), List.of(1)));
            assertTrue(e.getMessage().contains(small.toString()) && e.getMessage().contains("room"), e.getMessage());
            try (Stream<Path> left = Files.list(small)) {
                assertEquals(List.of(), left.collect(Collectors.toList()));
            }
        } finally {
            assertEquals(0, new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor());
        }
    }

    @Test
    void aConfiguredTempFolderIsUsedAndEmptiedAfterTheCall(@TempDir Path dir) throws Exception {
        DoubleMatrix m = heapMatrix(256, 1024);
        String where = Parallel.of(2).tempFolder(dir).map(delayed((Integer i) -> whereItLives(m)), List.of(1)).get(0);
        assertTrue(where.startsWith(dir + "/jparallel-" + ME + "-"), where);
        // The dump is kept seconds for a next call to write over (DumpRecycler), in this folder too.
        await().atMost(KEPT_FILES_GO).until(() -> {
            try (Stream<Path> s = Files.list(dir)) {
                return s.findAny().isEmpty();
            }
        });
    }
    @Test
    void aTaskThatReturnsItsDumpedArgumentOrAViewOfItGivesAnArrayThatOutlivesTheCall() {
        DoubleMatrix m = heapMatrix(64, 4096);   // 2 MiB: dumped
        List<SharedArray> back = Parallel.of(2).map(delayed((Integer i) -> i == 0 ? (SharedArray) m : m.row(5)), List.of(0, 1));
        DoubleMatrix whole = (DoubleMatrix) back.get(0);
        DoubleArray row = (DoubleArray) back.get(1);
        assertEquals(m.row(5).sum(), row.sum(), 1e-9);
        assertEquals(m.row(63).sum(), whole.row(63).sum(), 1e-9);
        // The call's dump is gone; what came back stays valid, and can be sent to another call.
        List<Double> again = Parallel.of(2).map(delayed((Integer r) -> whole.row(r).sum() + row.get(r)), List.of(5, 6));
        assertEquals(m.row(5).sum() + m.get(5, 5), again.get(0), 1e-9);
        assertEquals(m.row(6).sum() + m.get(5, 6), again.get(1), 1e-9);
    }

    @Test
    void mmapModeWriteIsAcceptedForArgumentsAsJoblibDoesAndMapsTheDumpWritable() throws IOException {
        DoubleMatrix m = heapMatrix(64, 4096);
        List<Path> keptBefore = keptFiles();   // earlier tests' dumps may still wait for their expiry
        List<Double> sums = Parallel.of(2).mmapMode(MmapMode.WRITE).map(delayed((Integer r) -> {
            m.set(r, 0, 1000.0);   // lands in the call's dump, not in the caller's heap array
            return m.row(r).sum();
        }), List.of(0, 1));
        assertEquals(heapMatrix(64, 4096).row(1).sum() - 1 + 1000.0, sums.get(1), 1e-6);
        assertEquals(1.0, m.get(1, 0), "the caller's heap array is unchanged, as joblib's is");
        // A late write of a cancelled task could land in the next call's array: a writable dump is not kept.
        List<Path> keptAfter = keptFiles();
        assertTrue(keptBefore.containsAll(keptAfter), "a dump mapped writable is not kept for the next call: " + keptAfter);
    }

    /** The integer matrices travel as the others do: dumped, mapped, inline, and back as results. */
    @Test
    void longAndIntMatricesTravelBetweenProcessesLikeTheOtherMatrices() {
        long[][] rows = new long[64][4096];   // 2 MiB > 1 MiB: dumped once, mapped in the workers
        for (int r = 0; r < 64; r++) {
            for (int c = 0; c < 4096; c++) {
                rows[r][c] = (long) r << 40 | c;
            }
        }
        LongMatrix dumped = LongMatrix.of(rows);
        IntMatrix small = IntMatrix.of(new int[][] {{1, 2, 3}, {4, 5, Integer.MAX_VALUE}});   // inline, as bytes
        try (IntMatrix counts = Memmap.intMatrix(8, 16)) {   // already mapped: travels as its file
            Parallel p = Parallel.of(2).batchSize(1);
            List<String> seen = p.map(delayed((Integer r) -> {
                counts.row(r % 8).addAndGet(r % 16, 1);   // atomic in the shared file, from both workers
                return Memmap.isShared(dumped) + " " + whereItLives(dumped) + " " + dumped.dtype() + " "
                        + dumped.row(r).sum() + " " + Memmap.isShared(small) + " " + small.sum() + " "
                        + whereItLives(counts);
            }), IntStream.range(0, 64).boxed().collect(Collectors.toList()));
            for (int r = 0; r < 64; r++) {
                String[] parts = seen.get(r).split(" ");
                assertEquals("true", parts[0], "mapped in the worker");
                assertTrue(parts[1].startsWith("/dev/shm/jparallel-" + ME + "-"), parts[1]);
                assertEquals("INT64", parts[2]);
                assertEquals(dumped.row(r).sum(), Long.parseLong(parts[3]), "row " + r);
                assertEquals("false", parts[4], "a small matrix travels inline, to the worker's heap");
                assertEquals(15L + Integer.MAX_VALUE, Long.parseLong(parts[5]));
                assertEquals(whereItLives(counts), parts[6], "a mapped matrix travels as its own file");
            }
            assertEquals(1, seen.stream().map(s -> s.split(" ")[1]).distinct().count(), "one dump for the call");
            assertEquals(64, counts.sum(), "every worker's atomic add is seen here");
            for (int r = 0; r < 16; r++) {
                assertEquals(4, counts.get(r % 8, r % 16), "tasks r, r+16, r+32 and r+48 add to one cell");
            }

            // A task's result: a view of the dumped argument comes back as a LongMatrix that outlives the call.
            List<SharedArray> back = p.map(delayed((Integer i) -> i == 0 ? (SharedArray) dumped.rowSlice(60, 64)
                    : (SharedArray) counts.rowSlice(2, 4)), List.of(0, 1));
            LongMatrix tail = (LongMatrix) back.get(0);
            IntMatrix middle = (IntMatrix) back.get(1);
            assertEquals(4, tail.rows());
            assertEquals(63L << 40 | 4095, tail.get(3, 4095));
            assertEquals(dumped.rowSlice(60, 64).sum(), tail.sum());
            assertEquals(counts.rowSlice(2, 4).sum(), middle.sum());
            middle.set(0, 0, 100);
            assertEquals(100, counts.get(2, 0), "the returned view maps the caller's own file");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> callFolders().isEmpty());
    }
}
