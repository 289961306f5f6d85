package org.jparallel.runtime.serial;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JDK's hidden collection classes ({@code List.of}, {@code Stream.toList}, {@code Arrays.asList},
 * {@code Collections.unmodifiableList}, {@code subList}, {@code keySet} views, ...) cannot be
 * rebuilt field by field without opening java.base. They travel as their elements and arrive as an
 * unmodifiable list, set or map with the same elements in the same order (nulls allowed).
 */
final class JdkCollectionSerializer extends Serializer<Object> {

    JdkCollectionSerializer() {
        setImmutable(false);
        setAcceptsNull(false);
    }

    @Override
    public void write(Kryo kryo, Output out, Object value) {
        if (value instanceof Map<?, ?> map) {
            out.writeByte('M');
            out.writeVarInt(map.size(), true);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                kryo.writeClassAndObject(out, e.getKey());
                kryo.writeClassAndObject(out, e.getValue());
            }
            return;
        }
        Collection<?> c = (Collection<?>) value;
        out.writeByte(c instanceof Set ? 'S' : 'L');
        out.writeVarInt(c.size(), true);
        for (Object element : c) {
            kryo.writeClassAndObject(out, element);
        }
    }

    @Override
    public Object read(Kryo kryo, Input in, Class<?> type) {
        byte kind = in.readByte();
        int size = in.readVarInt(true);
        if (kind == 'M') {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                map.put(kryo.readClassAndObject(in), kryo.readClassAndObject(in));
            }
            return Collections.unmodifiableMap(map);
        }
        List<Object> elements = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            elements.add(kryo.readClassAndObject(in));
        }
        return kind == 'S' ? Collections.unmodifiableSet(new LinkedHashSet<>(elements))
                : Collections.unmodifiableList(elements);
    }
}
