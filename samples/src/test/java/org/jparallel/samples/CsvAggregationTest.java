package org.jparallel.samples;

import org.jparallel.Parallel;
import org.jparallel.samples.CsvAggregation.ByteRange;
import org.jparallel.samples.CsvAggregation.CityStats;
import org.jparallel.testing.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the {@link CsvAggregation} sample on worker JVMs and checks the merged aggregates against a pass of its own. */
@ExtendWith(NoLeftovers.class)
class CsvAggregationTest {
    @TempDir
    Path folder;

    /** One city's readings: exact count, sum in tenths and extremes, and the sum in doubles for the mean. */
    private static final class Totals {
        long count;
        long sumTenths;
        int minTenths = Integer.MAX_VALUE;
        int maxTenths = Integer.MIN_VALUE;
        double sum;

        void add(String temperature) {
            int tenths = new BigDecimal(temperature).movePointRight(1).intValueExact();
            count++;
            sumTenths += tenths;
            minTenths = Math.min(minTenths, tenths);
            maxTenths = Math.max(maxTenths, tenths);
            sum += Double.parseDouble(temperature);
        }
    }

    @Test
    void mergedAggregatesEqualASequentialPass() throws IOException {
        Path csv = folder.resolve("temperatures.csv");
        CsvAggregation.generate(csv, 50_000, 7);
        try {
            SortedMap<String, CityStats> merged;
            try (Parallel parallel = Parallel.of(2)) {
                merged = CsvAggregation.aggregate(parallel, CsvAggregation.split(csv, 7));
            }

            Map<String, Totals> expected = totalsWithBigDecimal(csv);
            assertEquals(expected.keySet(), merged.keySet());
            expected.forEach((city, e) -> {
                CityStats s = merged.get(city);
                assertEquals(e.count, s.count(), city);
                assertEquals(e.sumTenths, s.sumTenths(), city);
                assertEquals(e.minTenths, s.minTenths(), city);
                assertEquals(e.maxTenths, s.maxTenths(), city);
                assertEquals(e.sum / e.count, s.mean(), 1e-9, city);
            });
            assertEquals(50_000, merged.values().stream().mapToLong(CityStats::count).sum());
            assertEquals(CsvAggregation.aggregateLineByLine(csv), merged, "the sample's own check");
        } finally {
            Files.delete(csv);
        }
    }

    @Test
    void rangesCoverTheFileAndStartAtLineStarts() throws IOException {
        Path csv = folder.resolve("three-lines.csv");
        Files.writeString(csv, "Oslo,1.0\nLima,-2.5\nRome,13.3\n");
        try {
            for (int parts = 1; parts <= 10; parts++) {
                List<ByteRange> ranges = CsvAggregation.split(csv, parts);
                assertTrue(ranges.size() <= Math.min(parts, 3), parts + " parts: " + ranges);
                long expectedStart = 0;
                for (ByteRange range : ranges) {
                    assertEquals(expectedStart, range.start(), parts + " parts: " + ranges);
                    assertTrue(range.end() > range.start(), parts + " parts: " + ranges);
                    assertTrue(startsALine(csv, range.start()), parts + " parts: " + ranges);
                    expectedStart = range.end();
                }
                assertEquals(Files.size(csv), expectedStart, parts + " parts: " + ranges);
            }

            // More parts than lines: each line is parsed once, by some worker.
            SortedMap<String, CityStats> merged;
            try (Parallel parallel = Parallel.of(2)) {
                merged = CsvAggregation.aggregate(parallel, CsvAggregation.split(csv, 8));
            }
            assertEquals(Map.of("Oslo", new CityStats(1, 10, 10, 10), "Lima", new CityStats(1, -25, -25, -25),
                    "Rome", new CityStats(1, 133, 133, 133)), merged);
        } finally {
            Files.delete(csv);
        }
        assertFalse(Files.exists(csv));
    }

    private static boolean startsALine(Path file, long offset) throws IOException {
        if (offset == 0) {
            return true;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(offset - 1);
            return in.read() == '\n';
        }
    }

    /** The whole file in this JVM, with BigDecimal for exact tenths: written apart from the sample's parsers. */
    private static Map<String, Totals> totalsWithBigDecimal(Path csv) throws IOException {
        Map<String, Totals> byCity = new TreeMap<>();
        for (String line : Files.readAllLines(csv)) {
            String[] fields = line.split(",");
            byCity.computeIfAbsent(fields[0], city -> new Totals()).add(fields[1]);
        }
        return byCity;
    }
}
