package org.jparallel.memmap;

import static org.jparallel.memmap.MemmapTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.List;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Round trips with real NumPy (Debian's python3-numpy under /usr/bin/python3). Element {@code i} of every
 * test array is {@code i % 13 - 6}, exact in every supported type.
 */
@ExtendWith(NoLeftovers.class)
class NumpyInteropTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void numpyIsInstalled() {
        TestSupport.requireNumpy();
    }

    private static double pattern(long i) {
        return i % 13 - 6;
    }

    @Test
    void numpyMapsWhatWeDump() {
        int n = 1000;
        try (DoubleArray mappedDoubles = Memmap.doubles(n); DoubleMatrix mappedMatrix = Memmap.doubleMatrix(3, 4);
             LongMatrix mappedLongs = Memmap.longMatrix(3, 4); IntMatrix mappedInts = Memmap.intMatrix(3, 4)) {
            double[] doubles = new double[n];
            float[] floats = new float[n];
            long[] longs = new long[n];
            int[] ints = new int[n];
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                doubles[i] = pattern(i);
                floats[i] = (float) pattern(i);
                longs[i] = (long) pattern(i);
                ints[i] = (int) pattern(i);
                bytes[i] = (byte) pattern(i);
                mappedDoubles.set(i, pattern(i));
            }
            double[][] doubleRows = new double[3][4];
            float[][] floatRows = new float[3][4];
            long[][] longRows = new long[3][4];
            int[][] intRows = new int[3][4];
            for (int i = 0; i < 12; i++) {
                doubleRows[i / 4][i % 4] = pattern(i);
                floatRows[i / 4][i % 4] = (float) pattern(i);
                longRows[i / 4][i % 4] = (long) pattern(i);
                intRows[i / 4][i % 4] = (int) pattern(i);
                mappedMatrix.set(i / 4, i % 4, pattern(i));
                mappedLongs.set(i / 4, i % 4, (long) pattern(i));
                mappedInts.set(i / 4, i % 4, (int) pattern(i));
            }
            Memmap.dump(DoubleArray.of(doubles), dir.resolve("f8.npy"));
            Memmap.dump(FloatArray.of(floats), dir.resolve("f4.npy"));
            Memmap.dump(LongArray.of(longs), dir.resolve("i8.npy"));
            Memmap.dump(IntArray.of(ints), dir.resolve("i4.npy"));
            Memmap.dump(ByteArray.of(bytes), dir.resolve("i1.npy"));
            Memmap.dump(mappedDoubles, dir.resolve("mapped_f8.npy"));
            Memmap.dump(DoubleMatrix.of(doubleRows), dir.resolve("f8_2d.npy"));
            Memmap.dump(FloatMatrix.of(floatRows), dir.resolve("f4_2d.npy"));
            Memmap.dump(mappedMatrix, dir.resolve("mapped_f8_2d.npy"));
            Memmap.dump(LongMatrix.of(longRows), dir.resolve("i8_2d.npy"));
            Memmap.dump(IntMatrix.of(intRows), dir.resolve("i4_2d.npy"));
            Memmap.dump(mappedLongs, dir.resolve("mapped_i8_2d.npy"));
            Memmap.dump(mappedInts, dir.resolve("mapped_i4_2d.npy"));
        }
        String output = TestSupport.python("""
                import sys, os, numpy as np
                for name in sorted(os.listdir(sys.argv[1])):
                    a = np.load(os.path.join(sys.argv[1], name), mmap_mode='r')
                    expected = (np.arange(a.size) % 13 - 6).astype(a.dtype).reshape(a.shape)
                    print(name, a.dtype.str, a.shape, type(a).__name__, np.array_equal(a, expected))
                """, dir.toString());
        assertEquals(List.of(
                "f4.npy <f4 (1000,) memmap True",
                "f4_2d.npy <f4 (3, 4) memmap True",
                "f8.npy <f8 (1000,) memmap True",
                "f8_2d.npy <f8 (3, 4) memmap True",
                "i1.npy |i1 (1000,) memmap True",
                "i4.npy <i4 (1000,) memmap True",
                "i4_2d.npy <i4 (3, 4) memmap True",
                "i8.npy <i8 (1000,) memmap True",
                "i8_2d.npy <i8 (3, 4) memmap True",
                "mapped_f8.npy <f8 (1000,) memmap True",
                "mapped_f8_2d.npy <f8 (3, 4) memmap True",
                "mapped_i4_2d.npy <i4 (3, 4) memmap True",
                "mapped_i8_2d.npy <i8 (3, 4) memmap True"), output.lines().toList());
    }

    @Test
    void weMapWhatNumpySaves() {
        TestSupport.python("""
                import sys, os, numpy as np
                def save(name, dtype, shape):
                    size = int(np.prod(shape))
                    np.save(os.path.join(sys.argv[1], name), (np.arange(size) % 13 - 6).astype(dtype).reshape(shape))
                for t in ['f8', 'f4', 'i8', 'i4', 'i1']:
                    save(t, '<' + t, (1000,))
                save('f8_2d', '<f8', (1000, 7))
                save('f4_2d', '<f4', (3, 4))
                save('i8_2d', '<i8', (1000, 7))
                save('i4_2d', '<i4', (3, 4))
                save('empty', '<f8', (0,))
                np.save(os.path.join(sys.argv[1], 'u1'), (np.arange(300) % 256).astype(np.uint8))
                with open(os.path.join(sys.argv[1], 'v2.npy'), 'wb') as f:
                    np.lib.format.write_array(f, np.arange(5, dtype='<i8'), version=(2, 0))
                """, dir.toString());
        DoubleArray f8 = Memmap.loadDoubles(dir.resolve("f8.npy"), MmapMode.READ_ONLY);
        FloatArray f4 = Memmap.loadFloats(dir.resolve("f4.npy"), MmapMode.READ_ONLY);
        LongArray i8 = Memmap.loadLongs(dir.resolve("i8.npy"), MmapMode.READ_WRITE);
        IntArray i4 = Memmap.loadInts(dir.resolve("i4.npy"), MmapMode.COPY_ON_WRITE);
        ByteArray i1 = Memmap.loadBytes(dir.resolve("i1.npy"), MmapMode.READ_ONLY);
        for (int i = 0; i < 1000; i++) {
            assertEquals(pattern(i), f8.get(i));
            assertEquals(pattern(i), f4.get(i));
            assertEquals(pattern(i), i8.get(i));
            assertEquals(pattern(i), i4.get(i));
            assertEquals(pattern(i), i1.get(i));
        }
        DoubleMatrix f8Matrix = Memmap.loadDoubleMatrix(dir.resolve("f8_2d.npy"), MmapMode.READ_ONLY);
        assertEquals(1000, f8Matrix.rows());
        assertEquals(7, f8Matrix.cols());
        assertEquals(pattern(999 * 7 + 6), f8Matrix.get(999, 6));
        assertEquals(pattern(7 * 500 + 3), f8Matrix.row(500).get(3));
        FloatMatrix f4Matrix = assertInstanceOf(FloatMatrix.class, Memmap.load(dir.resolve("f4_2d.npy"), MmapMode.READ_ONLY));
        assertEquals(pattern(11), f4Matrix.get(2, 3));
        assertEquals(0, Memmap.loadDoubles(dir.resolve("empty.npy"), MmapMode.READ_ONLY).length());
        LongMatrix i8Matrix = Memmap.loadLongMatrix(dir.resolve("i8_2d.npy"), MmapMode.READ_WRITE);
        assertArrayEquals(new long[] {1000, 7}, i8Matrix.shape());
        assertEquals((long) pattern(999 * 7 + 6), i8Matrix.get(999, 6));
        assertEquals((long) pattern(7 * 500 + 3), i8Matrix.row(500).get(3));
        i8Matrix.row(2).addAndGet(1, 100);   // seen by NumPy below: the file itself is mapped
        IntMatrix i4Matrix = assertInstanceOf(IntMatrix.class, Memmap.load(dir.resolve("i4_2d.npy"), MmapMode.READ_ONLY));
        assertEquals((int) pattern(11), i4Matrix.get(2, 3));
        long i4Total = 0;
        for (int i = 0; i < 12; i++) {
            i4Total += (long) pattern(i);
        }
        assertEquals(i4Total, i4Matrix.sum());
        assertEquals(String.valueOf((long) pattern(2 * 7 + 1) + 100), TestSupport.python("""
                import sys, numpy as np
                print(np.load(sys.argv[1], mmap_mode='r')[2, 1])
                """, dir.resolve("i8_2d.npy").toString()));

        ByteArray u1 = Memmap.loadBytes(dir.resolve("u1.npy"), MmapMode.READ_ONLY);
        assertEquals(DType.INT8, u1.dtype());
        assertEquals(200, Byte.toUnsignedInt(u1.get(200)));
        assertEquals((byte) 255, u1.get(255));
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, Memmap.loadLongs(dir.resolve("v2.npy"), MmapMode.READ_ONLY).toArray());
    }

    @Test
    void whatWeCannotMapIsRefusedClearly() {
        TestSupport.python("""
                import sys, os, numpy as np
                d = sys.argv[1]
                np.save(os.path.join(d, 'fortran'), np.asfortranarray(np.zeros((3, 4))))
                np.save(os.path.join(d, 'big_endian'), np.arange(5, dtype='>f8'))
                np.save(os.path.join(d, 'complex'), np.zeros(3, dtype=np.complex128))
                np.save(os.path.join(d, 'bool'), np.zeros(3, dtype=bool))
                np.save(os.path.join(d, 'structured'), np.zeros(3, dtype=[('a', '<i4'), ('b', '<f8')]))
                np.save(os.path.join(d, 'cube'), np.zeros((2, 2, 2)))
                np.save(os.path.join(d, 'byte_matrix'), np.zeros((2, 2), dtype='|i1'))
                np.save(os.path.join(d, 'scalar'), np.float64(1))
                """, dir.toString());
        Path fortran = dir.resolve("fortran.npy");
        assertMessage(() -> Memmap.loadDoubleMatrix(fortran, MmapMode.READ_ONLY), fortran.toString(),
                "Fortran (column-major) order", "only C order is supported", "numpy.ascontiguousarray");
        Path bigEndian = dir.resolve("big_endian.npy");
        assertMessage(() -> Memmap.load(bigEndian, MmapMode.READ_ONLY), bigEndian.toString(), "big-endian dtype '>f8'",
                "only little-endian", "supported: '<f8' (float64)");
        Path complex = dir.resolve("complex.npy");
        assertMessage(() -> Memmap.loadDoubles(complex, MmapMode.READ_ONLY), complex.toString(),
                "unsupported .npy dtype '<c16'", "supported: '<f8' (float64), '<f4' (float32), '<i8' (int64), '<i4' (int32),"
                        + " '|i1' (int8), '|u1' (read as int8)");
        assertMessage(() -> Memmap.load(dir.resolve("bool.npy"), MmapMode.READ_ONLY), "unsupported .npy dtype '|b1'");
        assertMessage(() -> Memmap.load(dir.resolve("structured.npy"), MmapMode.READ_ONLY), "structured");
        assertMessage(() -> Memmap.load(dir.resolve("cube.npy"), MmapMode.READ_ONLY), "3-D float64 array of shape (2, 2, 2)",
                "supported: 1-D arrays");
        assertMessage(() -> Memmap.load(dir.resolve("byte_matrix.npy"), MmapMode.READ_ONLY), "2-D int8",
                "2-D float64, float32, int64 or int32 matrices");
        assertMessage(() -> Memmap.loadIntMatrix(dir.resolve("cube.npy"), MmapMode.READ_ONLY),
                "Memmap.loadIntMatrix expects a 2-D int32 ('<i4') array", "3-D float64");
        assertMessage(() -> Memmap.loadDoubles(dir.resolve("scalar.npy"), MmapMode.READ_ONLY), "shape ()");
    }
}
