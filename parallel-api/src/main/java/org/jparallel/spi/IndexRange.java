package org.jparallel.spi;

import java.util.AbstractList;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * The arguments {@code from, from + 1, ..., to - 1} of {@code Parallel.forEach} and
 * {@code mapIndices}, as an immutable list of {@code Long} that holds only its two ends. The call
 * cuts it into batches with {@link #slice} (no element is visited), and a backend that sends a
 * batch sends the two ends: the runtime's serializer writes 16 bytes whatever the length.
 *
 * <p>A range may hold more than {@code Integer.MAX_VALUE} indices: {@link #longSize()} is its
 * length, and {@link #size()} says {@code Integer.MAX_VALUE} then, as {@code Collection.size} does.
 */
public final class IndexRange extends AbstractList<Object> implements RandomAccess {
    private final long from;
    private final long to;

    /** @throws IllegalArgumentException if {@code from > to} */
    public IndexRange(long from, long to) {
        if (from > to) {
            throw new IllegalArgumentException("the range from " + from + " to " + to + " runs backwards; give"
                    + " from <= to (from is included, to is not; from == to is an empty range)");
        }
        if (to - from < 0) {   // overflowed: more than Long.MAX_VALUE indices
            throw new IllegalArgumentException("the range from " + from + " to " + to + " holds more than "
                    + Long.MAX_VALUE + " indices; split it into smaller ranges");
        }
        this.from = from;
        this.to = to;
    }

    /** The first index. */
    public long from() {
        return from;
    }

    /** One past the last index. */
    public long to() {
        return to;
    }

    /** The number of indices, which may exceed {@code Integer.MAX_VALUE}. */
    public long longSize() {
        return to - from;
    }

    /** The {@code length} indices from position {@code offset} of this range, without visiting them. */
    public IndexRange slice(long offset, long length) {
        if (offset < 0 || length < 0 || offset > longSize() - length) {
            throw new IndexOutOfBoundsException("slice(" + offset + ", " + length + ") of a range of " + longSize());
        }
        return new IndexRange(from + offset, from + offset + length);
    }

    @Override
    public int size() {
        return (int) Math.min(longSize(), Integer.MAX_VALUE);
    }

    @Override
    public Object get(int position) {
        if (position < 0 || position >= longSize()) {
            throw new IndexOutOfBoundsException("position " + position + " of a range of " + longSize());
        }
        return from + position;
    }

    @Override
    public Iterator<Object> iterator() {
        return new Iterator<>() {
            private long next = from;

            @Override
            public boolean hasNext() {
                return next < to;
            }

            @Override
            public Object next() {
                if (next >= to) {
                    throw new NoSuchElementException();
                }
                return next++;
            }
        };
    }

    @Override
    public String toString() {
        return "[" + from + ", " + to + ")";
    }
}
