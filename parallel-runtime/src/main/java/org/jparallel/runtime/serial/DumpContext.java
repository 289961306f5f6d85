package org.jparallel.runtime.serial;

import org.jparallel.memmap.Handle;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.MmapMode;
import org.jparallel.memmap.SharedArray;
import org.jparallel.memmap.TempFolders;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of one call: arrays over {@code maxBytes} met while serializing the call's function
 * and arguments are dumped here once (deduplicated by identity, so an array captured by the
 * function and passed in every batch is written once). The call's end hands them to the
 * {@link DumpRecycler}, where the next call's dumps of the same size write over them, and which
 * deletes them seconds later. Thread-safe: batches of one call may be serialized by different threads.
 */
public final class DumpContext {
    /** Where a DumpContext sits in {@link com.esotericsoftware.kryo.kryo5.Kryo#getContext()}. */
    public static final Object KEY = DumpContext.class;

    private final long maxBytes;
    private final Path configuredFolder;
    private final MmapMode inputMode;
    /** Where arrays go instead of the call's folder, or null. */
    private final Dumper dumper;
    private final Map<Object, Handle> dumped = new IdentityHashMap<>();
    private final Map<Path, Path> folderByBase = new HashMap<>();
    /** This call's dump files, with their sizes. */
    private final Map<Path, Long> files = new LinkedHashMap<>();
    /**
     * Files that workers map writable: never kept, since a task of this call that outlives its
     * cancellation for a moment could write into the next call's array.
     */
    private final java.util.Set<Path> writable = new java.util.HashSet<>();
    private boolean closed;

    public DumpContext(long maxBytes, Path configuredFolder, MmapMode inputMode) {
        this(maxBytes, configuredFolder, inputMode, null);
    }

    /**
     * Arrays over {@code maxBytes} are handed to {@code dumper} (once per call and array, by identity),
     * which decides where their files live and how long; {@link #files()} stays empty and
     * {@link #close()} deletes nothing of theirs. The Spark backend ships them to its executors.
     */
    public DumpContext(long maxBytes, MmapMode inputMode, Dumper dumper) {
        this(maxBytes, null, inputMode, java.util.Objects.requireNonNull(dumper, "dumper"));
    }

    private DumpContext(long maxBytes, Path configuredFolder, MmapMode inputMode, Dumper dumper) {
        this.maxBytes = maxBytes;
        this.configuredFolder = configuredFolder;
        this.inputMode = inputMode;
        this.dumper = dumper;
    }

    /** Writes a heap array over {@code maxBytes} somewhere its readers can map it. */
    @FunctionalInterface
    public interface Dumper {
        /**
         * @param array a heap array (a view of a Java array, or a heap shared array)
         * @param mode  how readers are to map it
         * @return the handle readers map, in {@code mode}
         */
        Handle dump(SharedArray array, MmapMode mode);
    }

    boolean shouldDump(long bytes) {
        return bytes > maxBytes;
    }

    /** The handle of {@code array}'s dump, writing it on first sight; {@code mode} is how workers map it. */
    synchronized Handle dump(Object identity, SharedArray array, MmapMode mode) {
        if (closed) {
            throw new IllegalStateException("the call has ended; its arrays can no longer be sent");
        }
        Handle handle = dumped.get(identity);
        if (handle == null && dumper != null) {
            handle = dumper.dump(array, mode);
            dumped.put(identity, handle);
        } else if (handle == null) {
            Handle written = write(array);
            if (mode == MmapMode.READ_WRITE || mode == MmapMode.WRITE) {   // shared, writable mappings
                writable.add(written.file());
            }
            handle = new Handle(written.file(), written.dataOffset(), written.dtype(), written.shape(), mode);
            dumped.put(identity, handle);
        }
        return handle;
    }

    /** Over a file an earlier call of the same size left, or into a new one, in the call's folder. */
    private Handle write(SharedArray array) {
        long bytes = Memmap.dumpSize(array);
        String name = "a" + files.size() + ".npy";
        Path reused = DumpRecycler.INSTANCE.take(configuredFolder, bytes, base -> callFolder(base).resolve(name));
        Handle written;
        if (reused != null) {
            files.put(reused, bytes);   // a failure leaves it half written, in the call's folder, which goes
            written = Memmap.dumpOver(array, reused);
        } else {
            Path file = callFolder(TempFolders.chooseBase(configuredFolder, array.byteSize())).resolve(name);
            written = Memmap.dump(array, file);
            files.put(file, bytes);
        }
        return written;
    }

    private Path callFolder(Path base) {
        return folderByBase.computeIfAbsent(base, b -> TempFolders.newFolder(b, "call"));
    }

    MmapMode inputMode() {
        return inputMode;
    }

    /** Whether {@code file} is one of this call's dumps, which a later call may write over. */
    public synchronized boolean wrote(Path file) {
        return files.containsKey(file);
    }

    /** The files written so far (workers are told to forget their mappings of them). */
    public synchronized List<Path> files() {
        return List.copyOf(files.keySet());
    }

    /**
     * Hands the call's files to the {@link DumpRecycler}, to be kept a few seconds for the next call
     * to write over (unless a result adopted one, or workers mapped it writable), and deletes the call's folders with what is left,
     * without waiting for the kernel to free their pages.
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        files.forEach((file, bytes) -> {
            if (!writable.contains(file)) {
                DumpRecycler.INSTANCE.keep(file, configuredFolder, bytes);
            }
        });
        folderByBase.values().forEach(TempFolders::deleteInBackground);
    }

    /** Deletes the files that ended calls left for the next ones to write over (Parallel.shutdownWorkers). */
    public static void deleteKeptFiles() {
        DumpRecycler.INSTANCE.deleteAll();
    }
}
