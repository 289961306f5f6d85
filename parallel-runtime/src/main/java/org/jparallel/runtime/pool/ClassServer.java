package org.jparallel.runtime.pool;

import org.jparallel.runtime.wire.ClassBytesFrame;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parent's side of class shipping (the worker's is {@code ShippingClassLoader}): answers a
 * worker's request for a class with the class file as the call's function's class loader serves it
 * (JShell snippets, an application's own loader), and, for a JShell snippet wrapper, the current
 * values of its top-level variables, which are static fields the session set.
 */
final class ClassServer {
    private static final String JSHELL_PACKAGE = "REPL.$JShell$";

    private ClassServer() {
    }

    /** The payload of a CLASS_BYTES frame for {@code name}: length -1 when there is no such class. */
    static byte[] classBytes(ProcessCall call, String name) {
        byte[] bytes = call == null ? null : readClassFile(call.userLoader(), name);
        if (bytes == null) {
            return ClassBytesFrame.encodeMissing(name);
        }
        byte[] statics = name.startsWith(JSHELL_PACKAGE) ? snippetVariables(call, name) : new byte[0];
        return new ClassBytesFrame(name, bytes, statics).encode();
    }

    private static byte[] readClassFile(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** The static fields of a snippet wrapper class (JShell's top-level variables), by name, serialized. */
    private static byte[] snippetVariables(ProcessCall call, String name) {
        Map<String, Object> values = new LinkedHashMap<>();
        try {
            Class<?> wrapper = Class.forName(name, false, call.userLoader());
            for (Field f : wrapper.getDeclaredFields()) {
                int mods = f.getModifiers();
                if (Modifier.isStatic(mods) && !Modifier.isFinal(mods)) {
                    f.setAccessible(true);
                    values.put(f.getName(), f.get(null));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new byte[0];
        }
        try {
            return call.serialize(values, "the JShell variables of " + name);
        } catch (RuntimeException e) {
            // One variable that cannot travel (a Thread, say) must not hide the others.
            Map<String, Object> sendable = new LinkedHashMap<>();
            values.forEach((field, value) -> {
                try {
                    call.serialize(value, field);
                    sendable.put(field, value);
                } catch (RuntimeException notSendable) {
                    System.err.println("jparallel: the JShell variable " + field + " cannot be sent to workers, where"
                            + " it will be null: " + notSendable.getMessage());
                }
            });
            return call.serialize(sendable, "the JShell variables of " + name);
        }
    }
}
