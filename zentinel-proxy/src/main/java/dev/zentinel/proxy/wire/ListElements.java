package dev.zentinel.proxy.wire;

import io.netty.buffer.ByteBuf;

/**
 * Walks the elements of a comma-separated field value (RFC 9110 5.6.1: Connection,
 * Transfer-Encoding): empty elements are skipped and the optional whitespace around each element
 * is not part of it. An element is returned packed into a long ({@link #start}, {@link #end}) so
 * that walking a value allocates nothing; the next element is looked for from the previous one's
 * end.
 */
public final class ListElements {

    /** Returned when no element is left. */
    public static final long NONE = -1;

    private ListElements() {
    }

    /** The first non-empty element of {@code bytes[from, end)}, or {@link #NONE}. */
    public static long next(byte[] bytes, int from, int end) {
        int s = from;
        while (s < end && (bytes[s] == ',' || HttpSyntax.isWhitespace(bytes[s]))) {
            s++;
        }
        if (s == end) {
            return NONE;
        }
        int e = s;
        while (e < end && bytes[e] != ',') {
            e++;
        }
        while (HttpSyntax.isWhitespace(bytes[e - 1])) {
            e--;
        }
        return pack(s, e);
    }

    /** The first non-empty element of {@code buf} between {@code from} and {@code end}, or {@link #NONE}. */
    public static long next(ByteBuf buf, int from, int end) {
        int s = from;
        while (s < end && (buf.getByte(s) == ',' || HttpSyntax.isWhitespace(buf.getByte(s)))) {
            s++;
        }
        if (s == end) {
            return NONE;
        }
        int e = s;
        while (e < end && buf.getByte(e) != ',') {
            e++;
        }
        while (HttpSyntax.isWhitespace(buf.getByte(e - 1))) {
            e--;
        }
        return pack(s, e);
    }

    /** True when a list element of {@code bytes[start, end)} equals {@code lower} (any letter case). */
    public static boolean contains(byte[] bytes, int start, int end, String lower) {
        for (long element = next(bytes, start, end); element != NONE; element = next(bytes, end(element), end)) {
            if (HttpSyntax.equalsIgnoreCase(bytes, start(element), end(element), lower)) {
                return true;
            }
        }
        return false;
    }

    public static int start(long element) {
        return (int) (element >>> 32);
    }

    public static int end(long element) {
        return (int) element;
    }

    private static long pack(int start, int end) {
        return (long) start << 32 | end & 0xFFFFFFFFL;
    }
}
