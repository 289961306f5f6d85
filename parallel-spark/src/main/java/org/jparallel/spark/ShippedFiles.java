package org.jparallel.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.jparallel.memmap.ArrayBytes;
import org.jparallel.memmap.Handle;
import org.jparallel.memmap.Memmap;
import org.jparallel.memmap.SharedArray;
import org.jparallel.memmap.TempFolders;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The files of one Spark application that reached its executors (read-only mapped arrays, and
 * dumps of heap arrays over a call's {@code maxBytes}): each is added
 * once with {@link SparkContext#addFile} under a unique name (Spark keys added files by name), so
 * every executor fetches it once per application, before its first task, and maps it read-only
 * (the mapping is cached per executor JVM, shared by its tasks).
 *
 * <p>The unique name is a hard link in a jparallel folder of this JVM (in the temp folder, else next
 * to the file: Spark resolves symbolic links, so they cannot give a name), or a copy where no hard
 * link can be made; so the data stays available to executors that start later even if its original
 * name goes. The folders go when the application ends (or at JVM exit).
 */
final class ShippedFiles {
    private static final Map<String, ShippedFiles> BY_APPLICATION = new ConcurrentHashMap<>();

    private final SparkContext sc;
    private final String prefix = "jparallel-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    /** "path|size|mtime" to the name it was added under: a file rewritten since is shipped again. */
    private final Map<String, String> names = new HashMap<>();
    /** Heap arrays dumped and added, by the SHA-256 of their type, shape and data. */
    private final Map<String, Shipped> arrays = new HashMap<>();
    private final Map<Path, Path> folders = new HashMap<>();   // base to our folder in it
    private boolean ended;

    private ShippedFiles(SparkContext sc) {
        this.sc = sc;
    }

    static ShippedFiles of(SparkContext sc) {
        return BY_APPLICATION.computeIfAbsent(sc.applicationId(), id -> {
            ShippedFiles files = new ShippedFiles(sc);
            sc.addSparkListener(new SparkListener() {
                @Override
                public void onApplicationEnd(SparkListenerApplicationEnd end) {
                    BY_APPLICATION.remove(id);
                    files.end();
                }
            });
            return files;
        });
    }

    /** The name under which executors find {@code file} ({@code SparkFiles.get(name)}); adds it on first sight. */
    synchronized String ship(Path file) {
        if (ended) {
            throw new IllegalStateException("the Spark application has ended");
        }
        Path real = file.toAbsolutePath().normalize();
        try {
            String identity = real + "|" + Files.size(real) + "|" + Files.getLastModifiedTime(real).toMillis();
            String name = names.get(identity);
            if (name == null) {
                name = prefix + "-" + (names.size() + 1) + "-" + real.getFileName();
                Path link = folder(TempFolders.chooseBase(null, 0)).resolve(name);
                if (!linked(link, real)) {
                    Path beside = null;
                    try {
                        beside = folder(real.getParent()).resolve(name);
                    } catch (UncheckedIOException | SecurityException readOnlyFolder) {
                        // copy below
                    }
                    if (beside != null && linked(beside, real)) {
                        link = beside;
                    } else {
                        link = folder(TempFolders.chooseBase(null, Files.size(real))).resolve(name);
                        Files.copy(real, link);
                    }
                }
                sc.addFile(link.toString());
                names.put(identity, name);
            }
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot ship " + real + " to the Spark executors", e);
        }
    }

    /** A heap array's dump as added: executors find it as {@code SparkFiles.get(name)}. */
    record Shipped(String name, Handle handle) {
    }

    /**
     * Ships a heap array's current content, once per application: the dump is named by the SHA-256
     * of its type, shape and bytes, so the same content (the same array unchanged, or an equal one)
     * is found again and nothing is written or added, while a changed array gets a new name, never
     * an executor's stale copy. Every version added stays until the application ends (an executor
     * that starts later fetches all of them).
     *
     * @param tempFolder where to write the dump, or null to choose ({@link TempFolders#chooseBase})
     */
    Shipped shipArray(SharedArray array, Path tempFolder) {
        String hash = contentHash(array);   // outside the lock: other calls need not wait for it
        synchronized (this) {
            if (ended) {
                throw new IllegalStateException("the Spark application has ended");
            }
            Shipped shipped = arrays.get(hash);
            if (shipped == null) {
                String name = prefix + "-array-" + hash.substring(0, 32) + ".npy";
                Path file = folder(TempFolders.chooseBase(tempFolder, array.byteSize())).resolve(name);
                Handle handle = Memmap.dump(array, file);
                sc.addFile(handle.file().toString());
                shipped = new Shipped(name, handle);
                arrays.put(hash, shipped);
            }
            return shipped;
        }
    }

    /** SHA-256 (hex) of the array's dtype, shape and little-endian data bytes. */
    static String contentHash(SharedArray array) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);   // every Java SE JVM has it
        }
        digest.update((array.dtype().name() + Arrays.toString(array.shape())).getBytes(StandardCharsets.UTF_8));
        ArrayBytes.write(array, new OutputStream() {
            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    private Path folder(Path base) {
        return folders.computeIfAbsent(base, b -> TempFolders.newFolder(b, "spark"));
    }

    private static boolean linked(Path link, Path file) {
        try {
            Files.createLink(link, file);
            return true;
        } catch (IOException | UnsupportedOperationException otherFileSystem) {
            return false;
        }
    }

    private synchronized void end() {
        ended = true;
        folders.values().forEach(TempFolders::deleteNow);
    }
}
