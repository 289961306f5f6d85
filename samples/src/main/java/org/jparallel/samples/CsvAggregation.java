package org.jparallel.samples;

import org.jparallel.Parallel;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.jparallel.Parallel.delayed;

/**
 * A data pipeline in an ordinary application: min, mean and max temperature per city over a CSV
 * file, computed by worker JVMs that each parse one part of the file.
 *
 * <p>The parent generates {@code city,temperature} rows into a temporary file, cuts the file into
 * byte ranges that start and end on line boundaries, and sends each worker a {@link ByteRange}: the
 * file's {@link Path} and two offsets. The worker reads its range from the file itself, so the rows
 * never travel through the channel; what comes back is a small map of {@link CityStats} per city,
 * which the parent merges. Temperatures have one decimal and are summed as whole tenths in a
 * {@code long}, so the merged counts and sums are exact, whatever the order of the merge. The result
 * is checked against a sequential pass that reads the file line by line.
 *
 * <pre>
 * java -cp "samples/target/jparallel-samples.jar:samples/target/lib/*" org.jparallel.samples.CsvAggregation [rows] [workers]
 * </pre>
 */
public final class CsvAggregation {
    /** A city and, roughly, its annual mean temperature in degrees Celsius, around which the readings scatter. */
    record City(String name, double meanTemperature) {
    }

    static final List<City> CITIES = List.of(
            new City("Abidjan", 26.6), new City("Accra", 26.4), new City("Amsterdam", 10.2),
            new City("Athens", 19.2), new City("Auckland", 15.2), new City("Bangkok", 28.6),
            new City("Berlin", 10.3), new City("Bogota", 13.6), new City("Cairo", 21.4),
            new City("Cape Town", 16.2), new City("Chicago", 9.8), new City("Dakar", 24.0),
            new City("Delhi", 25.0), new City("Dublin", 9.8), new City("Havana", 25.2),
            new City("Helsinki", 5.9), new City("Istanbul", 13.9), new City("Jakarta", 26.7),
            new City("Kyiv", 8.4), new City("Lagos", 26.8), new City("Lima", 19.2),
            new City("Lisbon", 17.5), new City("London", 11.3), new City("Madrid", 15.0),
            new City("Manila", 28.4), new City("Mexico City", 17.5), new City("Montreal", 6.8),
            new City("Mumbai", 27.1), new City("Nairobi", 17.8), new City("Oslo", 5.7),
            new City("Paris", 12.3), new City("Reykjavik", 4.3), new City("Riyadh", 26.0),
            new City("Rome", 15.2), new City("Santiago", 14.6), new City("Sao Paulo", 19.2),
            new City("Seoul", 12.5), new City("Singapore", 27.0), new City("Sydney", 17.7),
            new City("Tokyo", 15.4), new City("Ulaanbaatar", -0.4), new City("Vienna", 10.4),
            new City("Zurich", 9.3));

    /** The lines of {@code file} that start in {@code [start, end)}: whole lines, as {@link #split} cuts them. */
    public record ByteRange(Path file, long start, long end) {
    }

    /**
     * Aggregates of one city's temperatures, in tenths of a degree so that sums are exact.
     *
     * @param sumTenths the sum of the temperatures, in tenths of a degree
     */
    public record CityStats(long count, long sumTenths, int minTenths, int maxTenths) {
        static CityStats of(int tenths) {
            return new CityStats(1, tenths, tenths, tenths);
        }

        CityStats merge(CityStats other) {
            return new CityStats(count + other.count, sumTenths + other.sumTenths,
                    Math.min(minTenths, other.minTenths), Math.max(maxTenths, other.maxTenths));
        }

        public double min() {
            return minTenths / 10.0;
        }

        public double mean() {
            return sumTenths / 10.0 / count;
        }

        public double max() {
            return maxTenths / 10.0;
        }
    }

    private CsvAggregation() {
    }

    public static void main(String[] args) throws IOException {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        // Parsing is CPU-bound: a worker per core, and at least two so that the ranges go to worker JVMs.
        int workers = args.length > 1 ? Integer.parseInt(args[1])
                : Math.max(2, Runtime.getRuntime().availableProcessors());

        Path folder = Files.createTempDirectory("csv-aggregation-");
        Path csv = folder.resolve("temperatures.csv");
        boolean same;
        try {
            generate(csv, rows, 42);
            System.out.printf("%s: %,d rows, %,d bytes%n", csv, rows, Files.size(csv));

            // A few ranges per worker, so that a worker that finishes early takes another one.
            List<ByteRange> ranges = split(csv, 4 * workers);
            SortedMap<String, CityStats> parallel;
            long firstMillis;
            long warmMillis;
            try (Parallel p = Parallel.of(workers)) {
                long started = System.nanoTime();
                parallel = aggregate(p, ranges);
                firstMillis = (System.nanoTime() - started) / 1_000_000;
                started = System.nanoTime();
                aggregate(p, ranges);   // again, now that the worker JVMs are up and their JIT warm
                warmMillis = (System.nanoTime() - started) / 1_000_000;
            }
            long sequentialStarted = System.nanoTime();
            SortedMap<String, CityStats> sequential = aggregateLineByLine(csv);
            long sequentialMillis = (System.nanoTime() - sequentialStarted) / 1_000_000;

            System.out.printf("%-12s %8s %8s %8s %8s%n", "city", "min", "mean", "max", "count");
            parallel.forEach((city, s) -> System.out.printf("%-12s %8.1f %8.2f %8.1f %,8d%n",
                    city, s.min(), s.mean(), s.max(), s.count()));
            System.out.printf("%d ranges on %d workers: %d ms with starting the workers, %d ms warm; "
                    + "sequential pass in this JVM: %d ms%n",
                    ranges.size(), workers, firstMillis, warmMillis, sequentialMillis);
            same = parallel.equals(sequential);
        } finally {
            Files.deleteIfExists(csv);
            Files.deleteIfExists(folder);
            Parallel.shutdownWorkers();
        }
        if (!same) {
            System.out.println("MISMATCH: the merged aggregates differ from the sequential pass");
            System.exit(1);
        }
        System.out.println("OK: the merged aggregates equal the sequential pass (counts, sums, min and max exactly)");
    }

