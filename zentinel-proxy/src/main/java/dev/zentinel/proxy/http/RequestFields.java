package dev.zentinel.proxy.http;

import dev.zentinel.proxy.wire.HttpSyntax;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The field lines of one request head as positions in its bytes, each with the kind of name the
 * proxy cares about; no header map is built. Names keep the spelling the client sent; values are
 * stored without surrounding whitespace.
 */
final class RequestFields {

    static final byte OTHER = 0;
    static final byte HOST = 1;
    static final byte CONTENT_LENGTH = 2;
    static final byte TRANSFER_ENCODING = 3;
    static final byte CONNECTION = 4;
    /** Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade: never forwarded. */
    static final byte HOP_BY_HOP = 5;
    static final byte EXPECT = 6;
    static final byte X_FORWARDED_FOR = 7;
    static final byte X_FORWARDED_PROTO = 8;
    static final byte X_FORWARDED_HOST = 9;
    static final byte VIA = 10;

    private static final int SLOTS = 4; // name start, name end, value start, value end
    private static final int INITIAL_FIELDS = 8;

    private final byte[] bytes;
    private int[] positions = new int[INITIAL_FIELDS * SLOTS];
    private byte[] kinds = new byte[INITIAL_FIELDS];
    private int count;

    RequestFields(byte[] bytes) {
        this.bytes = bytes;
    }

    void add(int nameStart, int nameEnd, int valueStart, int valueEnd, byte kind) {
        if (count == kinds.length) {
            positions = Arrays.copyOf(positions, positions.length * 2);
            kinds = Arrays.copyOf(kinds, kinds.length * 2);
        }
        int p = count * SLOTS;
        positions[p] = nameStart;
        positions[p + 1] = nameEnd;
        positions[p + 2] = valueStart;
        positions[p + 3] = valueEnd;
        kinds[count++] = kind;
    }

    int count() {
        return count;
    }

    byte kind(int field) {
        return kinds[field];
    }

    int nameStart(int field) {
        return positions[field * SLOTS];
    }

    int nameEnd(int field) {
        return positions[field * SLOTS + 1];
    }

    int valueStart(int field) {
        return positions[field * SLOTS + 2];
    }

    int valueEnd(int field) {
        return positions[field * SLOTS + 3];
    }

    byte[] bytes() {
        return bytes;
    }

    /** The first field of a kind, or -1. */
    int first(byte kind) {
        for (int i = 0; i < count; i++) {
            if (kinds[i] == kind) {
                return i;
            }
        }
        return -1;
    }

    /** The value of the first field with this name (any letter case), or null. */
    String firstValue(CharSequence name) {
        for (int i = 0; i < count; i++) {
            int p = i * SLOTS;
            if (HttpSyntax.equalsIgnoreCaseAny(bytes, positions[p], positions[p + 1], name)) {
                return value(i);
            }
        }
        return null;
    }

    /** True when this field's name equals {@code name} (any letter case). */
    boolean nameEquals(int field, CharSequence name) {
        int p = field * SLOTS;
        return HttpSyntax.equalsIgnoreCaseAny(bytes, positions[p], positions[p + 1], name);
    }

    /** The field's value as ISO-8859-1 text (the way Netty's decoder turned bytes into strings). */
    String value(int field) {
        int start = positions[field * SLOTS + 2];
        return new String(bytes, start, positions[field * SLOTS + 3] - start, StandardCharsets.ISO_8859_1);
    }

    /** True when the value, a comma-separated list, has an element equal to {@code lower} (any letter case). */
    boolean valueHasToken(int field, String lower) {
        int end = valueEnd(field);
        int i = valueStart(field);
        while (i <= end) {
            int comma = i;
            while (comma < end && bytes[comma] != ',') {
                comma++;
            }
            int s = i;
            int e = comma;
            while (s < e && HttpSyntax.isWhitespace(bytes[s])) {
                s++;
            }
            while (e > s && HttpSyntax.isWhitespace(bytes[e - 1])) {
                e--;
            }
            if (HttpSyntax.equalsIgnoreCase(bytes, s, e, lower)) {
                return true;
            }
            i = comma + 1;
        }
        return false;
    }
}
