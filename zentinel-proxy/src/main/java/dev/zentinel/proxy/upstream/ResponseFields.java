package dev.zentinel.proxy.upstream;

import dev.zentinel.proxy.wire.FieldNames;
import dev.zentinel.proxy.wire.FieldPositions;
import dev.zentinel.proxy.wire.HttpSyntax;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * The field lines of a response head or of a chunked body's trailer section, as positions in the
 * bytes they were parsed from: nothing is copied into a header map. Valid only during the callback
 * that hands it over; the bytes belong to the parser.
 */
public final class ResponseFields extends FieldPositions {

    /** What the proxy needs to know about a field name; everything else is {@link #OTHER}. */
    public static final byte OTHER = FieldNames.OTHER;
    public static final byte CONNECTION = FieldNames.CONNECTION;
    /** Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade: removed before forwarding (RFC 9110 7.6.1). */
    public static final byte HOP_BY_HOP = FieldNames.HOP_BY_HOP;
    public static final byte CONTENT_LENGTH = FieldNames.CONTENT_LENGTH;
    public static final byte TRANSFER_ENCODING = FieldNames.TRANSFER_ENCODING;

    private static final int INITIAL_FIELDS = 16;

    private ByteBuf bytes;

    ResponseFields() {
        super(INITIAL_FIELDS);
    }

    void reset(ByteBuf source) {
        bytes = source;
        clear();
    }

    /** Case-insensitive comparison of a field's name. */
    public boolean nameEquals(int field, CharSequence name) {
        return HttpSyntax.equalsIgnoreCaseAny(bytes, nameStart(field), nameEnd(field), name);
    }

    /** A copy of the field's value bytes, surrounding whitespace removed. */
    public byte[] valueBytes(int field) {
        int start = valueStart(field);
        return ByteBufUtil.getBytes(bytes, start, valueEnd(field) - start);
    }

    /** The field's value, surrounding whitespace removed (bytes as ISO-8859-1). */
    public String value(int field) {
        int start = valueStart(field);
        return bytes.toString(start, valueEnd(field) - start, StandardCharsets.ISO_8859_1);
    }

    /** Writes the field as {@code name: value CRLF}, the name as received, the value without surrounding whitespace. */
    public void writeLine(int field, ByteBuf out) {
        out.writeBytes(bytes, nameStart(field), nameEnd(field) - nameStart(field));
        out.writeShort(':' << 8 | ' ');
        out.writeBytes(bytes, valueStart(field), valueEnd(field) - valueStart(field));
        out.writeShort('\r' << 8 | '\n');
    }

    /** Bytes {@link #writeLine} writes for all fields, for sizing a buffer. */
    public int encodedLength() {
        int total = 0;
        for (int i = 0, n = count(); i < n; i++) {
            total += nameEnd(i) - nameStart(i) + valueEnd(i) - valueStart(i) + 4;
        }
        return total;
    }
}
