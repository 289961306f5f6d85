package org.jparallel.memmap;

import static org.jparallel.memmap.MemmapTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Persistent {@code .npy} files created in place ({@link Memmap#create} and its typed variants): sparse,
 * mapped read-write, kept after {@code close()}, opened by NumPy and by another JVM, and refused clearly
 * where they cannot be made. The folder is a disk folder (java.io.tmpdir), as for a matrix larger than memory.
 */
@ExtendWith(NoLeftovers.class)
class CreateTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @BeforeAll
    static void numpyIsInstalled() {
        TestSupport.requireNumpy();
    }

    @Test
    void aCreatedMatrixIsASparseNpyFileThatOutlivesClose() throws IOException {
        Path file = dir.resolve("big.npy");
        long rows = 5;
        long cols = 120_000_000L;   // 4.8 GB: past the 4 GiB chunk boundary, in no memory and no disk space
        try (DoubleMatrix m = Memmap.createDoubleMatrix(file, rows, cols)) {
            Handle h = m.handle().orElseThrow();
            assertEquals(file.toAbsolutePath(), h.file(), "the file is the one named, not a temp file");
            assertEquals(MmapMode.READ_WRITE, h.mode());
            assertFalse(m.isReadOnly());
            assertEquals(0, h.dataOffset() % 64);
            assertEquals(h.dataOffset() + rows * cols * 8, Files.size(file));
            NpyHeader header = NpyHeader.read(file);
            assertEquals(DType.FLOAT64, header.dtype());
            assertArrayEquals(new long[] {rows, cols}, header.shape());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertTrue(diskBytes(file) < 1 << 20, "sparse: " + diskBytes(file) + " bytes on disk");

            for (long r = 0; r < rows; r++) {
                m.set(r, cols - 1, r + 0.5);
                m.set(r, 0, 2 * r);
            }
            assertEquals(4.5, m.get(4, cols - 1));
            assertTrue(diskBytes(file) < 1 << 20, "writing 10 elements allocates a few pages: " + diskBytes(file));
        }
        assertTrue(Files.exists(file), "close() leaves a created file in place");

        TestSupport.Finished child = TestSupport.finish(TestSupport.startJava(LoadAndDescribe.class, Map.of(),
                file.toString()));
        assertEquals(0, child.exitCode(), child.output());
        assertEquals(List.of("MappedDoubleMatrix FLOAT64 (5, 120000000)",
                "row 0 first 0.0 last 0.5",
                "row 1 first 2.0 last 1.5",
                "row 2 first 4.0 last 2.5",
                "row 3 first 6.0 last 3.5",
                "row 4 first 8.0 last 4.5"), child.output().lines().toList(), "another JVM loads the same values");

        String numpy = TestSupport.python("""
                import sys, numpy as np
                a = np.load(sys.argv[1], mmap_mode='r')
                print(type(a).__name__, a.dtype.str, a.shape, a[4, -1], a[3, 0], a[2, 1000])
                """, file.toString());
        assertEquals("memmap <f8 (5, 120000000) 4.5 6.0 0.0", numpy);
    }

    @Test
    void everyTypedVariantMakesAFileNumpyMaps() {
        try (DoubleArray f8 = Memmap.createDoubles(dir.resolve("f8.npy"), 100);
             FloatArray f4 = Memmap.createFloats(dir.resolve("f4.npy"), 100);
             LongArray i8 = Memmap.createLongs(dir.resolve("i8.npy"), 100);
             IntArray i4 = Memmap.createInts(dir.resolve("i4.npy"), 100);
             ByteArray i1 = Memmap.createBytes(dir.resolve("i1.npy"), 100);
             DoubleMatrix f8Matrix = Memmap.createDoubleMatrix(dir.resolve("f8_2d.npy"), 10, 10);
             FloatMatrix f4Matrix = Memmap.createFloatMatrix(dir.resolve("f4_2d.npy"), 10, 10);
             LongMatrix i8Matrix = Memmap.createLongMatrix(dir.resolve("i8_2d.npy"), 10, 10);
             IntMatrix i4Matrix = Memmap.createIntMatrix(dir.resolve("i4_2d.npy"), 10, 10)) {
            for (int i = 0; i < 100; i++) {
                f8.set(i, i % 13 - 6);
                f4.set(i, i % 13 - 6);
                i8.set(i, i % 13 - 6);
                i4.set(i, i % 13 - 6);
                i1.set(i, (byte) (i % 13 - 6));
                f8Matrix.set(i / 10, i % 10, i % 13 - 6);
                f4Matrix.set(i / 10, i % 10, i % 13 - 6);
                i8Matrix.set(i / 10, i % 10, i % 13 - 6);
                i4Matrix.set(i / 10, i % 10, i % 13 - 6);
            }
        }
        assertEquals(-6, Memmap.loadLongMatrix(dir.resolve("i8_2d.npy"), MmapMode.READ_ONLY).row(1).sum(),
                "the file stays after close and maps again");
        assertInstanceOf(IntMatrix.class, Memmap.load(dir.resolve("i4_2d.npy"), MmapMode.READ_ONLY));
        LongMatrix generic2d = assertInstanceOf(LongMatrix.class, Memmap.create(dir.resolve("generic_2d.npy"), DType.INT64, 2, 3));
        for (int i = 0; i < 6; i++) {
            generic2d.set(i / 3, i % 3, i % 13 - 6);
        }
        SharedArray generic = Memmap.create(dir.resolve("generic.npy"), DType.INT32, 0);
        assertInstanceOf(IntArray.class, generic);
        assertEquals(0, generic.size());

        String output = TestSupport.python("""
                import sys, os, numpy as np
                for name in sorted(os.listdir(sys.argv[1])):
                    a = np.load(os.path.join(sys.argv[1], name), mmap_mode='r')
                    expected = (np.arange(a.size) % 13 - 6).astype(a.dtype).reshape(a.shape)
                    print(name, a.dtype.str, a.shape, type(a).__name__, np.array_equal(a, expected))
                """, dir.toString());
        assertEquals(List.of(
                "f4.npy <f4 (100,) memmap True",
                "f4_2d.npy <f4 (10, 10) memmap True",
                "f8.npy <f8 (100,) memmap True",
                "f8_2d.npy <f8 (10, 10) memmap True",
                "generic.npy <i4 (0,) memmap True",
                "generic_2d.npy <i8 (2, 3) memmap True",
                "i1.npy |i1 (100,) memmap True",
                "i4.npy <i4 (100,) memmap True",
                "i4_2d.npy <i4 (10, 10) memmap True",
                "i8.npy <i8 (100,) memmap True",
                "i8_2d.npy <i8 (10, 10) memmap True"), output.lines().toList());
    }

    @Test
    void anExistingFileIsRefusedUnlessReplacementIsAsked() throws IOException {
        Path file = dir.resolve("data.npy");
        LongArray original = Memmap.createLongs(file, 3);
        original.set(2, 42);

        UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> Memmap.createLongs(file, 3));
        assertInstanceOf(FileAlreadyExistsException.class, refused.getCause());
        assertTrue(refused.getMessage().contains(file + " already exists")
                && refused.getMessage().contains("Memmap.createOrReplace"), refused.getMessage());
        assertEquals(42, Memmap.loadLongs(file, MmapMode.READ_ONLY).get(2), "the refused call changed nothing");
        Path notAFile = Files.createDirectory(dir.resolve("folder.npy"));
        assertThrows(UncheckedIOException.class, () -> Memmap.createDoubles(notAFile, 1));

        LongArray replacement = (LongArray) Memmap.createOrReplace(file, DType.INT64, 5);
        assertEquals(5, Memmap.loadLongs(file, MmapMode.READ_ONLY).length());
        assertEquals(0, replacement.get(2));
        assertEquals(42, original.get(2), "a mapping of the old file keeps its bytes");
        replacement.set(4, 7);
        assertEquals(7, Memmap.loadLongs(file, MmapMode.READ_ONLY).get(4));
        assertEquals(file.toAbsolutePath(), replacement.handle().orElseThrow().file());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("data.npy", "folder.npy"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no partial file is left");
        }
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path file = dir.resolve("x.npy");
        assertMessage(() -> Memmap.createDoubleMatrix(file, 3, -1), "cannot create " + file,
                "negative dimension in shape [3, -1]");
        assertMessage(() -> Memmap.createDoubles(file, -5), "negative dimension");
        assertMessage(() -> Memmap.create(file, DType.FLOAT64, 2, 2, 2), "3-D float64 array of shape (2, 2, 2)",
                "supported: 1-D arrays");
        assertMessage(() -> Memmap.create(file, DType.INT8, 2, 2), "2-D int8",
                "2-D float64, float32, int64 or int32 matrices");
        assertMessage(() -> Memmap.create(file, DType.FLOAT64), "shape ()");
        assertMessage(() -> Memmap.createDoubleMatrix(file, Long.MAX_VALUE, 2), "needs more than");

        Path missingFolder = dir.resolve("no/such/folder/x.npy");
        UncheckedIOException noFolder = assertThrows(UncheckedIOException.class,
                () -> Memmap.createDoubles(missingFolder, 10));
        assertInstanceOf(NoSuchFileException.class, noFolder.getCause());
        assertTrue(noFolder.getMessage().contains("folder " + missingFolder.getParent() + " does not exist"),
                noFolder.getMessage());

        IllegalStateException noRoom = assertThrows(IllegalStateException.class,
                () -> Memmap.createDoubleMatrix(file, 1L << 30, 1L << 20));   // 8 PiB
        assertTrue(noRoom.getMessage().startsWith("not enough space to create " + file.toAbsolutePath() + " of "
                + ((1L << 53) + 128) + " bytes (8.0 PiB): " + dir.toAbsolutePath() + " has "), noRoom.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing was created");
        }
    }

    /** Bytes the file takes on disk ({@code st_blocks} x 512), which for a sparse file is far below its size. */
    private static long diskBytes(Path file) throws IOException {
        TestSupport.Finished stat = TestSupport.finish(new ProcessBuilder("stat", "-c", "%b", file.toString())
                .redirectErrorStream(true).start());
        assertEquals(0, stat.exitCode(), stat.output());
        return Long.parseLong(stat.output().strip()) * 512;
    }
}
