package org.jparallel.runtime;

import org.jparallel.Parallel;
import org.jparallel.memmap.DoubleMatrix;

import java.nio.file.Path;
import java.util.List;

import static org.jparallel.Parallel.delayed;

/**
 * Run by {@link ReliabilityTest} under a file-size limit (ulimit -f), so that writing a dump fails
 * halfway, as on a disk that fills up: prints the error the call gives.
 */
public final class DumpingParent {
    public static void main(String[] args) {
        DoubleMatrix m = DoubleMatrix.of(new double[32][1 << 16]);   // 16 MiB
        try {
            Parallel.of(2).tempFolder(Path.of(args[0])).map(delayed((Integer i) -> m.rows()), List.of(1));
            System.out.println("NO ERROR");
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e.getClass().getName() + ": " + e.getMessage());
        }
        Parallel.shutdownWorkers();
    }
}
