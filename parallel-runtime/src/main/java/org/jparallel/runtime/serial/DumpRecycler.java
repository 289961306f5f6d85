package org.jparallel.runtime.serial;

import org.jparallel.memmap.TempFolders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dump files of ended calls, kept a few seconds for the next call to write over: a loop that
 * calls {@code map} again and again with a heap matrix of the same shape then writes into pages that
 * tmpfs already holds, instead of having new ones allocated and zeroed and the old ones freed
 * (bench's {@code VsJoblib --only rowsum_auto} prints the calls in order: the first writes a new
 * 2 GiB file, the next ones write over it).
 *
 * <p>An ended call's file is moved (renamed, on the same file system) into a folder of kept files in
 * its base ({@code jparallel-<pid>-<start>-kept-...}), so that the call's own folder goes as before.
 * A later call of the same configured folder that dumps exactly as many bytes moves it into its own
 * folder and writes over it. A kept file is deleted {@link #KEEP_MILLIS} after its call ended, at
 * once by {@code Parallel.shutdownWorkers()} ({@link #deleteAll}), and with its folder at JVM exit;
 * the folder goes with its last file. A call that needs a file of a size nobody kept deletes the
 * kept ones first where they would take the room it needs. A file a result adopted
 * (another name links to it) is never kept: writing over it would change what the caller holds.
 */
final class DumpRecycler {
    static final DumpRecycler INSTANCE = new DumpRecycler();
    /** How long an ended call's file waits for the next call; a loop's next call comes sooner. */
    static final long KEEP_MILLIS = 5_000;

    /**
     * A kept file: where it is, what its call asked for (its configured folder, or null), its size, and
     * when it was kept (which tells a file kept again from its earlier keeping, whose expiry is due first).
     */
    private record Kept(Path file, Path configuredFolder, long bytes, long keptAtNanos) {
    }

    /** Guarded by this. */
    private final Map<Path, Path> keptFolderByBase = new HashMap<>();
    /** Guarded by this. */
    private final List<Kept> kept = new ArrayList<>();
    private final AtomicLong names = new AtomicLong();
    /** One daemon thread deletes expired files; it exits when no expiry is due, as TempFolders' deleter does. */
    private final ScheduledThreadPoolExecutor expiry = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "jparallel-dump-expiry");
        t.setDaemon(true);
        return t;
    });

    private DumpRecycler() {
        expiry.setKeepAliveTime(KEEP_MILLIS, TimeUnit.MILLISECONDS);
        expiry.allowCoreThreadTimeOut(true);
    }

    /**
     * Moves a kept file of exactly {@code bytes} bytes, left by a call with the same configured folder,
     * to {@code targetIn.apply(its base)} and returns where it now is; else returns null, after
     * deleting the kept files of every base that lacks room for {@code bytes} (see {@link #makeRoom}).
     */
    synchronized Path take(Path configuredFolder, long bytes, java.util.function.UnaryOperator<Path> targetIn) {
        for (Iterator<Kept> it = kept.iterator(); it.hasNext(); ) {
            Kept k = it.next();
            if (k.bytes() == bytes && Objects.equals(k.configuredFolder(), configuredFolder)) {
                it.remove();
                try {
                    Path target = targetIn.apply(k.file().getParent().getParent());
                    Files.move(k.file(), target, StandardCopyOption.ATOMIC_MOVE);
                    return target;
                } catch (IOException | RuntimeException e) {
                    delete(k.file());   // gone meanwhile, or no call folder: write a new one
                } finally {
                    removeEmptyFolders();
                }
            }
        }
        makeRoom(bytes);
        return null;
    }

    /**
     * Deletes the kept files of each base that has less than {@code bytes} plus the margin free, so
     * that they never push a new dump out of /dev/shm; elsewhere they wait for their expiry, and the
     * caller does not wait for tmpfs to free them.
     */
    private void makeRoom(long bytes) {
        for (Path base : keptFolderByBase.keySet()) {
            if (usableSpace(base) - TempFolders.SPACE_MARGIN_BYTES < bytes) {
                for (Iterator<Kept> it = kept.iterator(); it.hasNext(); ) {
                    Kept k = it.next();
                    if (k.file().getParent().getParent().equals(base)) {
                        delete(k.file());
                        it.remove();
                    }
                }
            }
        }
        removeEmptyFolders();
    }

    private static long usableSpace(Path base) {
        try {
            return Files.getFileStore(base).getUsableSpace();
        } catch (IOException e) {
            return 0;   // cannot tell: make room
        }
    }

    /** Keeps an ended call's {@code file} for the next call, unless a result adopted it. */
    synchronized void keep(Path file, Path configuredFolder, long bytes) {
        if (linkedElsewhere(file)) {
            return;   // goes with its call's folder; the result's link keeps the data
        }
        Path base = file.getParent().getParent();
        try {
            Path folder = keptFolderByBase.get(base);
            if (folder == null) {
                folder = TempFolders.newFolder(base, "kept");
                keptFolderByBase.put(base, folder);
            }
            Path keptFile = folder.resolve("k" + names.incrementAndGet() + ".npy");
            Files.move(file, keptFile, StandardCopyOption.ATOMIC_MOVE);
            Kept k = new Kept(keptFile, configuredFolder, bytes, System.nanoTime());
            kept.add(k);
            expiry.schedule(() -> expire(k), KEEP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            removeEmptyFolders();   // not kept: the file goes with its call's folder
        }
    }

    private synchronized void expire(Kept k) {
        if (kept.remove(k)) {
            delete(k.file());
            removeEmptyFolders();
        }
    }

    /** Deletes every kept file, and their folders, now. */
    synchronized void deleteAll() {
        kept.forEach(k -> delete(k.file()));
        kept.clear();
        removeEmptyFolders();
    }

    /** The kept folders that hold no kept file go; only this class puts files in them, under this lock. */
    private void removeEmptyFolders() {
        for (Iterator<Map.Entry<Path, Path>> it = keptFolderByBase.entrySet().iterator(); it.hasNext(); ) {
            Path folder = it.next().getValue();
            if (kept.stream().noneMatch(k -> k.file().getParent().equals(folder))) {
                TempFolders.deleteNow(folder);
                it.remove();
            }
        }
    }

    private static boolean linkedElsewhere(Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink")).intValue() > 1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return true;   // cannot tell: do not reuse
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the folder goes at JVM exit, or with the next JVM's sweep
        }
    }
}
