package org.jparallel;

import org.jparallel.memmap.MmapMode;
import org.jparallel.spi.ClusterBackend;
import org.jparallel.spi.WorkerOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The settings of a {@link Parallel} or of a {@link ParallelConfig} block, as one immutable value
 * that is validated when it is made: both classes' setters make a new one with
 * {@link #with(Consumer)}, so every check lives in the constructor below.
 *
 * <p>A null component is "not set here", the rule of every setter: the value then comes from the
 * next place in order ({@link #over}): the {@code Parallel}'s own setters, the open blocks
 * innermost first, system properties and environment variables, {@link #BUILT_IN}.
 *
 * @param nJobs            as given to {@code Parallel.of(n)}, unresolved (-1: all cores)
 * @param maxBytes         {@code Long.MAX_VALUE} for {@code noMemmap()}
 * @param batchSize        0: automatic
 * @param preDispatch      null (also in {@link #BUILT_IN}): 2 × nJobs, or the cluster's choice
 * @param initializer      with the key its state is kept under in each worker
 */
record Settings(Integer nJobs, Backend backend, Long maxBytes, Path tempFolder, MmapMode mmapMode,
                Duration timeout, Integer retries, Integer verbose, Boolean progressBar, Integer batchSize,
                Integer preDispatch, String workerHeap, Map<String, String> workerProperties,
                List<String> workerJvmOptions, Duration idleTimeout, Initializer initializer,
                ClusterBackend cluster) {

    /** Nothing set. */
    static final Settings NONE = new Builder().build();

    /** What applies when nothing sets a value. */
    static final Settings BUILT_IN = NONE.with(b -> {
        b.nJobs = -1;
        b.backend = Backend.PROCESSES;
        b.maxBytes = Parallel.DEFAULT_MAX_BYTES;
        b.mmapMode = MmapMode.READ_ONLY;
        b.retries = 0;
        b.verbose = 0;
        b.progressBar = true;
        b.batchSize = 0;
        b.workerProperties = Map.of();
        b.workerJvmOptions = List.of();
        b.idleTimeout = WorkerOptions.DEFAULT_IDLE_TIMEOUT;
    });

    /** An initializer and the key its state is kept under: one per Parallel, or one per block. */
    record Initializer(String key, Init<?> init) {
        Initializer {
            Objects.requireNonNull(key);
            Objects.requireNonNull(init);
        }
    }

    Settings {
        if (nJobs != null) {
            resolveJobs(nJobs, Runtime.getRuntime().availableProcessors());
        }
        if (maxBytes != null && maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes = " + maxBytes + " is negative; use a size such as 1048576 or"
                    + " maxBytes(\"1M\"), or noMemmap() to send every array through the channel");
        }
        if (mmapMode == MmapMode.WRITE) {
            mmapMode = MmapMode.READ_WRITE;   // joblib's 'w+': the dump is made, then mapped writable
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout
                    + "; use null for the default (no timeout, unless a ParallelConfig block sets one)");
        }
        if (retries != null && retries < 0) {
            throw new IllegalArgumentException("retries = " + retries + "; use 0 (the default) or more");
        }
        if (verbose != null && verbose < 0) {
            throw new IllegalArgumentException("verbose = " + verbose + "; use 0 (quiet, the default) or more");
        }
        if (batchSize != null && batchSize < 0) {
            throw new IllegalArgumentException("batchSize = " + batchSize + "; use a positive size, or 0 for automatic");
        }
        if (preDispatch != null && preDispatch < 1) {
            throw new IllegalArgumentException("preDispatch = " + preDispatch + "; at least 1 batch must be in flight");
        }
        if (workerHeap != null && !workerHeap.matches("\\d+[kKmMgGtT]?")) {
            throw new IllegalArgumentException("workerHeap(\"" + workerHeap + "\") is not a heap size; use e.g. \"512m\" or \"4g\"");
        }
        if (workerProperties != null) {
            workerProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(workerProperties));
        }
        if (workerJvmOptions != null) {
            workerJvmOptions = List.copyOf(workerJvmOptions);
        }
        if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout
                    + "; use null for the default of " + WorkerOptions.DEFAULT_IDLE_TIMEOUT.toSeconds() + " s");
        }
    }

    /** A copy with {@code change} applied, validated as every Settings is. */
    Settings with(Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** This value's components where it sets them, else those of {@code below}. */
    Settings over(Settings below) {
        return new Settings(first(nJobs, below.nJobs), first(backend, below.backend), first(maxBytes, below.maxBytes),
                first(tempFolder, below.tempFolder), first(mmapMode, below.mmapMode), first(timeout, below.timeout),
                first(retries, below.retries), first(verbose, below.verbose), first(progressBar, below.progressBar),
                first(batchSize, below.batchSize), first(preDispatch, below.preDispatch),
                first(workerHeap, below.workerHeap), first(workerProperties, below.workerProperties),
                first(workerJvmOptions, below.workerJvmOptions), first(idleTimeout, below.idleTimeout),
                first(initializer, below.initializer), first(cluster, below.cluster));
    }

    private static <T> T first(T here, T below) {
        return here != null ? here : below;
    }

    /** The worker options of these (resolved) settings. */
    WorkerOptions workerOptions() {
        return new WorkerOptions(workerHeap, workerProperties, workerJvmOptions, idleTimeout);
    }

    /**
     * What a new {@code Parallel} of this thread gets: the open blocks' settings, innermost first,
     * over system properties and environment variables, over the built-in defaults.
     *
     * @throws IllegalArgumentException if a system property or environment variable is malformed
     */
    static Settings inForce() {
        return ParallelConfig.openBlocks().over(outside()).over(BUILT_IN);
    }

    /**
     * The nJobs of {@code Parallel.of()}: the open blocks', else the system property or environment
     * variable, else -1 (all cores). Read only there, so that a malformed jparallel.nJobs troubles
     * no {@code Parallel.of(n)}.
     */
    static int defaultJobs() {
        Integer n = ParallelConfig.openBlocks().nJobs();
        if (n == null) {
            n = outside("jparallel.nJobs", "JPARALLEL_N_JOBS", Integer::valueOf);
        }
        return n == null ? BUILT_IN.nJobs() : n;
    }

    /** The settings that system properties and environment variables set (but nJobs), or {@link #NONE}. */
    static Settings outside() {
        Backend backend = outside("jparallel.backend", "JPARALLEL_BACKEND", Settings::parseBackend);
        Long maxBytes = outside("jparallel.maxBytes", "JPARALLEL_MAX_BYTES", Settings::parseSize);
        Path tempFolder = outside("jparallel.tempFolder", "JPARALLEL_TEMP_FOLDER", Path::of);
        if (backend == null && maxBytes == null && tempFolder == null) {
            return NONE;
        }
        return NONE.with(b -> {
            b.backend = backend;
            b.maxBytes = maxBytes;
            b.tempFolder = tempFolder;
        });
    }

    private static <T> T outside(String property, String variable, Function<String, T> parse) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return parse.apply(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot use " + property + " / " + variable + " = \"" + value.trim()
                    + "\": " + e.getMessage(), e);
        }
    }

    private static Backend parseBackend(String name) {
        try {
            return Backend.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a backend; use one of " + Arrays.toString(Backend.values()));
        }
    }

    /** joblib's nJobs: positive as given, -1 all cores, -2 all but one, ...; at least 1. */
    static int resolveJobs(int nJobs, int cores) {
        if (nJobs == 0) {
            throw new IllegalArgumentException("nJobs == 0 has no meaning; use a positive number of workers, "
                    + "or -1 for all " + cores + " cores");
        }
        if (nJobs > Parallel.MAX_JOBS) {
            throw new IllegalArgumentException("nJobs = " + nJobs + " is more than " + Parallel.MAX_JOBS
                    + " worker JVMs; this machine has " + cores + " cores, so use -1 (all cores) or a few times that");
        }
        return nJobs > 0 ? nJobs : Math.max(1, cores + 1 + nJobs);
    }

    /** A size as joblib writes it: "500K", "1M", "2G" (powers of 1024), or plain bytes. */
    static long parseSize(String size) {
        Objects.requireNonNull(size, "maxBytes(null): give a size such as \"1M\"");
        String s = size.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("B") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) {
            s = s.substring(0, s.length() - 1);
        }
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                case 'T' -> unit = 1L << 40;
                default -> unit = 1;
            }
            if (unit > 1) {
                s = s.substring(0, s.length() - 1).trim();
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("maxBytes(\"" + size + "\") is not a size; write a whole number of"
                    + " bytes, optionally followed by K, M or G (powers of 1024), e.g. \"500K\", \"1M\", \"2G\"");
        }
    }

    /** The mutable form, for {@link #with}: a setter assigns a field, {@link #build()} validates. */
    static final class Builder {
        Integer nJobs;
        Backend backend;
        Long maxBytes;
        Path tempFolder;
        MmapMode mmapMode;
        Duration timeout;
        Integer retries;
        Integer verbose;
        Boolean progressBar;
        Integer batchSize;
        Integer preDispatch;
        String workerHeap;
        Map<String, String> workerProperties;
        List<String> workerJvmOptions;
        Duration idleTimeout;
        Initializer initializer;
        ClusterBackend cluster;

        Builder() {
        }

        Builder(Settings s) {
            nJobs = s.nJobs;
            backend = s.backend;
            maxBytes = s.maxBytes;
            tempFolder = s.tempFolder;
            mmapMode = s.mmapMode;
            timeout = s.timeout;
            retries = s.retries;
            verbose = s.verbose;
            progressBar = s.progressBar;
            batchSize = s.batchSize;
            preDispatch = s.preDispatch;
            workerHeap = s.workerHeap;
            workerProperties = s.workerProperties;
            workerJvmOptions = s.workerJvmOptions;
            idleTimeout = s.idleTimeout;
            initializer = s.initializer;
            cluster = s.cluster;
        }

        /** {@code workerProperties} with {@code key} set to {@code value}, or removed for null. */
        void workerProperty(Map<String, String> base, String key, String value) {
            Map<String, String> copy = new LinkedHashMap<>(base == null ? Map.of() : base);
            if (value == null) {
                copy.remove(key);
            } else {
                copy.put(key, value);
            }
            workerProperties = copy;
        }

        /** {@code workerJvmOptions} with {@code options} added after {@code base}'s. */
        void addWorkerJvmOptions(List<String> base, List<String> options) {
            List<String> all = new ArrayList<>(base == null ? List.of() : base);
            all.addAll(options);
            workerJvmOptions = all;
        }

        Settings build() {
            return new Settings(nJobs, backend, maxBytes, tempFolder, mmapMode, timeout, retries, verbose, progressBar,
                    batchSize, preDispatch, workerHeap, workerProperties, workerJvmOptions, idleTimeout, initializer,
                    cluster);
        }
    }
}
