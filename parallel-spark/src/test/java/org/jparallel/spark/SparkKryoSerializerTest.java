package org.jparallel.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.jparallel.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.jparallel.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Spark's KryoSerializer (Kryo 4) and jparallel's Kryo 5 (the relocated kryo5 artifact) in one JVM:
 * Spark shuffles with its Kryo while jparallel's calls run beside it, in local mode.
 */
class SparkKryoSerializerTest {

    @Test
    void anApplicationThatUsesSparksKryoSerializerRunsJparallelCallsToo(@TempDir Path local) {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("kryo-side-by-side")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.local.dir", local.toString());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            List<Integer> args = IntStream.range(0, 100).boxed().collect(Collectors.toList());
            // Spark's own work, through its Kryo 4: a shuffle.
            Map<Integer, Integer> byParity = sc.parallelize(args, 4)
                    .mapToPair(i -> new Tuple2<>(i % 2, i)).reduceByKey(Integer::sum).collectAsMap();
            assertEquals(Map.of(0, 2450, 1, 2500), byParity);
            // jparallel's call on the same context, through Kryo 5.
            List<Integer> squares = Parallel.of(-1).on(SparkBackend.of(sc)).map(delayed((Integer i) -> i * i), args);
            assertEquals(args.stream().map(i -> i * i).collect(Collectors.toList()), squares);
        }
    }
}
