package dev.zentinel.proxy.upstream;

import io.netty.buffer.ByteBuf;

/** Byte classes of HTTP/1.1 syntax (RFC 9110/9112), on bytes read from a {@link ByteBuf}. */
final class HttpBytes {

    private HttpBytes() {
    }

    static int withoutCr(ByteBuf buf, int start, int lf) {
        return lf > start && buf.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    static boolean isLineEnd(byte b) {
        return b == '\r' || b == '\n';
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** CTL other than HTAB (RFC 9110 5.5); obs-text (0x80-0xFF) is allowed. */
    static boolean isControl(byte b) {
        return (b >= 0 && b < 0x20 && b != '\t') || b == 0x7F;
    }

    static int hexValue(byte b) {
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

    /** RFC 9110 5.6.2 tchar. */
    static boolean isTokenChar(byte b) {
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')) {
            return true;
        }
        switch (b) {
            case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
            case '-': case '.': case '^': case '_': case '`': case '|': case '~':
                return true;
            default:
                return false;
        }
    }

    /** Compares bytes with a lower-case ASCII constant, ignoring case. */
    static boolean equalsIgnoreCase(ByteBuf buf, int start, int end, String lower) {
        if (end - start != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int b = buf.getByte(start + i);
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
