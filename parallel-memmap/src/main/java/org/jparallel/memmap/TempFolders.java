package org.jparallel.memmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where memory-mapped files go, and their clean-up.
 *
 * <p>Folders are named {@code jparallel-<pid>-<startMillis>-<tag>-<random>} after the JVM that created them,
 * so that a later JVM can tell whether their owner is gone ({@link #sweepStale}) even if that owner was
 * killed before its shutdown hook could run. The start time tells a live owner from an unrelated process
 * that got the same pid later.
 *
 * <pre>{@code
 * Path base = TempFolders.chooseBase(null, 8L << 30);    // /dev/shm if it has room for 8 GiB
 * Path folder = TempFolders.newFolder(base, "pool");     // 0700, deleted at JVM exit at the latest
 * ...
 * TempFolders.deleteInBackground(folder);                // or deleteNow(folder)
 * }</pre>
 */
public final class TempFolders {
    /** Environment variable naming the folder to use when none is configured. */
    public static final String TEMP_FOLDER_ENV = "JPARALLEL_TEMP_FOLDER";
    /** Free space kept beyond what is asked for, so that a full tmpfs does not starve the rest of the machine. */
    public static final long SPACE_MARGIN_BYTES = 64L << 20;

    private static final Path SHARED_MEMORY = Path.of("/dev/shm");
    private static final String PREFIX = "jparallel-";
    private static final Pattern OWNED_NAME = Pattern.compile("jparallel-(\\d+)-(\\d+)-.*");
    /** A pid counts as the same process if its start time matches within this, the precision of /proc. */
    private static final long START_TIME_TOLERANCE_MILLIS = 1000;

    private static final Owner SELF = Owner.of(ProcessHandle.current());
    /** One daemon thread deletes in the background, in order; it exits when idle. */
    private static final ThreadPoolExecutor DELETER = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "jparallel-delete");
                t.setDaemon(true);
                return t;
            });

    static {
        DELETER.allowCoreThreadTimeOut(true);
    }
    private static final Set<Path> DELETE_AT_EXIT = ConcurrentHashMap.newKeySet();
    private static final Set<Path> SWEPT_BASES = ConcurrentHashMap.newKeySet();
    private static final Map<Path, Path> SESSION_FOLDERS = new ConcurrentHashMap<>();
    private static final AtomicBoolean FALLBACK_WARNED = new AtomicBoolean();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFolders::deleteAllAtExit, "jparallel-temp-cleanup"));
    }

    private TempFolders() {
    }

    /**
     * The process that created a folder, as encoded in its name.
     *
     * @param pid         process id
     * @param startMillis process start time, epoch milliseconds
     */
    public record Owner(long pid, long startMillis) {

        private static boolean isZombie(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                return state == 'Z' || state == 'X';
            } catch (IOException | RuntimeException noProcInfo) {
                return false;   // gone, or not Linux: ProcessHandle decides
            }
        }

        /** This JVM. */
        public static Owner current() {
            return SELF;   // read once: ProcessHandle.info() reads /proc each time
        }

        private static Owner of(ProcessHandle process) {
            return new Owner(process.pid(), process.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
        }

        /**
         * True if process {@code pid} runs and started within a second of {@code startMillis}; a different
         * start time means the pid was reused by an unrelated process. Unknown start times count as alive.
         * A zombie (killed, not yet reaped by its parent) is dead, though ProcessHandle counts it alive.
         */
        public boolean isAlive() {
            if (isZombie(pid)) {
                return false;
            }
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .map(process -> process.info().startInstant()
                            .map(start -> Math.abs(start.toEpochMilli() - startMillis) <= START_TIME_TOLERANCE_MILLIS)
                            .orElse(true))
                    .orElse(false);
        }
    }

    /**
     * Picks the folder for {@code bytesNeeded} bytes of temporary files: {@code configured} if not null, else
     * the folder named by {@value #TEMP_FOLDER_ENV}, else {@code /dev/shm} (memory, fastest) when it is
     * writable and has {@code bytesNeeded} plus {@link #SPACE_MARGIN_BYTES} free, else {@code java.io.tmpdir}
     * with a one-line warning (once per JVM) saying how big the array was, why it did not fit, where it goes
     * and how to choose the folder.
     *
     * @throws IllegalStateException if the chosen folder cannot be used or nothing has room; nothing has
     *                               been written then
     */
    public static Path chooseBase(Path configured, long bytesNeeded) {
        return chooseBase(configured, bytesNeeded, System.getenv(TEMP_FOLDER_ENV), SHARED_MEMORY,
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** {@link #chooseBase(Path, long)} with its environment made explicit, for tests. */
    static Path chooseBase(Path configured, long bytesNeeded, String envFolder, Path sharedMemory, Path tmpDir) {
        if (bytesNeeded < 0) {
            throw new IllegalArgumentException("negative bytesNeeded " + bytesNeeded);
        }
        if (configured != null) {
            return requireUsable(configured, bytesNeeded, "the configured temp folder");
        }
        if (envFolder != null && !envFolder.isBlank()) {
            return requireUsable(Path.of(envFolder), bytesNeeded, TEMP_FOLDER_ENV);
        }
        String sharedMemoryProblem = problemWith(sharedMemory, bytesNeeded);
        if (sharedMemoryProblem == null) {
            return sharedMemory;
        }
        if (problemWith(tmpDir, bytesNeeded) == null) {
            if (FALLBACK_WARNED.compareAndSet(false, true)) {
                System.err.println(fallbackWarning(bytesNeeded, sharedMemory, sharedMemoryProblem, tmpDir));
            }
            return tmpDir;
        }
        throw new IllegalStateException("not enough temp space for " + bytesNeeded + " bytes: "
                + sharedMemory + " " + describeSpace(sharedMemory) + ", " + tmpDir + " " + describeSpace(tmpDir)
                + "; set tempFolder(...) or " + TEMP_FOLDER_ENV + " to a folder with room");
    }

    /**
     * Creates {@code <base>/jparallel-<pid>-<startMillis>-<tag>-<random>}, readable by its owner only (0700)
     * and deleted at JVM exit unless deleted earlier. The first use of {@code base} sweeps it with
     * {@link #sweepStale}.
     *
     * @param tag letters, digits, '.', '_' or '-', to tell what the folder is for
     */
    public static Path newFolder(Path base, String tag) {
        if (!tag.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("folder tag '" + tag + "' must be made of letters, digits, '.', '_', '-'");
        }
        sweepOnce(base);
        while (true) {
            Path folder = base.resolve(PREFIX + SELF.pid() + "-" + SELF.startMillis() + "-" + tag + "-"
                    + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
            DELETE_AT_EXIT.add(folder);
            try {
                // Permissions are set at creation: a chmod afterwards would leave a moment of wider access.
                return Files.createDirectory(folder, ownerOnly(base, "rwx------"));
            } catch (FileAlreadyExistsException nameTaken) {
                DELETE_AT_EXIT.remove(folder);
            } catch (IOException e) {
                DELETE_AT_EXIT.remove(folder);
                throw new UncheckedIOException("cannot create a temp folder in " + base, e);
            }
        }
    }

    /**
     * This JVM's folder for {@link Memmap}'s allocations, in the base {@link #chooseBase(Path, long)} picks
     * for {@code bytesNeeded}; created on first use (again if it was deleted meanwhile).
     */
    public static Path sessionFolder(long bytesNeeded) {
        Path base = chooseBase(null, bytesNeeded);
        return SESSION_FOLDERS.compute(base, (b, existing) ->
                existing != null && Files.isDirectory(existing) ? existing : newFolder(b, "memmap"));
    }

    /**
     * Deletes {@code folder} recursively on a daemon thread, so the caller does not wait for the kernel to
     * free the pages. Files already gone are fine; if the JVM exits first, the shutdown hook finishes.
     */
    public static void deleteInBackground(Path folder) {
        DELETER.execute(() -> {
            try {
                deleteRecursively(folder);
                DELETE_AT_EXIT.remove(folder);
            } catch (IOException e) {
                System.err.println("jparallel: cannot delete temp folder " + folder + ": " + e);
            }
        });
    }

    /** Deletes {@code folder} recursively now; files already gone are fine. */
    public static void deleteNow(Path folder) {
        try {
            deleteRecursively(folder);
            DELETE_AT_EXIT.remove(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete temp folder " + folder, e);
        }
    }

    /**
     * The janitor: deletes the {@code jparallel-<pid>-<startMillis>-*} entries of {@code base} whose owner
     * is gone (killed, or crashed before its shutdown hook ran). Entries of live owners are never touched,
     * nor entries this user may not delete. Runs automatically the first time a JVM uses a base.
     *
     * @return how many entries were removed
     */
    public static int sweepStale(Path base) {
        if (!Files.isDirectory(base)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path entry : entries) {
                Optional<Owner> owner = ownerOf(entry);
                if (owner.isPresent() && !owner.get().isAlive()) {
                    try {
                        deleteRecursively(entry);
                        removed++;
                    } catch (IOException notOurs) {
                        // another user's folder, which only they (or root) may delete
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + base, e);
        }
        return removed;
    }

    /**
     * Deletes every folder of the JVM {@code (pid, startMillis)} in {@code bases}; a worker calls this when
     * its parent died without cleaning up.
     */
    public static void removeFoldersOwnedBy(long pid, long startMillis, Collection<Path> bases) {
        for (Path base : bases) {
            if (!Files.isDirectory(base)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + pid + "-" + startMillis + "-*")) {
                for (Path entry : entries) {
                    deleteNow(entry);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + base, e);
            }
        }
    }

    /**
     * Deletes the folders in {@code bases} of process {@code pid} if it is dead: a pool calls this
     * for a worker that died without removing its own (killed, or out of memory).
     */
    public static void removeFoldersOfDeadProcess(long pid, Collection<Path> bases) {
        for (Path base : bases) {
            if (!Files.isDirectory(base)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + pid + "-*")) {
                for (Path entry : entries) {
                    Optional<Owner> owner = ownerOf(entry);
                    if (owner.isPresent() && owner.get().pid() == pid && !owner.get().isAlive()) {
                        deleteNow(entry);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + base, e);
            }
        }
    }

    /** The owner encoded in a {@code jparallel-<pid>-<startMillis>-...} name, empty for any other name. */
    public static Optional<Owner> ownerOf(Path folder) {
        Path name = folder.getFileName();
        Matcher matcher = OWNED_NAME.matcher(name == null ? "" : name.toString());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Owner(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))));
        } catch (NumberFormatException tooManyDigits) {
            return Optional.empty();
        }
    }

    /** Attributes that create a file or folder with {@code permissions} where the file system supports POSIX. */
    static FileAttribute<?>[] ownerOnly(Path folder, String permissions) throws IOException {
        if (!Files.getFileStore(folder).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
    }

    /** Formats a byte count for people, e.g. {@code "1.5 GiB"}. */
    static String formatBytes(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format("%.1f %s", value, units[unit]);
    }

    private static Path requireUsable(Path folder, long bytesNeeded, String source) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create temp folder " + folder + " (from " + source + "): " + e, e);
        }
        String problem = problemWith(folder, bytesNeeded);
        if (problem != null) {
            throw new IllegalStateException("temp folder " + folder + " (from " + source + ") " + problem
                    + "; set tempFolder(...) or " + TEMP_FOLDER_ENV + " to a writable folder with room");
        }
        return folder;
    }

    /** Why {@code folder} cannot take {@code bytesNeeded} more bytes, or null if it can. */
    private static String problemWith(Path folder, long bytesNeeded) {
        if (!Files.isDirectory(folder) || !Files.isWritable(folder)) {
            return "is not a writable folder";
        }
        sweepOnce(folder);
        long usable = usableSpace(folder);
        if (usable - SPACE_MARGIN_BYTES < bytesNeeded) {
            return "has " + formatBytes(usable) + " free but " + bytesNeeded + " bytes plus a "
                    + formatBytes(SPACE_MARGIN_BYTES) + " margin are needed";
        }
        return null;
    }

    /**
     * The one warning of a JVM whose memory-mapped files leave shared memory: how big the file was, why,
     * where it and later ones go, and how to choose instead.
     */
    private static String fallbackWarning(long bytesNeeded, Path sharedMemory, String problem, Path tmpDir) {
        return "jparallel: a memory-mapped array of " + formatBytes(bytesNeeded) + " (" + bytesNeeded + " bytes) does not"
                + " fit in " + sharedMemory + ", which " + problem + "; it goes to " + tmpDir.toAbsolutePath()
                + " instead, as will later ones that do not fit (slower if that is on disk, and using its space)."
                + " To choose the folder, set tempFolder(...) on Parallel or ParallelConfig, or the environment"
                + " variable " + TEMP_FOLDER_ENV + "; to keep a large array on disk for good, create it with"
                + " Memmap.create(...)";
    }

    private static String describeSpace(Path folder) {
        return Files.isDirectory(folder) ? "has " + formatBytes(usableSpace(folder)) + " free" : "does not exist";
    }

    private static long usableSpace(Path folder) {
        try {
            return Files.getFileStore(folder).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure free space of " + folder, e);
        }
    }

    private static void sweepOnce(Path base) {
        if (SWEPT_BASES.add(base.toAbsolutePath().normalize())) {
            sweepStale(base);
        }
    }

    /**
     * Deletes every folder this JVM created and did not delete yet, now: what the shutdown hook
     * does, for a process about to end with {@code Runtime.halt}, which runs no hook.
     */
    public static void deleteAllNow() {
        deleteAllAtExit();
    }

    private static void deleteAllAtExit() {
        for (Path folder : DELETE_AT_EXIT) {
            try {
                deleteRecursively(folder);
            } catch (IOException e) {
                System.err.println("jparallel: cannot delete temp folder " + folder + ": " + e);
            }
        }
    }

    /** Deletes a tree without following links; entries that vanish meanwhile are fine. */
    private static void deleteRecursively(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
