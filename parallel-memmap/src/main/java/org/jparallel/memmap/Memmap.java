package org.jparallel.memmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory-mapped arrays in NumPy {@code .npy} files: allocation, dump, load and open.
 *
 * <pre>{@code
 * try (DoubleMatrix m = Memmap.doubleMatrix(1000, 1000)) {     // zero-filled, shared, in /dev/shm
 *     m.set(0, 0, 1.0);
 *     Handle h = m.handle().orElseThrow();                   // a worker process calls Memmap.open(h)
 * }                                                          // file deleted
 *
 * Handle saved = Memmap.dump(DoubleArray.of(1, 2, 3), Path.of("/tmp/x.npy"));   // numpy.load can read it
 * DoubleArray mapped = Memmap.loadDoubles(Path.of("/tmp/x.npy"), MmapMode.READ_ONLY);
 *
 * // 61 GiB on disk, larger than memory if need be, kept after close(): numpy.load opens it too
 * DoubleMatrix big = Memmap.createDoubleMatrix(Path.of("/data/big.npy"), 1_000_000, 8_192);
 * }</pre>
 *
 * <p>Allocated and created files are sparse: pages take memory (or disk) when first written. Allocations
 * ({@link #doubles} and the like) are temporary files in a folder of {@link TempFolders}, deleted at
 * {@code close()}; {@link #create} makes a file of yours, at a path you name, that stays. I/O failures surface
 * as {@link UncheckedIOException}.
 */
public final class Memmap {
    /** Large enough to amortise system calls, small enough to stay in cache. */
    private static final int WRITE_BUFFER_BYTES = 4 << 20;
    private static final String SUPPORTED_LAYOUTS =
            "supported: 1-D arrays of float64, float32, int64, int32, int8, and 2-D float64, float32, int64 or int32 matrices";

    private static final Cleaner FILE_DELETER = Cleaner.create();
    private static final AtomicLong FILE_COUNTER = new AtomicLong();
    /** Mappings reused by {@link #open}: mapping a file afresh for each task halves read speed. */
    private static final Map<MappingKey, MappedRegion> MAPPINGS = new ConcurrentHashMap<>();

    private Memmap() {
    }

    /** A file's identity: a file replaced under the same name gets a new key. */
    private record FileIdentity(Object key, long size) {
    }

    private record MappingKey(Path file, MmapMode mode, FileIdentity identity) {
    }

    /** A zero-filled, writable, shared array of {@code length} doubles in a new file; see {@link SharedArray#close()}. */
    public static DoubleArray doubles(long length) {
        return (DoubleArray) allocate(DType.FLOAT64, length);
    }

    /** A zero-filled, writable, shared array of {@code length} floats in a new file. */
    public static FloatArray floats(long length) {
        return (FloatArray) allocate(DType.FLOAT32, length);
    }

    /** A zero-filled, writable, shared array of {@code length} longs in a new file. */
    public static LongArray longs(long length) {
        return (LongArray) allocate(DType.INT64, length);
    }

    /** A zero-filled, writable, shared array of {@code length} ints in a new file. */
    public static IntArray ints(long length) {
        return (IntArray) allocate(DType.INT32, length);
    }

    /** A zero-filled, writable, shared array of {@code length} bytes in a new file. */
    public static ByteArray bytes(long length) {
        return (ByteArray) allocate(DType.INT8, length);
    }

    /** A zero-filled, writable, shared row-major matrix of doubles in a new file. */
    public static DoubleMatrix doubleMatrix(long rows, long cols) {
        return (DoubleMatrix) allocate(DType.FLOAT64, rows, cols);
    }

    /** A zero-filled, writable, shared row-major matrix of floats in a new file. */
    public static FloatMatrix floatMatrix(long rows, long cols) {
        return (FloatMatrix) allocate(DType.FLOAT32, rows, cols);
    }

    /** A zero-filled, writable, shared row-major matrix of longs (NumPy int64) in a new file. */
    public static LongMatrix longMatrix(long rows, long cols) {
        return (LongMatrix) allocate(DType.INT64, rows, cols);
    }

    /** A zero-filled, writable, shared row-major matrix of ints (NumPy int32) in a new file. */
    public static IntMatrix intMatrix(long rows, long cols) {
        return (IntMatrix) allocate(DType.INT32, rows, cols);
    }

    /**
     * Creates {@code file}, a new {@code .npy} file of {@code shape} zeros of {@code dtype}, and maps it
     * read-write: NumPy's {@code np.lib.format.open_memmap(file, mode='w+', dtype=..., shape=...)}. The file
     * is written as a valid header followed by a sparse run of data, so creating even a matrix larger than
     * memory takes no time and no disk space until pages are written; {@code numpy.load(file, mmap_mode='r')}
     * and {@code Memmap.load...} open it at any moment, in this process or another.
     *
     * <p>The file is yours: {@link SharedArray#close()} leaves it in place (the mapping goes when the array
     * is garbage collected), and nothing of jparallel ever deletes it. Written pages reach the disk when the
     * kernel writes them back; other processes that map the file see them at once, through the page cache.
     * The file is created readable by its owner only, as {@link #dump} does.
     *
     * <pre>{@code
     * Path path = Path.of("/data/big.npy");
     * try (DoubleMatrix m = (DoubleMatrix) Memmap.create(path, DType.FLOAT64, 1_000_000, 8_192)) {   // 61 GiB
     *     m.row(0).fill(1.0);
     * }                                                         // the file stays, with row 0 filled
     * DoubleMatrix again = Memmap.loadDoubleMatrix(path, MmapMode.READ_ONLY);
     * }</pre>
     *
     * @param shape one dimension for any {@link DType}, or two (rows, columns) for {@code FLOAT64},
     *              {@code FLOAT32}, {@code INT64} and {@code INT32}
     * @return a writable mapped array of the type {@link #load} would give for the file
     * @throws IllegalArgumentException for a negative dimension, an unsupported layout or a size that
     *                                  overflows a {@code long}
     * @throws UncheckedIOException     if {@code file} already exists (a {@link FileAlreadyExistsException}: use
     *                                  {@link #createOrReplace} to replace it, or {@code load} to map it), if its
     *                                  folder does not exist (a {@link NoSuchFileException}), or on an I/O error
     * @throws IllegalStateException    if the file system has no room for the whole file (checked before
     *                                  anything is written, as later writes to a sparse mapping of a full disk
     *                                  would kill the JVM with SIGBUS)
     */
    public static SharedArray create(Path file, DType dtype, long... shape) {
        return createFile(file, dtype, shape, false);
    }

    /**
     * {@link #create} that replaces {@code file} if it exists. The new file is written under a temporary
     * name and then renamed over the old one, so processes that have the old file mapped keep its bytes.
     */
    public static SharedArray createOrReplace(Path file, DType dtype, long... shape) {
        return createFile(file, dtype, shape, true);
    }

    /**
     * Creates a persistent {@code .npy} file of {@code length} zero doubles and maps it read-write; see
     * {@link #create}. For example {@code Memmap.createDoubles(Path.of("out.npy"), 1_000_000)}.
     */
    public static DoubleArray createDoubles(Path file, long length) {
        return (DoubleArray) create(file, DType.FLOAT64, length);
    }

    /** Creates a persistent {@code .npy} file of {@code length} zero floats and maps it read-write; see {@link #create}. */
    public static FloatArray createFloats(Path file, long length) {
        return (FloatArray) create(file, DType.FLOAT32, length);
    }

    /** Creates a persistent {@code .npy} file of {@code length} zero longs and maps it read-write; see {@link #create}. */
    public static LongArray createLongs(Path file, long length) {
        return (LongArray) create(file, DType.INT64, length);
    }

    /** Creates a persistent {@code .npy} file of {@code length} zero ints and maps it read-write; see {@link #create}. */
    public static IntArray createInts(Path file, long length) {
        return (IntArray) create(file, DType.INT32, length);
    }

    /** Creates a persistent {@code .npy} file of {@code length} zero bytes (int8) and maps it read-write; see {@link #create}. */
    public static ByteArray createBytes(Path file, long length) {
        return (ByteArray) create(file, DType.INT8, length);
    }

    /**
     * Creates a persistent {@code .npy} file holding a zero {@code rows} x {@code cols} matrix of doubles
     * (row-major) and maps it read-write; see {@link #create}.
     *
     * <pre>{@code
     * Path path = Path.of("/data/big.npy");
     * DoubleMatrix m = Files.exists(path) ? Memmap.loadDoubleMatrix(path, MmapMode.READ_WRITE)
     *                                     : Memmap.createDoubleMatrix(path, 1_000_000, 8_192);
     * }</pre>
     */
    public static DoubleMatrix createDoubleMatrix(Path file, long rows, long cols) {
        return (DoubleMatrix) create(file, DType.FLOAT64, rows, cols);
    }

    /** Creates a persistent {@code .npy} file holding a zero matrix of floats and maps it read-write; see {@link #create}. */
    public static FloatMatrix createFloatMatrix(Path file, long rows, long cols) {
        return (FloatMatrix) create(file, DType.FLOAT32, rows, cols);
    }

    /** Creates a persistent {@code .npy} file holding a zero matrix of longs (int64) and maps it read-write; see {@link #create}. */
    public static LongMatrix createLongMatrix(Path file, long rows, long cols) {
        return (LongMatrix) create(file, DType.INT64, rows, cols);
    }

    /** Creates a persistent {@code .npy} file holding a zero matrix of ints (int32) and maps it read-write; see {@link #create}. */
    public static IntMatrix createIntMatrix(Path file, long rows, long cols) {
        return (IntMatrix) create(file, DType.INT32, rows, cols);
    }

    /**
     * Writes {@code array} to {@code file} in {@code .npy} format (version 1.0, C order, data 64-byte
     * aligned), readable by {@code numpy.load}. The file is written under a temporary name and then renamed,
     * so processes that have the old file mapped keep their bytes; it is readable by its owner only.
     *
     * @return a read-only handle to the written data
     * @throws IllegalStateException if the file system has no room for it (checked before writing)
     */
    public static Handle dump(SharedArray array, Path file) {
        Path target = file.toAbsolutePath();
        Path folder = target.getParent();
        byte[] header = NpyHeader.encode(array.dtype(), array.shape());
        long dataBytes = array.byteSize();
        Path partial = folder.resolve("." + target.getFileName() + "."
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ".partial");
        try {
            long free = Files.getFileStore(folder).getUsableSpace();
            if (free < header.length + dataBytes) {
                throw new IllegalStateException("not enough space to dump " + (header.length + dataBytes) + " bytes to "
                        + target + ": " + folder + " has " + TempFolders.formatBytes(free) + " free");
            }
            try (FileChannel channel = FileChannel.open(partial,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    TempFolders.ownerOnly(folder, "rw-------"))) {
                writeFully(channel, ByteBuffer.wrap(header));
                writeData((ElementBytes) array, dataBytes, channel);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot dump to " + target, e);
        } finally {
            deleteQuietly(partial);
        }
        return new Handle(target, header.length, array.dtype(), array.shape(), MmapMode.READ_ONLY);
    }

    /** The size in bytes of the {@code .npy} file that {@link #dump} writes for {@code array}: header and data. */
    public static long dumpSize(SharedArray array) {
        return NpyHeader.encode(array.dtype(), array.shape()).length + array.byteSize();
    }

    /**
     * Writes {@code array} as a {@code .npy} file over {@code file}, an existing file of exactly
     * {@link #dumpSize} bytes that nothing reads meanwhile: its pages are written in place, so on a
     * tmpfs none is allocated, zeroed or freed (the README's rowsum-auto row measures what that saves).
     * Unlike {@link #dump}, a failure leaves the file half written: delete it then.
     *
     * <pre>{@code
     * Handle first = Memmap.dump(a, file);
     * Handle again = Memmap.dumpOver(b, file);   // b has a's dtype and shape
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code file}'s size is not {@code dumpSize(array)}
     */
    public static Handle dumpOver(SharedArray array, Path file) {
        Path target = file.toAbsolutePath();
        byte[] header = NpyHeader.encode(array.dtype(), array.shape());
        long dataBytes = array.byteSize();
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
            if (channel.size() != header.length + dataBytes) {
                throw new IllegalArgumentException("cannot dump " + (header.length + dataBytes) + " bytes over " + target
                        + ", which holds " + channel.size() + ": dumpOver needs a file of exactly dumpSize(array) bytes");
            }
            writeFully(channel, ByteBuffer.wrap(header));
            writeData((ElementBytes) array, dataBytes, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot dump over " + target, e);
        }
        return new Handle(target, header.length, array.dtype(), array.shape(), MmapMode.READ_ONLY);
    }

    /** Maps a 1-D float64 {@code .npy} file, without copying. */
    public static DoubleArray loadDoubles(Path file, MmapMode mode) {
        return loadTyped(file, mode, DType.FLOAT64, 1, DoubleArray.class);
    }

    /** Maps a 1-D float32 {@code .npy} file, without copying. */
    public static FloatArray loadFloats(Path file, MmapMode mode) {
        return loadTyped(file, mode, DType.FLOAT32, 1, FloatArray.class);
    }

    /** Maps a 1-D int64 {@code .npy} file, without copying. */
    public static LongArray loadLongs(Path file, MmapMode mode) {
        return loadTyped(file, mode, DType.INT64, 1, LongArray.class);
    }

    /** Maps a 1-D int32 {@code .npy} file, without copying. */
    public static IntArray loadInts(Path file, MmapMode mode) {
        return loadTyped(file, mode, DType.INT32, 1, IntArray.class);
    }

    /** Maps a 1-D int8 or uint8 {@code .npy} file, without copying. */
    public static ByteArray loadBytes(Path file, MmapMode mode) {
        return loadTyped(file, mode, DType.INT8, 1, ByteArray.class);
    }

    /** Maps a 2-D float64 C-order {@code .npy} file, without copying. */
    public static DoubleMatrix loadDoubleMatrix(Path file, MmapMode mode) {
        return loadTyped(file, mode, DType.FLOAT64, 2, DoubleMatrix.class);
    }

    /** Maps a 2-D float32 C-order {@code .npy} file, without copying. */
    public static FloatMatrix loadFloatMatrix(Path file, MmapMode mode) {
        return loadTyped(file, mode, DType.FLOAT32, 2, FloatMatrix.class);
    }

    /** Maps a 2-D int64 C-order {@code .npy} file, without copying. */
    public static LongMatrix loadLongMatrix(Path file, MmapMode mode) {
        return loadTyped(file, mode, DType.INT64, 2, LongMatrix.class);
    }

    /** Maps a 2-D int32 C-order {@code .npy} file, without copying. */
    public static IntMatrix loadIntMatrix(Path file, MmapMode mode) {
        return loadTyped(file, mode, DType.INT32, 2, IntMatrix.class);
    }

    /**
     * Maps a {@code .npy} file as the type its header names: a 1-D file as the matching {@code XxxArray},
     * a 2-D float64, float32, int64 or int32 file as a {@link DoubleMatrix}, {@link FloatMatrix},
     * {@link LongMatrix} or {@link IntMatrix}.
     *
     * @param mode {@link MmapMode#READ_ONLY}, {@link MmapMode#READ_WRITE} or {@link MmapMode#COPY_ON_WRITE}
     *             (which, as Java maps privately only through a writable channel, needs write permission)
     * @throws IllegalArgumentException naming the file, the problem and what is supported, for anything but a
     *                                  little-endian C-order file of a supported type and rank
     */
    public static SharedArray load(Path file, MmapMode mode) {
        requireMappable(mode);
        NpyHeader header = readHeader(file);
        requireSupported(file, header.dtype(), header.shape(), header.dataOffset());
        return map(file, mode, header);
    }

    /**
     * Maps what {@code handle} describes, typically in a worker process. Mappings of a file are cached
     * (except copy-on-write ones, which must stay private) and reused while the file keeps its identity;
     * see {@link #forget(Path)}.
     */
    public static SharedArray open(Handle handle) {
        Path file = handle.file();
        requireMappable(handle.mode());
        requireSupported(file, handle.dtype(), handle.shape(), handle.dataOffset());
        MappedRegion region = handle.mode() == MmapMode.COPY_ON_WRITE
                ? mapFile(file, handle.mode())
                : cachedMapping(file, handle.mode());
        NpyHeader.requireData(file, handle.dataOffset(), handle.byteSize(), region.fileSize());
        return view(region, handle.dataOffset(), handle.dtype(), handle.shape(), null);
    }

    /**
     * Maps a file that another process allocated (an array a worker's task returned) and takes a share
     * of its ownership: the file is hard-linked into this JVM's session folder, so the array stays valid,
     * and can be passed on to other processes, however soon the other process deletes its name or exits.
     * The link goes away like an allocated array's file (close, collection, exit). Where a hard link is
     * impossible (another file system), the file is mapped as it is, as {@link #open} does.
     */
    public static SharedArray adopt(Handle handle) {
        requireMappable(handle.mode());
        requireSupported(handle.file(), handle.dtype(), handle.shape(), handle.dataOffset());
        Path link = TempFolders.sessionFolder(0).resolve("adopted-" + FILE_COUNTER.incrementAndGet() + ".npy");
        try {
            Files.createLink(link, handle.file());
        } catch (IOException | UnsupportedOperationException noLink) {
            return open(handle);
        }
        try {
            MappedRegion region = mapFile(link, handle.mode());
            NpyHeader.requireData(link, handle.dataOffset(), handle.byteSize(), region.fileSize());
            Cleaner.Cleanable ownedLink = FILE_DELETER.register(region, deleteFileAction(link));
            return view(region, handle.dataOffset(), handle.dtype(), handle.shape(), ownedLink);
        } catch (RuntimeException e) {
            deleteQuietly(link);
            throw e;
        }
    }

    /** Drops the cached mappings of {@code file}, so that they can be released once no array uses them. */
    public static void forget(Path file) {
        Path normalized = file.toAbsolutePath().normalize();
        MAPPINGS.keySet().removeIf(key -> key.file().equals(normalized));
    }

    /**
     * Drops the cached mappings of files that were deleted or replaced since they were mapped (a
     * long-lived process does this when another process deletes its files), so that they can be
     * released once no array uses them.
     *
     * @return how many cached mappings were dropped
     */
    public static int forgetDeletedFiles() {
        int before = MAPPINGS.size();
        MAPPINGS.keySet().removeIf(key -> !key.identity().equals(identityOrNull(key.file())));
        return before - MAPPINGS.size();
    }

    /** True iff {@code o} is a {@link SharedArray} backed by a memory-mapped file (joblib's has_shareable_memory). */
    public static boolean isShared(Object o) {
        return o instanceof SharedArray array && array.isMapped();
    }

    private static SharedArray allocate(DType dtype, long... shape) {
        byte[] header = NpyHeader.encode(dtype, shape);
        long fileSize = Math.addExact(header.length, Math.multiplyExact(Shapes.elementCount(shape), dtype.itemSize()));
        Path folder = TempFolders.sessionFolder(fileSize);
        Path file = folder.resolve(dtype.numpyName() + "-" + FILE_COUNTER.incrementAndGet() + ".npy");
        boolean allocated = false;
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                TempFolders.ownerOnly(folder, "rw-------"))) {
            writeFully(channel, ByteBuffer.wrap(header));
            if (fileSize > header.length) {
                // Full size before mapping: touching a mapping beyond the end of its file raises SIGBUS.
                writeFully(channel.position(fileSize - 1), ByteBuffer.allocate(1));
            }
            MappedRegion region = MappedRegion.map(file, MmapMode.READ_WRITE, channel);
            // The action holds only the path: holding the region would keep it reachable forever.
            Cleaner.Cleanable ownedFile = FILE_DELETER.register(region, deleteFileAction(file));
            SharedArray array = view(region, header.length, dtype, shape, ownedFile);
            allocated = true;
            return array;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot allocate " + file, e);
        } finally {
            if (!allocated) {
                deleteQuietly(file);
            }
        }
    }

    private static SharedArray createFile(Path file, DType dtype, long[] shape, boolean replace) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(dtype, "dtype");
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("cannot create " + file + ": negative dimension in shape "
                        + Arrays.toString(shape));
            }
        }
        if (loaderName(dtype, shape.length) == null) {
            throw new IllegalArgumentException("cannot create " + file + " as a " + shape.length + "-D "
                    + dtype.numpyName() + " array of shape " + Shapes.format(shape) + "; " + SUPPORTED_LAYOUTS);
        }
        byte[] header = NpyHeader.encode(dtype, shape);
        long fileSize;
        try {
            fileSize = Math.addExact(header.length, Math.multiplyExact(Shapes.elementCount(shape), dtype.itemSize()));
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("cannot create " + file + ": shape " + Shapes.format(shape) + " of "
                    + dtype.numpyName() + " needs more than " + Long.MAX_VALUE + " bytes", overflow);
        }
        Path target = file.toAbsolutePath();
        Path folder = target.getParent();
        if (!Files.isDirectory(folder)) {
            throw new UncheckedIOException("cannot create " + target + ": folder " + folder + " does not exist",
                    new NoSuchFileException(folder.toString()));
        }
        if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw alreadyExists(target);
        }
        // A replacement is made under another name and renamed over the old file, as a dump is.
        Path written = replace ? folder.resolve("." + target.getFileName() + "."
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ".partial") : target;
        boolean created = false;
        boolean done = false;
        try {
            long free = Files.getFileStore(folder).getUsableSpace();
            if (free < fileSize) {
                throw new IllegalStateException("not enough space to create " + target + " of " + fileSize + " bytes ("
                        + TempFolders.formatBytes(fileSize) + "): " + folder + " has " + TempFolders.formatBytes(free)
                        + " free");
            }
            try (FileChannel channel = FileChannel.open(written,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    TempFolders.ownerOnly(folder, "rw-------"))) {
                created = true;
                writeFully(channel, ByteBuffer.wrap(header));
                if (fileSize > header.length) {
                    // Full size before mapping, without writing the data: the file stays sparse.
                    writeFully(channel.position(fileSize - 1), ByteBuffer.allocate(1));
                }
                // The mapping is named after the target, which is what handles must point at after the rename.
                MappedRegion region = MappedRegion.map(target, MmapMode.READ_WRITE, channel);
                if (replace) {
                    Files.move(written, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                SharedArray array = view(region, header.length, dtype, shape, null);
                done = true;
                return array;
            }
        } catch (FileAlreadyExistsException raced) {
            throw alreadyExists(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        } finally {
            if (created && !done) {
                deleteQuietly(written);
            }
        }
    }

    private static UncheckedIOException alreadyExists(Path target) {
        return new UncheckedIOException(target + " already exists; map it with Memmap.load(file, mode) (or a typed"
                + " load method), or replace it with Memmap.createOrReplace(...)",
                new FileAlreadyExistsException(target.toString()));
    }

    private static Runnable deleteFileAction(Path file) {
        return () -> {
            deleteQuietly(file);
            forget(file);
        };
    }

    private static <T extends SharedArray> T loadTyped(Path file, MmapMode mode, DType dtype, int rank, Class<T> type) {
        requireMappable(mode);
        NpyHeader header = readHeader(file);
        String expected = rank + "-D " + dtype.numpyName() + " ('" + dtype.npyDescr() + "')";
        if (header.dtype() != dtype || header.shape().length != rank) {
            throw new IllegalArgumentException(loaderName(dtype, rank) + " expects a " + expected + " array but " + file
                    + " holds a " + header.shape().length + "-D " + header.dtype().numpyName() + " array of shape "
                    + Shapes.format(header.shape()) + "; " + loaderHint(header.dtype(), header.shape().length));
        }
        requireSupported(file, header.dtype(), header.shape(), header.dataOffset());
        return type.cast(map(file, mode, header));
    }

    private static String loaderHint(DType dtype, int rank) {
        String loader = loaderName(dtype, rank);
        return loader == null ? SUPPORTED_LAYOUTS : "use " + loader + "(...) or Memmap.load(...)";
    }

    /** The typed load method for a layout, or null if there is none. */
    private static String loaderName(DType dtype, int rank) {
        if (rank == 1) {
            return "Memmap." + switch (dtype) {
                case FLOAT64 -> "loadDoubles";
                case FLOAT32 -> "loadFloats";
                case INT64 -> "loadLongs";
                case INT32 -> "loadInts";
                case INT8 -> "loadBytes";
            };
        }
        if (rank == 2) {
            return switch (dtype) {
                case FLOAT64 -> "Memmap.loadDoubleMatrix";
                case FLOAT32 -> "Memmap.loadFloatMatrix";
                case INT64 -> "Memmap.loadLongMatrix";
                case INT32 -> "Memmap.loadIntMatrix";
                case INT8 -> null;
            };
        }
        return null;
    }

    private static void requireMappable(MmapMode mode) {
        if (mode == MmapMode.WRITE) {
            throw new IllegalArgumentException("MmapMode.WRITE creates a new file, so it cannot map an existing one:"
                    + " allocate with Memmap.doubles(...) (or another allocation method), create a file of your own"
                    + " with Memmap.create(...) (mapped read-write), or write one with Memmap.dump(...), then load"
                    + " it with MmapMode.READ_WRITE");
        }
    }

    private static void requireSupported(Path file, DType dtype, long[] shape, long dataOffset) {
        if (loaderName(dtype, shape.length) == null) {
            throw new IllegalArgumentException(file + " holds a " + shape.length + "-D " + dtype.numpyName()
                    + " array of shape " + Shapes.format(shape) + "; " + SUPPORTED_LAYOUTS);
        }
        // Natural alignment keeps elements inside one chunk and makes atomic access possible.
        if (dataOffset % dtype.itemSize() != 0) {
            throw new IllegalArgumentException(file + ": data offset " + dataOffset + " is not a multiple of the "
                    + dtype.itemSize() + "-byte element size");
        }
    }

    private static NpyHeader readHeader(Path file) {
        try {
            return NpyHeader.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static SharedArray map(Path file, MmapMode mode, NpyHeader header) {
        MappedRegion region = mapFile(file, mode);
        NpyHeader.requireData(file, header.dataOffset(), header.dataBytes(), region.fileSize());
        return view(region, header.dataOffset(), header.dtype(), header.shape(), null);
    }

    private static MappedRegion mapFile(Path file, MmapMode mode) {
        try {
            return MappedRegion.map(file, mode);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + file + " with mode " + mode, e);
        }
    }

    private static MappedRegion cachedMapping(Path file, MmapMode mode) {
        forgetDeletedFiles();   // mappings of deleted or replaced files would pin their memory
        FileIdentity identity = identityOrNull(file);
        if (identity == null) {
            throw new UncheckedIOException("cannot map " + file, new NoSuchFileException(file.toString()));
        }
        return MAPPINGS.computeIfAbsent(new MappingKey(file.toAbsolutePath().normalize(), mode, identity),
                key -> mapFile(file, mode));
    }

    private static FileIdentity identityOrNull(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Object key = attributes.fileKey() != null ? attributes.fileKey() : attributes.creationTime();
            return new FileIdentity(key, attributes.size());
        } catch (IOException gone) {
            return null;
        }
    }

    /** Wraps {@code shape} elements of {@code dtype} at {@code dataOffset} of {@code region} as the matching type. */
    private static SharedArray view(MappedRegion region, long dataOffset, DType dtype, long[] shape,
                                    Cleaner.Cleanable ownedFile) {
        long size = Shapes.elementCount(shape);
        if (shape.length == 1) {
            return switch (dtype) {
                case FLOAT64 -> new MappedDoubleArray(region, dataOffset, size, ownedFile);
                case FLOAT32 -> new MappedFloatArray(region, dataOffset, size, ownedFile);
                case INT64 -> new MappedLongArray(region, dataOffset, size, ownedFile);
                case INT32 -> new MappedIntArray(region, dataOffset, size, ownedFile);
                case INT8 -> new MappedByteArray(region, dataOffset, size, ownedFile);
            };
        }
        return switch (dtype) {
            case FLOAT64 -> new MappedDoubleMatrix(new MappedDoubleArray(region, dataOffset, size, ownedFile),
                    shape[0], shape[1]);
            case FLOAT32 -> new MappedFloatMatrix(new MappedFloatArray(region, dataOffset, size, ownedFile),
                    shape[0], shape[1]);
            case INT64 -> new MappedLongMatrix(new MappedLongArray(region, dataOffset, size, ownedFile),
                    shape[0], shape[1]);
            case INT32 -> new MappedIntMatrix(new MappedIntArray(region, dataOffset, size, ownedFile),
                    shape[0], shape[1]);
            default -> throw new IllegalStateException("layout not checked by requireSupported: " + dtype + " "
                    + Shapes.format(shape));
        };
    }

    /** Streams the data through one reusable direct buffer: measured faster than writing through a mapping. */
    private static void writeData(ElementBytes source, long dataBytes, FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(dataBytes, WRITE_BUFFER_BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (long written = 0; written < dataBytes; written += buffer.capacity()) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), dataBytes - written));
            source.readBytes(written, buffer);
            writeFully(channel, buffer.flip());
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: the session folder goes at JVM exit anyway
        }
    }
}
