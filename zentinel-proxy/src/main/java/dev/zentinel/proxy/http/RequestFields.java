package dev.zentinel.proxy.http;

import dev.zentinel.proxy.wire.FieldNames;
import dev.zentinel.proxy.wire.FieldPositions;
import dev.zentinel.proxy.wire.HttpSyntax;
import dev.zentinel.proxy.wire.ListElements;
import java.nio.charset.StandardCharsets;

/**
 * The field lines of one request head as positions in its bytes, each with the kind of name the
 * proxy cares about; no header map is built. Names keep the spelling the client sent; values are
 * stored without surrounding whitespace.
 */
final class RequestFields extends FieldPositions {

    // The kinds are FieldNames' (one classifier for requests and responses).
    static final byte OTHER = FieldNames.OTHER;
    static final byte HOST = FieldNames.HOST;
    static final byte CONTENT_LENGTH = FieldNames.CONTENT_LENGTH;
    static final byte TRANSFER_ENCODING = FieldNames.TRANSFER_ENCODING;
    static final byte CONNECTION = FieldNames.CONNECTION;
    /** Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade: never forwarded. */
    static final byte HOP_BY_HOP = FieldNames.HOP_BY_HOP;
    static final byte EXPECT = FieldNames.EXPECT;
    static final byte X_FORWARDED_FOR = FieldNames.X_FORWARDED_FOR;
    static final byte X_FORWARDED_PROTO = FieldNames.X_FORWARDED_PROTO;
    static final byte X_FORWARDED_HOST = FieldNames.X_FORWARDED_HOST;
    static final byte VIA = FieldNames.VIA;

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
        return ListElements.contains(bytes, valueStart(field), valueEnd(field), lower);
    }
}
