package org.jparallel.runtime.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends serializable lambdas and method references as their {@link SerializedLambda} form and
 * rebuilds them in the receiving JVM through the capturing class's own
 * {@code $deserializeLambda$} method, resolved with Kryo's class loader.
 *
 * <p>Kryo's own ClosureSerializer calls {@code SerializedLambda.readResolve} reflectively, which
 * needs {@code --add-opens java.base/java.lang.invoke}; the capturing class is in the user's
 * (unnamed, hence open) module, so going to it directly needs no flag, and finds classes that only
 * the user's class loader knows (JShell snippets, plugin loaders).
 *
 * <p>A capturing class in a named module (a modular application) does not open its package to this
 * module, so reflection cannot reach its private {@code writeReplace} and
 * {@code $deserializeLambda$}. Then the serialization hooks of {@code sun.reflect.ReflectionFactory}
 * (jdk.unsupported, made for serialization libraries) do the same as Java serialization would: the
 * lambda's {@code writeReplace}, and {@code SerializedLambda.readResolve}, which calls
 * {@code $deserializeLambda$} from java.base. The application needs no {@code opens} for its lambdas.
 */
public final class LambdaSerializer extends Serializer<Object> {
    private static final Map<Class<?>, MethodHandle> WRITE_REPLACE = new ConcurrentHashMap<>();
    /** A ConcurrentHashMap holds no null: this stands for "a lambda whose target type is not Serializable". */
    private static final MethodHandle NO_WRITE_REPLACE = MethodHandles.constant(Object.class, null);
    /** Each: a capturing class's {@code $deserializeLambda$}, or {@code SerializedLambda.readResolve}, which calls it. */
    private static final Map<Class<?>, MethodHandle> DESERIALIZE = new ConcurrentHashMap<>();

    @Override
    public void write(Kryo kryo, Output out, Object lambda) {
        SerializedLambda form = serializedForm(lambda);
        out.writeString(form.getCapturingClass());
        out.writeString(form.getFunctionalInterfaceClass());
        out.writeString(form.getFunctionalInterfaceMethodName());
        out.writeString(form.getFunctionalInterfaceMethodSignature());
        out.writeVarInt(form.getImplMethodKind(), true);
        out.writeString(form.getImplClass());
        out.writeString(form.getImplMethodName());
        out.writeString(form.getImplMethodSignature());
        out.writeString(form.getInstantiatedMethodType());
        out.writeVarInt(form.getCapturedArgCount(), true);
        for (int i = 0; i < form.getCapturedArgCount(); i++) {
            kryo.writeClassAndObject(out, form.getCapturedArg(i));
        }
    }

    @Override
    public Object read(Kryo kryo, Input in, Class<? extends Object> type) {
        String capturingName = in.readString();
        Class<?> capturing;
        try {
            capturing = Class.forName(capturingName.replace('/', '.'), false, kryo.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new KryoException("the class " + capturingName.replace('/', '.') + " that defines a lambda is not"
                    + " on this JVM's class path", e);
        }
        String fi = in.readString();
        String fiMethod = in.readString();
        String fiSignature = in.readString();
        int implKind = in.readVarInt(true);
        String implClass = in.readString();
        String implMethod = in.readString();
        String implSignature = in.readString();
        String instantiated = in.readString();
        Object[] captured = new Object[in.readVarInt(true)];
        for (int i = 0; i < captured.length; i++) {
            captured[i] = kryo.readClassAndObject(in);
        }
        SerializedLambda form = new SerializedLambda(capturing, fi, fiMethod, fiSignature, implKind, implClass,
                implMethod, implSignature, instantiated, captured);
        try {
            return DESERIALIZE.computeIfAbsent(capturing, LambdaSerializer::deserializeMethod).invoke(form);
        } catch (KryoException e) {
            throw e;
        } catch (Throwable e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            if (cause instanceof Error error && !(cause instanceof LinkageError)) {
                throw error;
            }
            throw new KryoException("could not rebuild a lambda of " + capturing.getName() + " (" + implMethod
                    + "): " + cause, cause);
        }
    }

    private static SerializedLambda serializedForm(Object lambda) {
        Class<?> type = lambda.getClass();
        MethodHandle writeReplace = WRITE_REPLACE.computeIfAbsent(type, LambdaSerializer::writeReplaceMethod);
        if (writeReplace == NO_WRITE_REPLACE) {
            throw new KryoException(describeNonSerializable(type));
        }
        try {
            return (SerializedLambda) writeReplace.invoke(lambda);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new KryoException("could not serialize the lambda " + type.getName() + ": " + e, e);
        }
    }

    private static MethodHandle writeReplaceMethod(Class<?> type) {
        try {
            Method m = type.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m);
        } catch (NoSuchMethodException e) {
            return NO_WRITE_REPLACE;   // a lambda whose target type is not Serializable
        } catch (InaccessibleObjectException | IllegalAccessException notOpen) {
            // A lambda of a named module that does not open its package to this one.
            MethodHandle viaSerialization = sun.reflect.ReflectionFactory.getReflectionFactory()
                    .writeReplaceForSerialization(type);
            return viaSerialization == null ? NO_WRITE_REPLACE : viaSerialization;
        }
    }

    private static MethodHandle deserializeMethod(Class<?> capturing) {
        try {
            Method m = capturing.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            try {
                m.setAccessible(true);
                return MethodHandles.lookup().unreflect(m);
            } catch (InaccessibleObjectException | IllegalAccessException notOpen) {
                // A named module that does not open the package to this one. SerializedLambda.readResolve
                // calls $deserializeLambda$ from java.base, which may; it has the same type, (SerializedLambda)Object.
                return sun.reflect.ReflectionFactory.getReflectionFactory()
                        .readResolveForSerialization(SerializedLambda.class);
            }
        } catch (NoSuchMethodException e) {
            throw new KryoException(capturing.getName() + " defines no serializable lambda; was it compiled from"
                    + " different sources than the caller's?", e);
        }
    }

    static String describeNonSerializable(Class<?> lambdaClass) {
        String iface = lambdaClass.getInterfaces().length > 0 ? lambdaClass.getInterfaces()[0].getName() : "?";
        return "cannot send a lambda implementing " + iface + " to a worker: its type is not Serializable."
                + " Declare it as org.jparallel.Fn (or Fn2), or cast it: (" + iface + " & java.io.Serializable) x -> ...";
    }
}
