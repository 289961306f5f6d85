package org.jparallel.runtime.wire;

import java.nio.charset.StandardCharsets;

/**
 * {@link Frame#HELLO}, worker to parent, its first frame: the token the parent wrote to the
 * worker's stdin, which proves that this is the process the parent started, and its pid.
 *
 * <pre>
 * +----------------------+----+----------------------+
 * | token (hex digits)   | \n | pid (decimal digits) |
 * +----------------------+----+----------------------+
 * </pre>
 *
 * in UTF-8, with no length fields: the frame's length bounds it.
 */
public final class HelloFrame {
    private HelloFrame() {
    }

    public static byte[] encode(String token, long pid) {
        return (token + "\n" + pid).getBytes(StandardCharsets.UTF_8);
    }

    /** The token: everything before the first line break. */
    public static String token(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
