package org.jparallel.memmap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/** Allocation, dump, load and open of .npy files, and the errors for what cannot be mapped. */
@ExtendWith(NoLeftovers.class)
class MemmapTest {
    @TempDir
    Path dir;

    @Test
    void allocatedArraysLiveInPrivateNpyFilesInTheSessionFolderUntilClosed() throws IOException {
        Path file;
        try (DoubleArray a = Memmap.doubles(1000)) {
            Handle h = a.handle().orElseThrow();
            file = h.file();
            assertEquals(TempFolders.sessionFolder(0), file.getParent());
            assertTrue(file.getFileName().toString().endsWith(".npy"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
            assertEquals(MmapMode.READ_WRITE, h.mode());
            assertEquals(0, h.dataOffset() % 64);
            assertEquals(h.dataOffset() + 8000, Files.size(file));
            NpyHeader header = NpyHeader.read(file);
            assertEquals(DType.FLOAT64, header.dtype());
            assertArrayEquals(new long[] {1000}, header.shape());

            a.set(999, 2.5);
            DoubleArray keptView = a.slice(990, 1000);
            a.close();
            assertFalse(Files.exists(file), "close() deletes the file");
            assertEquals(2.5, keptView.get(9), "views stay readable: the mapping outlives the file name");
            a.close();
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void closingAViewOrALoadedArrayDeletesNothing() {
        try (DoubleArray a = Memmap.doubles(10)) {
            Path file = a.handle().orElseThrow().file();
            a.slice(0, 5).close();
            Memmap.open(a.handle().orElseThrow()).close();
            assertTrue(Files.exists(file));
        }
    }

    @Test
    void unreachableAllocatedArraysLoseTheirFile() {
        Path file = allocateAndDrop();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return !Files.exists(file);
        });
    }

    private static Path allocateAndDrop() {
        return Memmap.longs(100).handle().orElseThrow().file();
    }

    @Test
    void dumpWritesAnAlignedNpyV1HeaderAndReturnsAReadOnlyHandle() throws IOException {
        Path file = dir.resolve("a.npy");
        Handle h = Memmap.dump(DoubleArray.of(1, 2, 3, 4, 5), file);
        assertEquals(new Handle(file.toAbsolutePath(), h.dataOffset(), DType.FLOAT64, new long[] {5}, MmapMode.READ_ONLY), h);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(h.dataOffset() + 40, bytes.length);
        assertEquals(0, h.dataOffset() % 64);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(bytes, 8));
        String header = new String(bytes, 10, (int) h.dataOffset() - 10, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }"), header);
        assertTrue(header.endsWith(" \n"), "padded with spaces, ended by a newline");
        assertEquals(3.0, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getDouble((int) h.dataOffset() + 16));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Memmap.dump(FloatMatrix.of(new float[3][4]), file);
        assertTrue(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("'shape': (3, 4), }"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no partial file is left");
        }
    }

    @Test
    void dumpAndLoadRoundTripEveryLayoutFromHeapAndMappedSources() {
        Path file = dir.resolve("x.npy");
        double[] values = new double[1_500_000];   // 12 MB: several passes through the write buffer
        Arrays.setAll(values, i -> i * 0.5);
        Memmap.dump(DoubleArray.of(values), file);
        DoubleArray loaded = Memmap.loadDoubles(file, MmapMode.READ_ONLY);
        assertArrayEquals(values, loaded.toArray());

        Path fromMapped = dir.resolve("y.npy");
        Handle sliceHandle = Memmap.dump(loaded.slice(1000, 2000), fromMapped);
        assertArrayEquals(new long[] {1000}, sliceHandle.shape());
        assertArrayEquals(Arrays.copyOfRange(values, 1000, 2000), ((DoubleArray) Memmap.open(sliceHandle)).toArray());

        double[][] rows = new double[1000][300];
        for (int r = 0; r < rows.length; r++) {
            Arrays.fill(rows[r], r);
        }
        Memmap.dump(DoubleMatrix.of(rows).rowSlice(10, 900), file);
        DoubleMatrix matrix = Memmap.loadDoubleMatrix(file, MmapMode.READ_ONLY);
        assertEquals(890, matrix.rows());
        assertEquals(899.0, matrix.get(889, 299));
        assertEquals(300.0 * (10 + 899) * 890 / 2, matrix.sum());

        Memmap.dump(Memmap.loadDoubleMatrix(file, MmapMode.READ_ONLY).rowSlice(1, 3), fromMapped);
        assertArrayEquals(new double[] {11, 11, 11}, Arrays.copyOf(Memmap.loadDoubleMatrix(fromMapped, MmapMode.READ_ONLY).row(0).toArray(), 3));

        Memmap.dump(FloatArray.of(1.5f, -2f), file);
        assertArrayEquals(new float[] {1.5f, -2f}, Memmap.loadFloats(file, MmapMode.READ_ONLY).toArray());
        Memmap.dump(LongArray.of(Long.MIN_VALUE, 7), file);
        assertArrayEquals(new long[] {Long.MIN_VALUE, 7}, Memmap.loadLongs(file, MmapMode.READ_ONLY).toArray());
        Memmap.dump(IntArray.of(-3, Integer.MAX_VALUE), file);
        assertArrayEquals(new int[] {-3, Integer.MAX_VALUE}, Memmap.loadInts(file, MmapMode.READ_ONLY).toArray());
        Memmap.dump(ByteArray.of((byte) -1, (byte) 2), file);
        assertArrayEquals(new byte[] {-1, 2}, Memmap.loadBytes(file, MmapMode.READ_ONLY).toArray());
        Memmap.dump(FloatMatrix.of(new float[][] {{1}, {2}}), file);
        assertEquals(3.0, Memmap.loadFloatMatrix(file, MmapMode.READ_ONLY).sum());
        Memmap.dump(DoubleArray.of(), file);
        assertEquals(0, Memmap.loadDoubles(file, MmapMode.READ_ONLY).length());
    }

    @Test
    void loadPicksTheTypeFromTheHeader() {
        Path file = dir.resolve("t.npy");
        Memmap.dump(IntArray.of(1, 2), file);
        assertInstanceOf(IntArray.class, Memmap.load(file, MmapMode.READ_ONLY));
        Memmap.dump(DoubleMatrix.of(new double[2][2]), file);
        assertInstanceOf(DoubleMatrix.class, Memmap.load(file, MmapMode.READ_ONLY));
        Memmap.dump(ByteArray.of((byte) 1), file);
        assertInstanceOf(ByteArray.class, Memmap.load(file, MmapMode.READ_ONLY));
    }

    @Test
    void redumpingAMappedFileLeavesExistingMappingsIntact() {
        Path file = dir.resolve("r.npy");
        Memmap.dump(DoubleArray.of(1, 2, 3), file);
        DoubleArray old = Memmap.loadDoubles(file, MmapMode.READ_ONLY);
        Memmap.dump(DoubleArray.of(7, 8, 9, 10, 11), file);
        assertArrayEquals(new double[] {1, 2, 3}, old.toArray(), "the old file is replaced, not overwritten");
        assertArrayEquals(new double[] {7, 8, 9, 10, 11}, Memmap.loadDoubles(file, MmapMode.READ_ONLY).toArray());
    }

    @Test
    void readWriteLoadsWriteTheFileAndCopyOnWriteLoadsDoNot() {
        Path file = dir.resolve("w.npy");
        Memmap.dump(LongArray.of(1, 2, 3), file);
        LongArray privateCopy = Memmap.loadLongs(file, MmapMode.COPY_ON_WRITE);
        privateCopy.set(0, 100);
        assertEquals(1, Memmap.loadLongs(file, MmapMode.READ_ONLY).get(0));
        LongArray shared = Memmap.loadLongs(file, MmapMode.READ_WRITE);
        shared.set(1, 200);
        assertEquals(200, Memmap.loadLongs(file, MmapMode.READ_ONLY).get(1));
        assertEquals(100, privateCopy.get(0));
    }

    @Test
    void openSharesTheMemoryAndReusesMappingsUntilForgotten() {
        try (DoubleArray a = Memmap.doubles(100)) {
            DoubleArray view = a.slice(10, 20);
            Handle h = view.handle().orElseThrow();
            assertEquals(a.handle().orElseThrow().dataOffset() + 80, h.dataOffset());
            assertArrayEquals(new long[] {10}, h.shape());
            DoubleArray opened = (DoubleArray) Memmap.open(h);
            opened.set(0, 4.5);
            assertEquals(4.5, a.get(10));
            a.set(19, -1);
            assertEquals(-1.0, opened.get(9));

            DoubleArray again = (DoubleArray) Memmap.open(a.handle().orElseThrow());
            assertSame(regionOf(opened), regionOf(again), "one mapping per file and mode");
            Memmap.forget(h.file());
            assertNotSame(regionOf(opened), regionOf(Memmap.open(h)));

            Handle copyOnWrite = new Handle(h.file(), h.dataOffset(), h.dtype(), h.shape(), MmapMode.COPY_ON_WRITE);
            DoubleArray first = (DoubleArray) Memmap.open(copyOnWrite);
            DoubleArray second = (DoubleArray) Memmap.open(copyOnWrite);
            first.set(1, 7);
            assertEquals(0.0, second.get(1), "copy-on-write opens are private to each caller");
            assertEquals(0.0, a.get(11));
        }
    }

    @Test
    void openMapsAReplacedFileAfresh() {
        Path file = dir.resolve("o.npy");
        Handle before = Memmap.dump(DoubleArray.of(1, 2), file);
        DoubleArray first = (DoubleArray) Memmap.open(before);
        Handle after = Memmap.dump(DoubleArray.of(3, 4), file);
        DoubleArray second = (DoubleArray) Memmap.open(after);
        assertNotSame(regionOf(first), regionOf(second));
        assertEquals(3.0, second.get(0));
        assertEquals(1.0, first.get(0));
    }

    private static MappedRegion regionOf(SharedArray array) {
        return ((MappedArray) array).region;
    }

    @Test
    void isSharedIsTrueOnlyForMappedArrays() {
        try (IntArray mapped = Memmap.ints(3)) {
            assertTrue(Memmap.isShared(mapped));
            assertTrue(Memmap.isShared(mapped.slice(1, 2)));
        }
        assertFalse(Memmap.isShared(IntArray.of(1)));
        assertFalse(Memmap.isShared(new int[] {1}));
        assertFalse(Memmap.isShared(null));
    }

    @Test
    void writesToReadOnlyArraysAreRefusedSayingHowToFixIt() {
        Path file = dir.resolve("ro.npy");
        Memmap.dump(DoubleArray.of(1, 2, 3), file);
        DoubleArray a = Memmap.loadDoubles(file, MmapMode.READ_ONLY);
        assertTrue(a.isReadOnly());
        assertEquals(6.0, a.sum(), "reading works");
        for (Executable write : List.<Executable>of(
                () -> a.set(0, 1), () -> a.fill(0), () -> a.copyFrom(new double[1], 0, 0, 1),
                () -> a.setVolatile(0, 1), () -> a.addAndGet(0, 1), () -> a.compareAndSet(0, 1, 2),
                () -> a.slice(1, 2).set(0, 5))) {
            ReadOnlyArrayException e = assertThrows(ReadOnlyArrayException.class, write);
            assertInstanceOf(UnsupportedOperationException.class, e);
            assertEquals("mapped read-only from " + file + "; load it with MmapMode.READ_WRITE or allocate it with"
                    + " Memmap.doubles(...)", e.getMessage());
            assertEquals(file, e.file());
        }
        assertArrayEquals(new double[] {1, 2, 3}, a.toArray());

        IntArray ints = (IntArray) Memmap.open(Memmap.dump(IntArray.of(1), file));
        assertTrue(assertThrows(ReadOnlyArrayException.class, () -> ints.addAndGet(0, 1)).getMessage()
                .endsWith("Memmap.ints(...)"));
        Memmap.dump(DoubleMatrix.of(new double[2][2]), file);
        DoubleMatrix matrix = Memmap.loadDoubleMatrix(file, MmapMode.READ_ONLY);
        assertThrows(ReadOnlyArrayException.class, () -> matrix.set(0, 0, 1));
        assertThrows(ReadOnlyArrayException.class, () -> matrix.row(1).fill(1));
        Memmap.dump(LongArray.of(1), file);
        assertThrows(ReadOnlyArrayException.class, () -> Memmap.loadLongs(file, MmapMode.READ_ONLY).setVolatile(0, 1));
        Memmap.dump(FloatArray.of(1), file);
        assertThrows(ReadOnlyArrayException.class, () -> Memmap.loadFloats(file, MmapMode.READ_ONLY).fill(1));
        Memmap.dump(ByteArray.of((byte) 1), file);
        assertThrows(ReadOnlyArrayException.class, () -> Memmap.loadBytes(file, MmapMode.READ_ONLY).set(0, (byte) 1));
    }

    @Test
    void loadErrorsNameTheFileTheProblemAndTheWayOut() throws IOException {
        Path file = dir.resolve("e.npy");
        Memmap.dump(DoubleMatrix.of(new double[3][4]), file);
        assertMessage(() -> Memmap.loadDoubles(file, MmapMode.READ_ONLY), file.toString(), "expects a 1-D float64",
                "shape (3, 4)", "use Memmap.loadDoubleMatrix(...)");
        assertMessage(() -> Memmap.loadFloatMatrix(file, MmapMode.READ_ONLY), "Memmap.loadFloatMatrix expects a 2-D float32",
                "holds a 2-D float64", "use Memmap.loadDoubleMatrix(...)");
        Memmap.dump(IntArray.of(1, 2), file);
        assertMessage(() -> Memmap.loadLongs(file, MmapMode.READ_ONLY), "Memmap.loadLongs expects a 1-D int64 ('<i8')",
                "holds a 1-D int32", "use Memmap.loadInts(...)");
        assertMessage(() -> Memmap.load(file, MmapMode.WRITE), "WRITE creates a new file", "Memmap.doubles(...)",
                "Memmap.dump(...)");

        Handle h = Memmap.dump(LongArray.of(1, 2, 3), file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(file) - 1);
        }
        assertMessage(() -> Memmap.loadLongs(file, MmapMode.READ_ONLY), file.toString(), "is truncated");
        assertMessage(() -> Memmap.open(h), file.toString(), "is truncated");

        Path text = Files.writeString(dir.resolve("text.npy"), "hello, not numpy");
        assertMessage(() -> Memmap.load(text, MmapMode.READ_ONLY), text.toString(), "is not a .npy file");
        Path empty = Files.createFile(dir.resolve("empty.npy"));
        assertMessage(() -> Memmap.load(empty, MmapMode.READ_ONLY), "is not a .npy file");
        Path headerOnly = Files.write(dir.resolve("short.npy"), Arrays.copyOf(Files.readAllBytes(file), 20));
        assertMessage(() -> Memmap.load(headerOnly, MmapMode.READ_ONLY), "is truncated");
        assertMessage(() -> Memmap.open(new Handle(file, 64, DType.INT64, new long[] {2, 2, 2}, MmapMode.READ_ONLY)),
                "3-D int64", "supported: 1-D arrays");
        assertMessage(() -> Memmap.open(new Handle(file, 68, DType.INT64, new long[] {1}, MmapMode.READ_ONLY)),
                "data offset 68 is not a multiple of the 8-byte element size");
        assertThrows(UncheckedIOException.class,
                () -> Memmap.open(new Handle(dir.resolve("missing.npy"), 64, DType.INT64, new long[] {1}, MmapMode.READ_ONLY)));
        assertThrows(UncheckedIOException.class, () -> Memmap.load(dir.resolve("missing.npy"), MmapMode.READ_ONLY));
    }

    @Test
    void allocationFailsBeforeWritingWhenNoTempFolderHasRoom() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Memmap.doubles(1L << 50));
        assertTrue(e.getMessage().startsWith("not enough temp space for " + ((1L << 53) + 128) + " bytes: /dev/shm has "),
                e.getMessage());
    }

    @Test
    void handlesCompareShapesByContentAndCannotBeChangedFromOutside() {
        long[] shape = {2, 3};
        Handle h = new Handle(Path.of("/x.npy"), 128, DType.FLOAT32, shape, MmapMode.READ_ONLY);
        shape[0] = 99;
        h.shape()[1] = 99;
        assertArrayEquals(new long[] {2, 3}, h.shape());
        Handle same = new Handle(Path.of("/x.npy"), 128, DType.FLOAT32, new long[] {2, 3}, MmapMode.READ_ONLY);
        assertEquals(same, h);
        assertEquals(same.hashCode(), h.hashCode());
        assertTrue(h.toString().contains("shape=(2, 3)"), h.toString());
        assertEquals(24, h.byteSize());
        assertThrows(IllegalArgumentException.class, () -> new Handle(Path.of("/x"), -1, DType.INT8, new long[] {1}, MmapMode.READ_ONLY));
        assertThrows(IllegalArgumentException.class, () -> new Handle(Path.of("/x"), 0, DType.INT8, new long[] {-1}, MmapMode.READ_ONLY));
    }

    static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "expected '" + part + "' in: " + e.getMessage());
        }
    }
}