    /**
     * Writes {@code rows} lines of {@code city,temperature} to {@code csv}, with one decimal and
     * {@code \n} line ends. The same seed writes the same file.
     */
    public static void generate(Path csv, int rows, long seed) throws IOException {
        Random random = new Random(seed);
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            for (int row = 0; row < rows; row++) {
                City city = CITIES.get(random.nextInt(CITIES.size()));
                long tenths = Math.round((city.meanTemperature() + 8 * random.nextGaussian()) * 10);
                // Written from whole tenths: String.format would cost more than the rest of the loop.
                out.write(city.name());
                out.write(tenths < 0 ? ",-" : ",");
                out.write(Long.toString(Math.abs(tenths) / 10));
                out.write('.');
                out.write((char) ('0' + Math.abs(tenths) % 10));
                out.write('\n');
            }
        }
    }

    /** Aggregates each range on a worker of {@code parallel} and merges the partial aggregates, by city. */
    public static SortedMap<String, CityStats> aggregate(Parallel parallel, List<ByteRange> ranges) {
        List<Map<String, CityStats>> partials = parallel.map(delayed(CsvAggregation::aggregateRange), ranges);
        SortedMap<String, CityStats> merged = new TreeMap<>();
        for (Map<String, CityStats> partial : partials) {
            partial.forEach((city, stats) -> merged.merge(city, stats, CityStats::merge));
        }
        return merged;
    }

    /**
     * Cuts {@code csv} into at most {@code parts} ranges of about equal size. Each cut is moved
     * forward to just after the next {@code \n}, so that every line lies in exactly one range.
     */
    public static List<ByteRange> split(Path csv, int parts) throws IOException {
        try (FileChannel channel = FileChannel.open(csv)) {
            long size = channel.size();
            List<ByteRange> ranges = new ArrayList<>(parts);
            long start = 0;
            for (int part = 1; part <= parts && start < size; part++) {
                long end = part == parts ? size : lineStartAtOrAfter(channel, Math.max(start, size * part / parts));
                if (end > start) {
                    ranges.add(new ByteRange(csv.toAbsolutePath(), start, end));
                    start = end;
                }
            }
            return ranges;
        }
    }

    /** The offset of the first line that starts at {@code offset} or later, or the file size if none does. */
    private static long lineStartAtOrAfter(FileChannel channel, long offset) throws IOException {
        if (offset == 0) {
            return 0;
        }
        ByteBuffer buffer = ByteBuffer.allocate(256);
        long position = offset - 1;   // a line starts at offset if the byte before it ends a line
        while (channel.read(buffer.clear(), position) > 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                position++;
                if (buffer.get() == '\n') {
                    return position;
                }
            }
        }
        return channel.size();
    }

    /** Runs on a worker: parses the lines of one range straight from the file, and aggregates them per city. */
    static Map<String, CityStats> aggregateRange(ByteRange range) {
        if (range.end() - range.start() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(range + " is over 2 GiB; split the file into more parts");
        }
        MappedByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(range.file())) {
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, range.start(), range.end() - range.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + range, e);
        }
        Map<String, CityStats> stats = new HashMap<>();
        while (bytes.hasRemaining()) {
            int comma = bytes.position();
            while (bytes.get(comma) != ',') {
                comma++;
            }
            byte[] name = new byte[comma - bytes.position()];
            bytes.get(name).position(comma + 1);
            String city = new String(name, StandardCharsets.UTF_8);
            stats.merge(city, CityStats.of(parseTenths(bytes)), CityStats::merge);
        }
        return stats;
    }

    /** Parses a temperature with one decimal ("-12.3") up to the end of its line, in tenths: no rounding error. */
    private static int parseTenths(ByteBuffer bytes) {
        boolean negative = false;
        int tenths = 0;
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n') {
                break;
            } else if (b == '-') {
                negative = true;
            } else if (b != '.') {
                tenths = 10 * tenths + (b - '0');
            }
        }
        return negative ? -tenths : tenths;
    }

    /** The check: the whole file in this JVM, line by line, with the JDK's own parsing. */
    public static SortedMap<String, CityStats> aggregateLineByLine(Path csv) throws IOException {
        SortedMap<String, CityStats> stats = new TreeMap<>();
        try (Stream<String> lines = Files.lines(csv, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                int comma = line.lastIndexOf(',');
                int tenths = (int) Math.round(Double.parseDouble(line.substring(comma + 1)) * 10);
                stats.merge(line.substring(0, comma), CityStats.of(tenths), CityStats::merge);
            });
        }
        return stats;
    }
}
