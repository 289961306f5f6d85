package org.jparallel.memmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ways to get a writable array, so that one test checks that all of them behave alike. Arrays are
 * zero-filled; {@link #closeAll()} releases whatever a kind had to create besides the returned array.
 */
enum ArrayKind {
    HEAP {
        @Override
        SharedArray create(DType dtype, long... shape) {
            int length = (int) Shapes.elementCount(shape);
            if (shape.length == 2) {
                int rows = (int) shape[0];
                int cols = (int) shape[1];
                return switch (dtype) {
                    case FLOAT64 -> DoubleMatrix.of(new double[rows][cols]);
                    case FLOAT32 -> FloatMatrix.of(new float[rows][cols]);
                    case INT64 -> LongMatrix.of(new long[rows][cols]);
                    case INT32 -> IntMatrix.of(new int[rows][cols]);
                    case INT8 -> throw new IllegalArgumentException("there is no byte matrix");
                };
            }
            return switch (dtype) {
                case FLOAT64 -> DoubleArray.of(new double[length]);
                case FLOAT32 -> FloatArray.of(new float[length]);
                case INT64 -> LongArray.of(new long[length]);
                case INT32 -> IntArray.of(new int[length]);
                case INT8 -> ByteArray.of(new byte[length]);
            };
        }
    },
    ALLOCATED {
        @Override
        SharedArray create(DType dtype, long... shape) {
            if (shape.length == 2) {
                return switch (dtype) {
                    case FLOAT64 -> Memmap.doubleMatrix(shape[0], shape[1]);
                    case FLOAT32 -> Memmap.floatMatrix(shape[0], shape[1]);
                    case INT64 -> Memmap.longMatrix(shape[0], shape[1]);
                    case INT32 -> Memmap.intMatrix(shape[0], shape[1]);
                    case INT8 -> throw new IllegalArgumentException("there is no byte matrix");
                };
            }
            return switch (dtype) {
                case FLOAT64 -> Memmap.doubles(shape[0]);
                case FLOAT32 -> Memmap.floats(shape[0]);
                case INT64 -> Memmap.longs(shape[0]);
                case INT32 -> Memmap.ints(shape[0]);
                case INT8 -> Memmap.bytes(shape[0]);
            };
        }
    },
    LOADED_READ_WRITE {
        @Override
        SharedArray create(DType dtype, long... shape) {
            return Memmap.load(dumpZeros(dtype, shape), MmapMode.READ_WRITE);
        }
    },
    LOADED_COPY_ON_WRITE {
        @Override
        SharedArray create(DType dtype, long... shape) {
            return Memmap.load(dumpZeros(dtype, shape), MmapMode.COPY_ON_WRITE);
        }
    },
    OPENED_FROM_HANDLE {
        @Override
        SharedArray create(DType dtype, long... shape) {
            SharedArray allocated = remember(ALLOCATED.create(dtype, shape));
            return Memmap.open(allocated.handle().orElseThrow());
        }
    };

    private static final List<AutoCloseable> CREATED = new ArrayList<>();

    abstract SharedArray create(DType dtype, long... shape);

    /** Deletes the files and closes the arrays made on the side. */
    static void closeAll() throws Exception {
        for (AutoCloseable created : CREATED) {
            created.close();
        }
        CREATED.clear();
    }

    private static SharedArray remember(SharedArray array) {
        CREATED.add(array);
        return array;
    }

    private static Path dumpZeros(DType dtype, long... shape) {
        try {
            Path file = Files.createTempFile("memmap-test-", ".npy");
            CREATED.add(() -> Files.deleteIfExists(file));
            try (SharedArray zeros = ALLOCATED.create(dtype, shape)) {
                Memmap.dump(zeros, file);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
