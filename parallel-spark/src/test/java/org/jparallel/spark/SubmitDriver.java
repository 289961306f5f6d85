package org.jparallel.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.jparallel.Parallel;

import java.util.List;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;

/**
 * A driver that spark-submit runs ({@code SparkBackendTest}): the application's master, jars and
 * settings come from spark-submit; it prints one line of results and one of executor pids.
 */
public final class SubmitDriver {
    private SubmitDriver() {
    }

    public static void main(String[] args) {
        SparkContext sc = new SparkContext(new SparkConf());
        try {
            int offset = Integer.parseInt(args[0]);
            Parallel p = Parallel.of(-1).on(SparkBackend.of(sc));
            List<Integer> squares = p.map(delayed((Integer x) -> x * x + offset), IntStream.range(0, 10).boxed().toList());
            List<Long> pids = p.map(delayed((Integer x) -> ProcessHandle.current().pid()), List.of(0, 1));
            System.out.println("RESULT " + squares);
            System.out.println("PIDS " + pids + " DRIVER " + ProcessHandle.current().pid());
        } finally {
            sc.stop();
        }
    }
}
