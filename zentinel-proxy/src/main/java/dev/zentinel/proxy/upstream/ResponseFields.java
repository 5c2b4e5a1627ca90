package dev.zentinel.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The field lines of a response head or of a chunked body's trailer section, as positions in the
 * bytes they were parsed from: nothing is copied into a header map. Valid only during the callback
 * that hands it over; the bytes belong to the parser.
 */
public final class ResponseFields {

    /** What the proxy needs to know about a field name; everything else is {@link #OTHER}. */
    public static final byte OTHER = 0;
    public static final byte CONNECTION = 1;
    /** Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade: removed before forwarding (RFC 9110 7.6.1). */
    public static final byte HOP_BY_HOP = 2;
    public static final byte CONTENT_LENGTH = 3;
    public static final byte TRANSFER_ENCODING = 4;

    private static final int SLOTS = 4; // name start, name end, value start, value end
    private static final int INITIAL_FIELDS = 16;

    private ByteBuf bytes;
    private int[] positions = new int[INITIAL_FIELDS * SLOTS];
    private byte[] kinds = new byte[INITIAL_FIELDS];
    private int count;

    void reset(ByteBuf source) {
        bytes = source;
        count = 0;
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

    public int count() {
        return count;
    }

    public byte kind(int field) {
        return kinds[field];
    }

    /** Case-insensitive comparison of a field's name. */
    public boolean nameEquals(int field, CharSequence name) {
        int start = positions[field * SLOTS];
        int length = positions[field * SLOTS + 1] - start;
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (AsciiString.toLowerCase((char) (bytes.getByte(start + i) & 0xFF)) != AsciiString.toLowerCase(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The field's value, surrounding whitespace removed (bytes as ISO-8859-1). */
    public String value(int field) {
        int start = positions[field * SLOTS + 2];
        return bytes.toString(start, positions[field * SLOTS + 3] - start, StandardCharsets.ISO_8859_1);
    }

    /** Writes the field as {@code name: value CRLF}, the name as received, the value without surrounding whitespace. */
    public void writeLine(int field, ByteBuf out) {
        int p = field * SLOTS;
        out.writeBytes(bytes, positions[p], positions[p + 1] - positions[p]);
        out.writeShort(':' << 8 | ' ');
        out.writeBytes(bytes, positions[p + 2], positions[p + 3] - positions[p + 2]);
        out.writeShort('\r' << 8 | '\n');
    }

    /** Bytes {@link #writeLine} writes for all fields, for sizing a buffer. */
    public int encodedLength() {
        int total = 0;
        for (int i = 0; i < count; i++) {
            int p = i * SLOTS;
            total += positions[p + 1] - positions[p] + positions[p + 3] - positions[p + 2] + 4;
        }
        return total;
    }
}
