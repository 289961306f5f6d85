package org.jparallel.runtime.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.FieldSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.kryo5.serializers.JavaSerializer;
import com.esotericsoftware.kryo.kryo5.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.kryo5.minlog.Log;
import org.jparallel.memmap.SharedArray;
import org.jparallel.spi.IndexRange;
import com.esotericsoftware.kryo.kryo5.objenesis.strategy.StdInstantiatorStrategy;

import java.io.Serializable;
import java.nio.file.Path;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;

/**
 * The Kryo configuration used on both ends of a worker's channel. Not thread-safe: one per thread.
 *
 * <ul>
 *   <li>No registration needed: any class of the user's travels, with or without a no-arg
 *       constructor, with references kept (shared and cyclic graphs survive).</li>
 *   <li>Serializable lambdas and method references: {@link LambdaSerializer}.</li>
 *   <li>A batch of an index range ({@link IndexRange}): its two ends.</li>
 *   <li>Shared arrays: {@link SharedArraySerializer}; large primitive arrays:
 *       {@link DumpingArraySerializers}; both dump through the call's {@link DumpContext}.</li>
 *   <li>JDK classes: Kryo's own serializers where it has one, the element-wise
 *       {@link JdkCollectionSerializer} for the JDK's hidden collections, Java serialization for
 *       other Serializable JDK classes and all exceptions, and a clear refusal for the rest
 *       (threads, sockets, streams), which could only be copied by breaking into java.base.</li>
 * </ul>
 */
public final class WireKryo extends Kryo {
    static {
        Log.set(Log.LEVEL_NONE);   // minlog writes to System.out; nothing of ours may print
        // Kryo probes sun.misc.Unsafe when its Util class loads, and JDK 24+ prints a warning for
        // that in the caller's JVM. We use no Unsafe-based stream, so tell Kryo not to look
        // (unless the application decided otherwise). Runs before any Kryo constructor.
        if (System.getProperty("kryo.unsafe") == null) {
            System.setProperty("kryo.unsafe", "false");
        }
    }

    private final JavaSerializer javaSerializer = new JavaSerializer();
    private final JdkCollectionSerializer jdkCollections = new JdkCollectionSerializer();

    public WireKryo(ClassLoader loader) {
        setClassLoader(loader);
        setRegistrationRequired(false);
        setWarnUnregisteredClasses(false);
        setReferences(true);
        setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        register(ClosureSerializer.Closure.class, new LambdaSerializer());
        register(IndexRange.class, new IndexRangeSerializer());   // an id, not its class name, in every batch
        ImmutableCollectionsSerializers.addDefaultSerializers(this);
        addDefaultSerializer(SharedArray.class, new SharedArraySerializer());
        addDefaultSerializer(Path.class, new PathSerializer());
        DumpingArraySerializers.install(this);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Serializer getDefaultSerializer(Class type) {
        if (Throwable.class.isAssignableFrom(type)) {
            return javaSerializer;
        }
        if (!isJdkClass(type) || type.isArray() || type.isEnum()) {
            return super.getDefaultSerializer(type);
        }
        if ((Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) && !isPlainCollection(type)) {
            return jdkCollections;
        }
        try {
            Serializer serializer = super.getDefaultSerializer(type);
            if (!(serializer instanceof FieldSerializer)) {
                return serializer;   // Kryo knows this JDK class (String, BigDecimal, ArrayList, ...)
            }
        } catch (RuntimeException fieldsOfJavaBase) {
            // Kryo fell back to reading fields, which java.base does not open: not Kryo's to copy.
        }
        if (Serializable.class.isAssignableFrom(type)) {
            return javaSerializer;
        }
        throw new KryoException("cannot send an object of class " + type.getName() + " to a worker: it is a JDK"
                + " class that is not Serializable (a thread, socket, stream, lock or similar resource lives in one"
                + " JVM only). Pass or capture the data it holds instead, or open the resource inside the task.");
    }

    /** A Path is not Serializable, yet it is what a task most often captures: it travels as its text. */
    private static final class PathSerializer extends Serializer<Path> {
        PathSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, com.esotericsoftware.kryo.kryo5.io.Output out, Path path) {
            out.writeString(path.toString());
        }

        @Override
        public Path read(Kryo kryo, com.esotericsoftware.kryo.kryo5.io.Input in, Class<? extends Path> type) {
            return Path.of(in.readString());
        }
    }

    /**
     * A batch of {@code forEach} or {@code mapIndices} travels as its two ends, whatever its length
     * (Kryo's collection serializer would write every element).
     */
    static final class IndexRangeSerializer extends Serializer<IndexRange> {
        IndexRangeSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, com.esotericsoftware.kryo.kryo5.io.Output out, IndexRange range) {
            out.writeVarLong(range.from(), false);
            out.writeVarLong(range.longSize(), true);
        }

        @Override
        public IndexRange read(Kryo kryo, com.esotericsoftware.kryo.kryo5.io.Input in, Class<? extends IndexRange> type) {
            long from = in.readVarLong(false);
            return new IndexRange(from, from + in.readVarLong(true));
        }
    }

    private static final java.util.regex.Pattern NOT_OPEN =
            java.util.regex.Pattern.compile("module (\\S+) does not \"(?:opens|exports) (\\S+)\" to module (\\S+)");

    /**
     * The first {@link java.lang.reflect.InaccessibleObjectException} in {@code e}'s causes, said as what
     * to write: Kryo copies an object's fields by reflection, which a named module (a modular
     * application) allows only in the packages it opens to Kryo's module. Null if there is none.
     */
    public static String describeNotOpen(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.lang.reflect.InaccessibleObjectException closed) {
                java.util.regex.Matcher m = NOT_OPEN.matcher(String.valueOf(closed.getMessage()));
                if (m.find()) {
                    return "the module " + m.group(1) + " does not open its package " + m.group(2) + " to " + m.group(3)
                            + ", which copies the fields of the objects that travel to and from workers (" + closed.getMessage()
                            + "). Add `opens " + m.group(2) + " to " + m.group(3) + ";` to the module-info.java of "
                            + m.group(1) + " (lambdas and method references need no opens; objects of its classes do)";
                }
                return closed.getMessage() + ". A modular application opens the packages of the objects it sends"
                        + " to workers to Kryo: `opens <package> to com.esotericsoftware.kryo.kryo5;` in its module-info.java";
            }
        }
        return null;
    }

    private static boolean isJdkClass(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    /** A public JDK collection with a public no-arg constructor: Kryo rebuilds it with add/put. */
    private static boolean isPlainCollection(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers())) {
            return false;
        }
        try {
            return Modifier.isPublic(type.getConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
