package dev.zentinel.proxy.wire;

import io.netty.buffer.ByteBuf;

/**
 * Byte classes of HTTP/1.1 syntax (RFC 9110 5.5, 5.6.2; RFC 9112), shared by the parser of
 * client requests and the parser of upstream responses so that both sides judge a byte alike.
 * Table look-ups rather than branch chains: the parsers ask once per byte.
 */
public final class HttpSyntax {

    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] FIELD_VALUE = new boolean[256];
    private static final boolean[] TARGET = new boolean[256];

    static {
        for (int b = 'a'; b <= 'z'; b++) {
            TOKEN[b] = true;
            TOKEN[b - 'a' + 'A'] = true;
        }
        for (int b = '0'; b <= '9'; b++) {
            TOKEN[b] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        for (int b = 0; b < 256; b++) {
            // field-vchar, SP and HTAB; obs-text (0x80-0xFF) passes as it always did.
            FIELD_VALUE[b] = b == '\t' || (b >= 0x20 && b != 0x7F);
            // Anything visible: the request validator decides which target forms are served.
            TARGET[b] = b > 0x20 && b != 0x7F;
        }
    }

    private HttpSyntax() {
    }

    /** RFC 9110 5.6.2 tchar. */
    public static boolean isToken(byte b) {
        return TOKEN[b & 0xFF];
    }

    /** A byte a field value may hold: anything but a control character other than HTAB. */
    public static boolean isFieldValue(byte b) {
        return FIELD_VALUE[b & 0xFF];
    }

    /** CTL other than HTAB, or DEL (RFC 9110 5.5): never in a field value. */
    public static boolean isControl(byte b) {
        return !FIELD_VALUE[b & 0xFF];
    }

    /** A byte a request-target may hold (any visible byte). */
    public static boolean isTarget(byte b) {
        return TARGET[b & 0xFF];
    }

    public static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    public static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    public static boolean isLineEnd(byte b) {
        return b == '\r' || b == '\n';
    }

    /** The value of a hex digit, or -1. */
    public static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** The end of a line's content: {@code lf}, or one before it when a CR precedes it. */
    public static int withoutCr(ByteBuf buf, int start, int lf) {
        return lf > start && buf.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    /** Compares {@code bytes[start, end)} with a lower-case ASCII constant, ignoring case. */
    public static boolean equalsIgnoreCase(byte[] bytes, int start, int end, String lower) {
        if (end - start != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            if (toLower(bytes[start + i]) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Compares bytes of {@code buf} with a lower-case ASCII constant, ignoring case. */
    public static boolean equalsIgnoreCase(ByteBuf buf, int start, int end, String lower) {
        return equalsIgnoreCaseAny(buf, start, end, lower);
    }

    /** Compares {@code bytes[start, end)} with any string, ignoring ASCII case. */
    public static boolean equalsIgnoreCaseAny(byte[] bytes, int start, int end, CharSequence other) {
        if (end - start != other.length()) {
            return false;
        }
        for (int i = 0; i < other.length(); i++) {
            int a = bytes[start + i] & 0xFF;
            int b = other.charAt(i);
            if (a != b && toLower(a) != toLower(b)) {
                return false;
            }
        }
        return true;
    }

    /** Compares bytes of {@code buf} with any string, ignoring ASCII case. */
    public static boolean equalsIgnoreCaseAny(ByteBuf buf, int start, int end, CharSequence other) {
        if (end - start != other.length()) {
            return false;
        }
        for (int i = 0; i < other.length(); i++) {
            int a = buf.getByte(start + i) & 0xFF;
            int b = other.charAt(i);
            if (a != b && toLower(a) != toLower(b)) {
                return false;
            }
        }
        return true;
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
