package dev.zentinel.proxy.http;

import dev.zentinel.proxy.wire.FieldPositions;
import dev.zentinel.proxy.wire.HttpSyntax;
import java.nio.charset.StandardCharsets;

/**
 * The field lines of one request head as positions in its bytes, each with the kind of name the
 * proxy cares about; no header map is built. Names keep the spelling the client sent; values are
 * stored without surrounding whitespace.
 */
final class RequestFields extends FieldPositions {

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

    private static final int INITIAL_FIELDS = 8;

    private final byte[] bytes;

    RequestFields(byte[] bytes) {
        super(INITIAL_FIELDS);
        this.bytes = bytes;
    }

    byte[] bytes() {
        return bytes;
    }

    /** The value of the first field with this name (any letter case), or null. */
    String firstValue(CharSequence name) {
        for (int i = 0, n = count(); i < n; i++) {
            if (HttpSyntax.equalsIgnoreCaseAny(bytes, nameStart(i), nameEnd(i), name)) {
                return value(i);
            }
        }
        return null;
    }

    /** True when this field's name equals {@code name} (any letter case). */
    boolean nameEquals(int field, CharSequence name) {
        return HttpSyntax.equalsIgnoreCaseAny(bytes, nameStart(field), nameEnd(field), name);
    }

    /** The field's value as ISO-8859-1 text (the way Netty's decoder turned bytes into strings). */
    String value(int field) {
        int start = valueStart(field);
        return new String(bytes, start, valueEnd(field) - start, StandardCharsets.ISO_8859_1);
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
