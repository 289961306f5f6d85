package org.jparallel.memmap;

import java.nio.file.Path;

/**
 * Child-process half of {@link CreateTest}: maps a {@code .npy} file read-only with {@link Memmap#load}
 * and prints its type, its shape and, for a matrix, the first and last element of each row (only those:
 * the file may be a sparse one larger than memory).
 *
 * <p>Arguments: file.
 */
public final class LoadAndDescribe {
    private LoadAndDescribe() {
    }

    public static void main(String[] args) {
        SharedArray array = Memmap.load(Path.of(args[0]), MmapMode.READ_ONLY);
        System.out.println(array.getClass().getSimpleName() + " " + array.dtype() + " " + Shapes.format(array.shape()));
        if (array instanceof DoubleMatrix m) {
            for (long r = 0; r < m.rows(); r++) {
                System.out.println("row " + r + " first " + m.get(r, 0) + " last " + m.get(r, m.cols() - 1));
            }
        }
    }
}
